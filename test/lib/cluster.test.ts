import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  discoveryCommand,
  parseClusterFacts,
  NAMESPACE_OBJECTS_MARKER,
  parseDiscovery,
  placementProblem,
} from "../../lib/cluster";
import { fixtureText } from "../support/fixtures";
import { runWithFakeKubectl } from "../support/runScript";

describe("discovery", () => {
  const target = { kubeconfig: "/tmp/kube config", context: "kind-kind", requestTimeoutSeconds: 30 };

  it("makes two bounded kubectl calls with the lab's kubeconfig and context, quoted", () => {
    const script = discoveryCommand(target, "team a");
    expect(script).toContain(
      "timeout 35 kubectl --kubeconfig '/tmp/kube config' --context kind-kind --request-timeout=30s get " +
        "nodes,namespaces,endpointslices.discovery.k8s.io --all-namespaces --output json",
    );
    expect(script).toContain(
      "timeout 35 kubectl --kubeconfig '/tmp/kube config' --context kind-kind --request-timeout=30s get " +
        "pods,services,daemonsets.apps --namespace 'team a' --output 'jsonpath={range .items[*]}" +
        `{.kind}{"\\t"}{.metadata.name}{"\\t"}{.metadata.labels}{"\\n"}{end}'`,
    );
  });

  it("reads the cluster and what the namespace already holds from kubectl's answers", async () => {
    const found = parseDiscovery(
      await runWithFakeKubectl(discoveryCommand(target, "netlab"), "healthy", {
        FAKE_KUBECTL_WORLD: JSON.stringify({
          namespace: "netlab",
          nodes: [{ name: "node-1", internalIP: "172.18.0.2" }],
          namespaceObjects: [{ kind: "Pod", name: "pod-httpd", labels: { app: "web" } }],
        }),
      }),
    );
    expect(found.cluster.reachable).toBe(true);
    expect(found.cluster.nodes.map((node) => node.name)).toEqual(["node-1"]);
    expect(found.namespaceObjects).toEqual([{ kind: "Pod", name: "pod-httpd", labels: { app: "web" } }]);
  });

  it("reads the objects made by hand from kubectl's real answer, with their labels", () => {
    const found = parseDiscovery(
      `${fixtureText("kubectl", "two-node-discovery.json")}\n${NAMESPACE_OBJECTS_MARKER}\n` +
        fixtureText("kubectl", "hand-made-namespace-objects.tsv"),
    );
    expect(found.namespaceObjects).toEqual([
      { kind: "Pod", name: "pod-httpd", labels: { app: "httpd" } },
      { kind: "Service", name: "svc-nodeport-httpd", labels: {} },
    ]);
    expect(found.cluster.nodes).toHaveLength(2);
  });

  it("marks the cluster unreachable, with nothing in the namespace, when kubectl fails", async () => {
    const bin = mkdtempSync(path.join(tmpdir(), "netlab-kubectl-"));
    writeFileSync(
      path.join(bin, "kubectl"),
      "#!/bin/sh\necho 'The connection to the server 127.0.0.1:1 was refused' >&2\nexit 1\n",
    );
    chmodSync(path.join(bin, "kubectl"), 0o755);
    const found = parseDiscovery(
      await runWithFakeKubectl(discoveryCommand(target, "netlab"), "healthy", {
        PATH: `${bin}:${process.env.PATH ?? ""}`,
      }),
    );
    expect(found).toEqual({
      cluster: { reachable: false, nodes: [], namespaceLabels: {}, kubeDnsNodes: [] },
      namespaceObjects: [],
    });
  });

  it("marks the cluster unreachable when kubectl fails, and then judges no placement", () => {
    const facts = parseClusterFacts('{"items":[],"netlabUnreachable":true}\n');
    expect(facts).toEqual({ reachable: false, nodes: [], namespaceLabels: {}, kubeDnsNodes: [] });
    expect(placementProblem("spread", facts)).toBeUndefined();
  });

  it("reads the nodes, their InternalIP, whether pods may land there, namespaces' labels and kube-dns's nodes", () => {
    const facts = parseClusterFacts(fixtureText("kubectl", "two-node-discovery.json"));
    expect(facts.nodes).toEqual([
      { name: "netlab-e2e-node", internalIP: "10.250.0.1", schedulable: true },
      { name: "netlab-e2e-node-2", internalIP: "10.250.0.2", schedulable: true },
    ]);
    expect(facts.kubeDnsNodes).toEqual(["netlab-e2e-node"]);
    expect(facts.namespaceLabels["kube-system"]).toMatchObject({
      "kubernetes.io/metadata.name": "kube-system",
    });
  });

  it("says what kubectl printed when it is not JSON", () => {
    expect(() => parseClusterFacts("error: You must be logged in to the server (Unauthorized)")).toThrow(
      "kubectl did not answer with JSON: error: You must be logged in",
    );
  });

  it("says what it was reading and that kubectl printed nothing, when it did", () => {
    expect(() => parseClusterFacts("")).toThrow(
      "the cluster's nodes, namespaces and EndpointSlices: kubectl did not answer with JSON: (nothing)",
    );
  });

  it("says which field is not what kubectl prints, and what kubectl said, for JSON of another shape", () => {
    expect(() => parseClusterFacts('{"items":[{"kind":"Node","metadata":{"name":7}}]}')).toThrow(
      /kubectl's answer is not what it should be \(items\.0\.metadata\.name: .*\): \{"items":\[\{"kind":"Node"/,
    );
  });

  it("reads the empty lists kubectl prints as null", () => {
    const slice = {
      kind: "EndpointSlice",
      metadata: { namespace: "kube-system", labels: { "kubernetes.io/service-name": "kube-dns" } },
      endpoints: null,
    };
    const node = { kind: "Node", metadata: { name: "a", labels: null }, spec: { taints: null } };
    const facts = parseClusterFacts(JSON.stringify({ items: [slice, node] }));
    expect(facts.kubeDnsNodes).toEqual([]);
    expect(facts.nodes).toEqual([{ name: "a", internalIP: "", schedulable: true }]);
  });

  it("does not count a cordoned or NoSchedule-tainted node as schedulable", () => {
    const node = (name: string, spec: object) => ({
      kind: "Node",
      metadata: { name },
      spec,
      status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }] },
    });
    const facts = parseClusterFacts(
      JSON.stringify({
        items: [
          node("a", { unschedulable: true }),
          node("b", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
          node("c", { taints: [{ key: "x", effect: "PreferNoSchedule" }] }),
        ],
      }),
    );
    expect(facts.nodes.map((n) => [n.name, n.schedulable])).toEqual([
      ["a", false],
      ["b", false],
      ["c", true],
    ]);
  });
});

describe("placementProblem", () => {
  const nodes = (n: number) => ({
    nodes: Array.from({ length: n }, (_, i) => ({
      name: `node-${i + 1}`,
      internalIP: `10.0.0.${i}`,
      schedulable: true,
    })),
    namespaceLabels: {},
    kubeDnsNodes: [],
    reachable: true,
  });

  it("lets auto and together run on one node, and spread only on two or more", () => {
    expect(placementProblem("auto", nodes(1))).toBeUndefined();
    expect(placementProblem("together", nodes(1))).toBeUndefined();
    expect(placementProblem("spread", nodes(2))).toBeUndefined();
    expect(placementProblem("spread", nodes(1))).toBe(
      'placement: "spread" puts pod-httpd and pod-nginx on different nodes, but the cluster has 1 schedulable ' +
        'node(s) (node-1). Use "auto" (different nodes when there are several) or "together", or add a node.',
    );
  });

  it("stops on a cluster where no pod can be scheduled", () => {
    expect(placementProblem("auto", nodes(0))).toMatch(/no schedulable node/);
  });
});
