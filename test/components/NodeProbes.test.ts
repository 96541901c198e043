import { beforeAll, describe, expect, it } from "vitest";
import { NO_NODE_SELECTOR, NodeProbes, probePlacement } from "../../components/NodeProbes";
import { CLIENT_CONTAINER_RESOURCES } from "../../lib/labels";
import { MockCluster, valueOf } from "../support/pulumiMocks";

let cluster: MockCluster;
beforeAll(() => {
  // Three nodes: node-1 172.18.0.2, node-2 172.18.0.3, node-3 172.18.0.4.
  cluster = new MockCluster("healthy", { runStrictGate: true, nodes: 3 });
  cluster.install();
});

type Fields = Record<string, unknown>;
const podSpecOf = (name: string) => {
  const spec = cluster.byName("kubernetes:apps/v1:DaemonSet", name).inputs.spec as Fields;
  return (spec.template as Fields).spec as Fields;
};

function probes(name: string, extra: Partial<ConstructorParameters<typeof NodeProbes>[1]> = {}): NodeProbes {
  return new NodeProbes(name, {
    namespace: "lab",
    name,
    container: "probe",
    image: "centos",
    command: ["sleep", "infinity"],
    kubectl: { requestTimeoutSeconds: 30 },
    ...extra,
  });
}

describe("NodeProbes", () => {
  it("runs on the nodes named, chosen by the Node object's name, and lists each probe and node address", async () => {
    const named = probes("probes-named", { nodeNames: ["node-1", "node-3"] });
    expect(await valueOf(named.podsByNode)).toEqual({
      "node-1": expect.stringMatching(/^probes-named-/),
      "node-3": expect.stringMatching(/^probes-named-/),
    });
    expect(await valueOf(named.hostIPs)).toEqual({ "node-1": "172.18.0.2", "node-3": "172.18.0.4" });
    expect(podSpecOf("probes-named").affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] },
            { matchFields: [{ key: "metadata.name", operator: "In", values: ["node-3"] }] },
          ],
        },
      },
    });
  });

  it("runs on every schedulable node when no node is named", async () => {
    const everywhere = probes("probes-all");
    expect(Object.keys(await valueOf(everywhere.podsByNode))).toEqual(["node-1", "node-2", "node-3"]);
    expect(podSpecOf("probes-all").affinity).toBeUndefined();
  });

  it("runs nowhere when disabled (Pod Security) or when no node is needed", async () => {
    const disabled = probes("probes-off", { enabled: false, nodeNames: ["node-1"] });
    const none = probes("probes-none", { nodeNames: [] });
    expect(await valueOf(disabled.podsByNode)).toEqual({});
    expect(await valueOf(none.podsByNode)).toEqual({});
    expect(podSpecOf("probes-off").nodeSelector).toEqual(NO_NODE_SELECTOR);
    expect(podSpecOf("probes-none").nodeSelector).toEqual(NO_NODE_SELECTOR);
  });

  it("gives its container a client's requests and limits, on the host network", async () => {
    await valueOf(probes("probes-resources").uid);
    const spec = podSpecOf("probes-resources");
    expect(spec.hostNetwork).toBe(true);
    expect(spec.containers).toMatchObject([{ name: "probe", resources: CLIENT_CONTAINER_RESOURCES }]);
  });
});

describe("probePlacement", () => {
  it("names no node for every node, and selects no node when disabled or given none", () => {
    expect(probePlacement(true, undefined)).toEqual({});
    expect(probePlacement(false, undefined)).toEqual({ nodeSelector: NO_NODE_SELECTOR });
    expect(probePlacement(true, [])).toEqual({ nodeSelector: NO_NODE_SELECTOR });
  });
});
