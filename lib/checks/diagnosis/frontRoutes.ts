// Requests through the ingress (or Gateway) controller that failed: either nothing answers at the address the
// controller published, or it answers with its own 404 for routes the lab declared, so it has not taken them.
import { type Front, frontName, frontResource } from "../../ingress";
import type { CheckResult } from "../types";
import { andThen, type DiagnosisRule, failedChecks, kubectl, passedChecks, type Run, someIds } from "./run";

const KIND: Record<Front, string> = { ingress: "Ingress", gateway: "Gateway" };

/** The front a check went through, when it went through the controller. */
function frontOf(result: CheckResult): Front | undefined {
  return result.via === "controller" && result.to.kind === "front" ? result.to.front : undefined;
}

/** A route check of that front that expects a backend's page (not the controller's 404). */
const expectsPage = (result: CheckResult): boolean => !/\.unknown-(host|path)$/.test(result.id);

/** The controller's class and address, as the lab read them for the front. */
function controllerOf(run: Run, front: Front): string {
  const fact = run.facts.fronts?.[front];
  const cls = fact?.className === undefined ? "" : ` of class ${fact.className}`;
  return `the controller${cls} at ${fact?.address ?? "its address"}`;
}

const describeFront = (run: Run, front: Front): string =>
  kubectl(run.lab, "describe", frontResource(front), frontName(front), "--namespace", run.lab.namespace);

/** Every request through the front's controller went unanswered: nothing serves there for the lab. */
export const controllerUnreached: DiagnosisRule = {
  name: "controller-unreached",
  shared: true,
  explain(failed, run) {
    const front = frontOf(failed);
    if (front === undefined) return undefined;
    const unanswered = ["refused", "timeout", "unreachable"];
    if (failed.failure === undefined || !unanswered.includes(failed.failure)) return undefined;
    const through = (r: CheckResult) => frontOf(r) === front;
    if (passedChecks(run, through).some((r) => r.via === "controller")) return undefined;
    const all = failedChecks(run, through);
    const controller = controllerOf(run, front);
    return {
      cause: `no request through the lab's ${KIND[front]} got an answer (${someIds(all)}: ${failed.failure}): nothing serves port 80 at ${controller.replace(/^the controller/, "the address of the controller")}; check that the controller runs and listens where its status says`,
      summary: `nothing answers at ${controller}`,
      see: andThen(
        kubectl(
          run.lab,
          "get",
          frontResource(front),
          frontName(front),
          "--namespace",
          run.lab.namespace,
          "--output",
          "wide",
        ),
        kubectl(run.lab, "get", "pods", "--all-namespaces", "--output", "wide"),
      ),
    };
  },
};

/**
 * The controller answers, but with its own 404 for routes the lab declared: it has not taken the lab's
 * rules (every route), or one rule is missing from what it serves (only some).
 */
export const routesNotTaken: DiagnosisRule = {
  name: "routes-not-taken",
  shared: true,
  explain(failed, run) {
    const front = frontOf(failed);
    if (front === undefined || failed.failure !== "wrong-answer") return undefined;
    if (!failed.observed.startsWith("HTTP 404 from the controller: no rule")) return undefined;
    const routes = (r: CheckResult) => frontOf(r) === front && expectsPage(r);
    const served = passedChecks(run, routes);
    const controller = controllerOf(run, front);
    if (served.length === 0) {
      return {
        cause: `${controller} answers, but with its own 404 for every route of the lab's ${KIND[front]} (${someIds(failedChecks(run, routes))}): it has not taken the lab's rules; check its class and the controller's log`,
        summary: `${controller} has not taken the lab's ${KIND[front]}`,
        see: describeFront(run, front),
      };
    }
    return {
      cause: `${controller} serves some routes of the lab's ${KIND[front]} (${someIds(served)}) but answers ${failed.target.split(" ")[0]} with its own 404: that rule is missing from what it serves`,
      summary: `a rule of the lab's ${KIND[front]} is missing`,
      see: describeFront(run, front),
    };
  },
};
