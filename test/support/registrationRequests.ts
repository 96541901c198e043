// The one place the test harness reaches past Pulumi's public mocks API. The mocks' `newResource` is given
// a resource's type, name, inputs, provider, custom flag and id (`MockResourceArgs`), but neither its parent
// nor the resources it waits for (pulumi/pulumi#14421 asks for both). A child's URN names its parent's type,
// not which parent it is; the dependencies the SDK sends (`dependsOn`, and the resources behind every input
// Output) have no public accessor at all. The tests that assert "every pod is created after the namespace"
// or "this command is a child of the checks" read both off the request the SDK hands the mock monitor.
// ./registrationRequests.test.ts fails with a plain message when that shape changes; the harness then
// keeps running, and only the tests that read a parent or dependencies fail, saying why.
import type * as pulumi from "@pulumi/pulumi";

type Monitor = NonNullable<ReturnType<typeof pulumi.runtime.getMonitor>>;
/** The SDK's own declaration of the request, so that the compiler notices a renamed getter too. */
type Request = Parameters<Monitor["registerResource"]>[0];

/** What the SDK told the engine about one resource beyond what `newResource` is given. */
export interface EngineView {
  type: string;
  name: string;
  /** The parent's URN; empty for a resource without one. */
  parent: string;
  /** URNs of the resources it waits for: its `dependsOn` and those behind its inputs. */
  dependencies: string[];
}

const GETTERS = ["getType", "getName", "getParent", "getDependenciesList"] as const;

/**
 * Wraps the mock monitor's `registerResource` so that `seen` gets each request before the mocks do; calls
 * `unseen` with the reason when the monitor or a request no longer has the shape read here.
 */
export function watchRegistrationRequests(
  monitor: unknown,
  seen: (view: EngineView) => void,
  unseen: (why: string) => void,
): void {
  const target = monitor as { registerResource?: unknown } | undefined;
  if (typeof target?.registerResource !== "function") {
    unseen("the mock monitor (pulumi.runtime.getMonitor()) has no registerResource method");
    return;
  }
  const register = (target.registerResource as (request: Request, callback: unknown) => unknown).bind(target);
  target.registerResource = (request: Request, callback: unknown) => {
    const fields = request as unknown as Record<string, unknown>;
    const missing = GETTERS.filter((getter) => typeof fields[getter] !== "function");
    if (missing.length > 0) {
      unseen(`the registration request has no ${missing.join(", ")}`);
    } else {
      seen({
        type: request.getType(),
        name: request.getName(),
        parent: request.getParent(),
        dependencies: request.getDependenciesList(),
      });
    }
    return register(request, callback);
  };
}
