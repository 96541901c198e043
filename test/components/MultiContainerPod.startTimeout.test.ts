// The pod's start timeout reaches the engine as the Pod's customTimeouts, which the Kubernetes provider
// uses instead of its 10-minute default wait for Ready.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { MultiContainerPod } from "../../components/MultiContainerPod";
import { MockCluster, valueOf } from "../support/pulumiMocks";

interface Timeouts {
  create: string;
  update: string;
  delete: string;
}

interface Request {
  getType(): string;
  getName(): string;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

interface Monitor {
  registerResource(request: Request, callback: unknown): void;
}

/** The customTimeouts of each registered resource, by "type name". */
const timeouts = new Map<string, Timeouts | undefined>();
let cluster: MockCluster;

beforeAll(() => {
  cluster = new MockCluster();
  cluster.install();
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const t = request.getCustomtimeouts();
    timeouts.set(
      `${request.getType()} ${request.getName()}`,
      t && { create: t.getCreate(), update: t.getUpdate(), delete: t.getDelete() },
    );
    register(request, callback);
  };
});

const containers = [{ name: "web", image: "httpd:2.4", ports: [80] }];
const POD = "kubernetes:core/v1:Pod";

async function registered(pod: MultiContainerPod): Promise<void> {
  await valueOf(pod.podIP);
}

describe("MultiContainerPod startTimeoutSeconds", () => {
  it("bounds the provider's wait on create and update, not on delete", async () => {
    const pod = new MultiContainerPod("quick", { namespace: "lab", containers, startTimeoutSeconds: 90 });
    await registered(pod);
    expect(timeouts.get(`${POD} quick`)).toEqual({ create: "90s", update: "90s", delete: "" });
  });

  it("puts nothing on the pod object itself", async () => {
    const pod = new MultiContainerPod("quick-meta", {
      namespace: "lab",
      containers,
      startTimeoutSeconds: 30,
    });
    await registered(pod);
    const metadata = cluster.byName(POD, "quick-meta").inputs.metadata as Record<string, unknown>;
    expect(metadata.annotations).toBeUndefined();
  });

  it("leaves the provider's default when not given", async () => {
    const pod = new MultiContainerPod("default-wait", { namespace: "lab", containers });
    await registered(pod);
    const t = timeouts.get(`${POD} default-wait`);
    expect(t === undefined || (t.create === "" && t.update === "" && t.delete === "")).toBe(true);
  });

  it.each([0, -5, 1.5, Number.NaN])("refuses %s seconds", (seconds) => {
    expect(
      () =>
        new MultiContainerPod(`bad-${String(seconds)}`, {
          namespace: "lab",
          containers,
          startTimeoutSeconds: seconds,
        }),
    ).toThrow(/startTimeoutSeconds must be a whole number of seconds above 0/);
  });
});
