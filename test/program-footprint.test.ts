// A lab's footprint on a shared cluster: every container it runs states its requests and limits, and the
// node probes run only on the nodes the checks start from.
import { describe, expect, it } from "vitest";
import { type MockCluster, runProgram, valueOf } from "./support/pulumiMocks";

type Fields = Record<string, unknown>;
interface Container {
  name: string;
  resources?: { requests?: Fields; limits?: Fields };
}

/** Every container of every Pod and DaemonSet the program registered, as "<kind> <name>/<container>". */
function containers(cluster: MockCluster): [string, Container][] {
  const pods = cluster.ofType("kubernetes:core/v1:Pod").map((r) => ["Pod", r, r.inputs.spec] as const);
  const daemonSets = cluster
    .ofType("kubernetes:apps/v1:DaemonSet")
    .map((r) => ["DaemonSet", r, ((r.inputs.spec as Fields).template as Fields).spec] as const);
  return [...pods, ...daemonSets].flatMap(([kind, r, spec]) =>
    ((spec as { containers: Container[] }).containers ?? []).map((c): [string, Container] => [
      `${kind} ${r.name}/${c.name}`,
      c,
    ]),
  );
}

describe("the lab's footprint", () => {
  /** How many checks the plan with probes where needed has: the same plan as with probes everywhere. */
  let neededChecks: number | undefined;

  it("states CPU and memory requests and limits for every container it runs", async () => {
    const { cluster } = await runProgram();
    const all = containers(cluster);
    // pod-demo's two, pod-httpd, pod-nginx, the DNS probe and the node probes.
    expect(all.map(([name]) => name)).toHaveLength(6);
    for (const [name, container] of all) {
      const { requests, limits } = container.resources ?? {};
      expect({ name, requests: Object.keys(requests ?? {}), limits: Object.keys(limits ?? {}) }).toEqual({
        name,
        requests: ["cpu", "memory"],
        limits: ["cpu", "memory"],
      });
    }
  });

  it("runs node probes on the lab pods' nodes and one other node of a five-node cluster", async () => {
    const { cluster, program } = await runProgram({}, "healthy", { runStrictGate: true, nodes: 5 });
    const daemonSet = cluster.ofType("kubernetes:apps/v1:DaemonSet")[0];
    const template = ((daemonSet?.inputs.spec as Fields).template as Fields).spec as Fields;
    // pod-demo and pod-httpd on node-1, pod-nginx on node-2; node-3 is the first node with no lab pod.
    // One node per term: the API server allows a single value in a matchFields requirement.
    expect(JSON.stringify(template.affinity).match(/"values":\[[^\]]*\]/g)).toEqual([
      '"values":["node-1"]',
      '"values":["node-2"]',
      '"values":["node-3"]',
    ]);
    expect(cluster.daemonSetNodes()).toEqual({ "netlab-node-probe": ["node-1", "node-2", "node-3"] });
    const results = (await valueOf(program.checks)) ?? [];
    const fromNodes = results.flatMap((r) => (r.from.kind === "node" ? [r.from.node] : []));
    expect(fromNodes.length).toBeGreaterThan(0);
    for (const node of fromNodes) expect(["node-1", "node-2", "node-3"]).toContain(node);
    const summary = await valueOf(program.summary);
    expect(summary).toMatchObject({ failed: 0 });
    neededChecks = summary?.total;
  });

  it("runs node probes on every node with nodeProbes all, and checks from each of them too", async () => {
    const { cluster, program } = await runProgram({ nodeProbes: "all" }, "healthy", {
      runStrictGate: true,
      nodes: 5,
    });
    const daemonSet = cluster.ofType("kubernetes:apps/v1:DaemonSet")[0];
    const template = ((daemonSet?.inputs.spec as Fields).template as Fields).spec as Fields;
    expect(template.affinity).toBeUndefined();
    expect(cluster.daemonSetNodes()["netlab-node-probe"]).toHaveLength(5);
    // The node-to-pod and NodePort claims once more, each from all five nodes.
    expect(await valueOf(program.summary)).toMatchObject({
      failed: 0,
      total: (neededChecks ?? Number.NaN) + 2,
    });
    const results = (await valueOf(program.checks)) ?? [];
    const everyNode = results.filter((r) => r.id.endsWith(".every-node"));
    expect(everyNode.map((r) => [r.id, r.outcome, r.observed.split(":")[0]])).toEqual([
      ["node-to-pod.pod-demo.every-node", "passed", "5/5 nodes"],
      ["service.svc-nodeport-httpd.node-port.every-node", "passed", "5/5 nodes"],
    ]);
    expect(everyNode[1]?.source).toBe("every node's host network (node-1, node-2, node-3, node-4, node-5)");
  });
});
