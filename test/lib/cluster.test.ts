import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { clusterProblem } from "../../lib/access";
import {
  discoveryOf,
  parseKubeDnsNodes,
  parseNamespaceObjects,
  parseNodes,
  placementProblem,
} from "../../lib/cluster";
import { discoveryCommand, parseReads } from "../../lib/clusterReads";
import { fixtureText } from "../support/fixtures";
import { runWithFakeKubectl } from "../support/runScript";

/** The captured two-node discovery's items of one kind, as kubectl lists that kind alone. */
function listOf(kind: string): string {
  const all = JSON.parse(fixtureText("kubectl", "two-node-discovery.json")) as { items: { kind: string }[] };
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: all.items.filter((i) => i.kind === kind) });
}

const target = { kubeconfig: "/tmp/kube config", context: "kind-kind", requestTimeoutSeconds: 30 };

async function discover(world: object, ports: number[] = [], env: Record<string, string> = {}) {
  const output = await runWithFakeKubectl(discoveryCommand(target, "netlab", ports), "healthy", {
    FAKE_KUBECTL_WORLD: JSON.stringify({ namespace: "netlab", ...world }),
    ...env,
  });
  return parseReads(output);
}

const NODE_1 = { name: "node-1", internalIP: "172.18.0.2" };

describe("discovery", () => {
  it("makes each read a bounded kubectl call with the lab's kubeconfig and context, quoted", () => {
    const script = discoveryCommand(target, "team a", [31000]);
    const kubectl =
      "timeout 35 kubectl --kubeconfig '/tmp/kube config' --context kind-kind --request-timeout=30s";
    expect(script).toContain(`netlab_read_nodes() { ${kubectl} get nodes --output json; }`);
    expect(script).toContain(
      `${kubectl} get pods,services,daemonsets.apps --namespace 'team a' --output 'jsonpath={range .items[*]}` +
        `{.kind}{"\\t"}{.metadata.name}{"\\t"}{.metadata.labels}{"\\n"}{end}'`,
    );
    expect(script).toContain(
      `netlab_read_dry_run_31000() { ${kubectl} create service nodeport netlab-node-port-trial --tcp=31000:31000 ` +
        "--node-port=31000 --namespace 'team a' --dry-run=server --output name; }",
    );
    expect(script).toContain(`${kubectl} get service kube-dns --namespace kube-system`);
  });

  it("reads the cluster, what the namespace holds and the node ports held, from kubectl's answers", async () => {
    const found = discoveryOf(
      await discover(
        {
          nodes: [NODE_1],
          namespaceObjects: [{ kind: "Pod", name: "pod-httpd", labels: { app: "web" } }],
          nodePortHolders: [{ namespace: "team-b", service: "web", port: 31000 }],
        },
        [31000, 31001],
      ),
      "netlab",
    );
    expect(found.cluster).toEqual({
      nodesListed: true,
      nodes: [{ ...NODE_1, schedulable: true }],
      namespaceLabels: {},
      kubeDnsNodes: ["node-1"],
      kubeDnsIP: expect.stringMatching(/^10\.96\./),
    });
    expect(found.namespaceObjects).toEqual([{ kind: "Pod", name: "pod-httpd", labels: { app: "web" } }]);
    expect(found.unread).toEqual([]);
    expect(found.nodePorts.cluster).toEqual([{ namespace: "team-b", service: "web", port: 31000 }]);
    expect(found.nodePorts.dryRuns[31000]?.taken).toBe(true);
    expect(found.nodePorts.dryRuns[31001]).toEqual({ taken: false, said: "service/netlab-node-port-trial" });
  });

  it("tells a read the credentials forbid from an empty one, and names each with what it costs", async () => {
    const found = discoveryOf(
      await discover({ nodes: [NODE_1], forbidden: ["nodes", "services", "kube-dns"] }),
      "netlab",
    );
    expect(found.cluster.nodesListed).toBe(false);
    expect(found.cluster.nodes).toEqual([]);
    expect(found.cluster.kubeDnsNodes).toEqual([]);
    expect(found.nodePorts.cluster).toBeUndefined();
    expect(found.nodePorts.namespace).toEqual([]);
    expect(found.unread.map((u) => [u.read, u.why])).toEqual([
      ["list nodes (cluster-wide)", "forbidden"],
      ["list services (every namespace)", "forbidden"],
      ["get service kube-dns in kube-system", "forbidden"],
      ["list endpointslices in kube-system (kube-dns's)", "forbidden"],
    ]);
    expect(found.unread[0]?.cost).toMatch(/learned from the lab's own pods and node probes/);
  });

  it("does not count a namespace the lab is about to create as unread", async () => {
    const found = discoveryOf(await discover({ nodes: [NODE_1] }), "netlab");
    expect(found.cluster.namespaceLabels).toEqual({});
    expect(found.unread).toEqual([]);
  });

  it("stops with one sentence when kubectl is not on the PATH", async () => {
    // The discovery's own tools stay reachable; kubectl does not.
    const bin = mkdtempSync(path.join(tmpdir(), "netlab-bin-"));
    for (const tool of ["sh", "timeout", "mktemp", "cat", "rm"]) {
      const found = execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
      symlinkSync(found, path.join(bin, tool));
    }
    const answers = await discover({}, [], { PATH: bin });
    expect(clusterProblem(answers, target, "netlab")).toMatch(
      /^kubectl was not found on the PATH: .* Install kubectl .* Nothing was created\.$/,
    );
  });

  it("stops with kubectl's own words for a cluster that does not answer", async () => {
    const bin = mkdtempSync(path.join(tmpdir(), "netlab-kubectl-"));
    const refused = fixtureText("kubectl", "server-refused.stderr").replace(/'/g, "");
    writeFileSync(path.join(bin, "kubectl"), `#!/bin/sh\ncat >&2 <<'EOF'\n${refused}EOF\nexit 1\n`);
    chmodSync(path.join(bin, "kubectl"), 0o755);
    const answers = await discover({}, [], { PATH: `${bin}:${process.env.PATH ?? ""}` });
    expect(clusterProblem(answers, target, "netlab")).toBe(
      'the cluster of context "kind-kind" in /tmp/kube config is unreachable: kubectl said ' +
        '"The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?". ' +
        "Check that the cluster is running and that the config keys kubeconfig and context name it. Nothing was created.",
    );
  });

  it("reads the objects made by hand from kubectl's real answer, with their labels", () => {
    expect(parseNamespaceObjects(fixtureText("kubectl", "hand-made-namespace-objects.tsv"))).toEqual([
      { kind: "Pod", name: "pod-httpd", labels: { app: "httpd" } },
      { kind: "Service", name: "svc-nodeport-httpd", labels: {} },
    ]);
  });

  it("reads the nodes, their InternalIP and whether pods may land there, and kube-dns's nodes", () => {
    expect(parseNodes(listOf("Node"))).toEqual([
      { name: "netlab-e2e-node", internalIP: "10.250.0.1", schedulable: true },
      { name: "netlab-e2e-node-2", internalIP: "10.250.0.2", schedulable: true },
    ]);
    expect(parseKubeDnsNodes(listOf("EndpointSlice"))).toContain("netlab-e2e-node");
  });

  it("says what kubectl printed when it is not JSON", () => {
    expect(() => parseNodes("error: You must be logged in to the server (Unauthorized)")).toThrow(
      "the cluster's nodes: kubectl did not answer with JSON: error: You must be logged in",
    );
  });

  it("says what it was reading and that kubectl printed nothing, when it did", () => {
    expect(() => parseNodes("")).toThrow("the cluster's nodes: kubectl did not answer with JSON: (nothing)");
  });

  it("says which field is not what kubectl prints, and what kubectl said, for JSON of another shape", () => {
    expect(() => parseNodes('{"items":[{"metadata":{"name":7}}]}')).toThrow(
      /kubectl's answer is not what it should be \(items\.0\.metadata\.name: .*\): \{"items":\[\{"metadata"/,
    );
  });

  it("reads the empty lists kubectl prints as null", () => {
    expect(parseKubeDnsNodes(JSON.stringify({ items: [{ endpoints: null }] }))).toEqual([]);
    const node = { metadata: { name: "a", labels: null }, spec: { taints: null } };
    expect(parseNodes(JSON.stringify({ items: [node] }))).toEqual([
      { name: "a", internalIP: "", schedulable: true },
    ]);
  });

  it("does not count a cordoned or NoSchedule-tainted node as schedulable", () => {
    const node = (name: string, spec: object) => ({
      metadata: { name },
      spec,
      status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }] },
    });
    const nodes = parseNodes(
      JSON.stringify({
        items: [
          node("a", { unschedulable: true }),
          node("b", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }),
          node("c", { taints: [{ key: "x", effect: "PreferNoSchedule" }] }),
        ],
      }),
    );
    expect(nodes.map((n) => [n.name, n.schedulable])).toEqual([
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
    nodesListed: true,
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

  it("judges no placement when the nodes may not be listed", () => {
    expect(placementProblem("spread", { ...nodes(0), nodesListed: false })).toBeUndefined();
  });

  it("stops on a cluster where no pod can be scheduled", () => {
    expect(placementProblem("auto", nodes(0))).toMatch(/no schedulable node/);
  });
});
