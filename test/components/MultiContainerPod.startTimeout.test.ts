// The pod's start timeout reaches the Kubernetes provider as the Pod's customTimeouts resource option, which
// the provider uses instead of its 10-minute default wait for Ready. A resource transformation, Pulumi's
// public hook on the options a resource is created with, sees them: the component's transformations apply
// to its children too.
import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { MultiContainerPod } from "../../components/MultiContainerPod";
import { MockCluster, valueOf } from "../support/pulumiMocks";

/** The customTimeouts each resource was created with, by "type name". */
const timeouts = new Map<string, pulumi.CustomTimeouts | undefined>();
const recordTimeouts: pulumi.ResourceTransformation = ({ type, name, opts }) => {
  timeouts.set(`${type} ${name}`, (opts as pulumi.CustomResourceOptions).customTimeouts);
  return undefined;
};
const watched = { transformations: [recordTimeouts] };
let cluster: MockCluster;

beforeAll(() => {
  cluster = new MockCluster();
  cluster.install();
});

const containers = [{ name: "web", image: "httpd:2.4", ports: [80] }];
const POD = "kubernetes:core/v1:Pod";

async function registered(pod: MultiContainerPod): Promise<void> {
  await valueOf(pod.podIP);
}

describe("MultiContainerPod startTimeoutSeconds", () => {
  it("bounds the provider's wait on create and update, not on delete", async () => {
    const pod = new MultiContainerPod(
      "quick",
      { namespace: "lab", containers, startTimeoutSeconds: 90 },
      watched,
    );
    await registered(pod);
    expect(timeouts.get(`${POD} quick`)).toStrictEqual({ create: "90s", update: "90s" });
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
    const pod = new MultiContainerPod("default-wait", { namespace: "lab", containers }, watched);
    await registered(pod);
    expect(timeouts.has(`${POD} default-wait`)).toBe(true);
    expect(timeouts.get(`${POD} default-wait`)).toBeUndefined();
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
