import { describe, expect, it } from "vitest";
import {
  type ClusterFacts,
  type Discovery,
  parseKubeDnsNodes,
  parseNamespaceObjects,
  parseNodes,
} from "../../lib/cluster";
import { parseLabConfig } from "../../lib/config";
import { namespaceLevel, preflightProblem } from "../../lib/preflight";
import { labTopology } from "../../lib/topology";
import { fixtureText } from "../support/fixtures";

const own = { key: "app.kubernetes.io/part-of", value: "k8s-networking-lab" };
/** The captured two-node discovery's items of one kind, as kubectl lists that kind alone. */
function listOf(kind: string): string {
  const all = JSON.parse(fixtureText("kubectl", "two-node-discovery.json")) as { items: { kind: string }[] };
  return JSON.stringify({ items: all.items.filter((i) => i.kind === kind) });
}
const twoNodes: ClusterFacts = {
  nodesListed: true,
  nodes: parseNodes(listOf("Node")),
  namespaceLabels: {},
  kubeDnsNodes: parseKubeDnsNodes(listOf("EndpointSlice")),
};
/** What the discovery found, nothing unread and no node port held. */
const found = (cluster: ClusterFacts, namespaceObjects: Discovery["namespaceObjects"] = []): Discovery => ({
  cluster,
  namespaceObjects,
  unread: [],
  nodePorts: { dryRuns: {} },
  kubectl: {},
  classes: {},
  frontRights: {},
});
const oneNode = { ...twoNodes, nodes: twoNodes.nodes.slice(0, 1) };
const handMadePod = { kind: "Pod" as const, name: "pod-httpd", labels: { app: "httpd" } };

function problem(raw: Record<string, string>, found: Discovery): string | undefined {
  const config = parseLabConfig(raw, { fileExists: () => true });
  return preflightProblem(config, labTopology(config), found, own);
}

describe("preflightProblem", () => {
  it("lets the lab be built on the captured two-node cluster with an empty namespace", () => {
    expect(problem({}, found(twoNodes))).toBeUndefined();
  });

  it("stops a spread placement on one node", () => {
    expect(problem({ placement: "spread" }, found(oneNode))).toMatch(
      /^placement: "spread" puts pod-httpd and pod-nginx on different nodes/,
    );
  });

  it("stops in an existing namespace whose Pod Security level would reject the lab's pods", () => {
    const cluster = {
      ...twoNodes,
      namespaceLabels: { "team-a": { "pod-security.kubernetes.io/enforce": "restricted" } },
    };
    const raw = { namespace: "team-a", createNamespace: "false" };
    expect(namespaceLevel(parseLabConfig(raw, { fileExists: () => true }), found(cluster))).toBe(
      "restricted",
    );
    expect(problem(raw, found(cluster))).toMatch(/^Pod Security "restricted" requires/);
  });

  it("stops beside a pod of the lab's name made by hand, not beside one the chosen labs do not make", () => {
    expect(problem({}, found(twoNodes, [handMadePod]))).toMatch(
      /^pod pod-httpd already exists in namespace netlab, not made by the lab/,
    );
    expect(problem({ labs: "eg1" }, found(twoNodes, [handMadePod]))).toBeUndefined();
  });

  it("stops where the namespace it would create exists without the lab's label, not where it has it", () => {
    const withNamespace = (labels: Record<string, string>) =>
      found({ ...twoNodes, namespaceLabels: { ...twoNodes.namespaceLabels, netlab: labels } });
    expect(problem({}, withNamespace({ "kubernetes.io/metadata.name": "netlab" }))).toMatch(
      /^namespace netlab already exists, not made by the lab .* pulumi config set createNamespace false;/,
    );
    expect(problem({}, withNamespace({ [own.key]: own.value }))).toBeUndefined();
    expect(problem({ createNamespace: "false" }, withNamespace({}))).toBeUndefined();
  });

  it("names what kubectl really listed after the tutorial's YAML was applied by hand", () => {
    const handMade = found(
      twoNodes,
      parseNamespaceObjects(fixtureText("kubectl", "hand-made-namespace-objects.tsv")),
    );
    expect(problem({ createNamespace: "false" }, handMade)).toBe(
      "pod pod-httpd, service svc-nodeport-httpd already exist in namespace netlab, not made by the lab (no " +
        "label app.kubernetes.io/part-of=k8s-networking-lab), so the lab cannot create its own. Delete them: " +
        "kubectl delete --namespace netlab pod/pod-httpd service/svc-nodeport-httpd (the lab cannot adopt " +
        "them: a pod's containers cannot change once it exists, and a Service or DaemonSet made by hand keeps " +
        "the fields kubectl set).",
    );
  });

  it("never lets upsertExisting adopt a Service made by hand", () => {
    const service = { kind: "Service" as const, name: "svc-nodeport-httpd", labels: {} };
    expect(problem({ upsertExisting: "true" }, found(twoNodes, [service]))).toMatch(
      /^service svc-nodeport-httpd already exists in namespace netlab/,
    );
  });
});
