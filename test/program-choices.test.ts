// Choices a user makes about where and what the lab runs: checks picked by pattern, placement, and
// namespaces whose Pod Security level forbids what the lab would run.
import { describe, expect, it } from "vitest";
import { runProgram, valueOf } from "./support/pulumiMocks";

type Fields = Record<string, unknown>;

describe("checksOnly and checksSkip", () => {
  it("create only the selected checks and say how many were left out", async () => {
    const { cluster, program } = await runProgram({
      checksOnly: "dns.*,pod-demo.localhost",
      checksSkip: "*.tcp",
    });
    const results = (await valueOf(program.checks)) ?? [];
    expect(results.map((r) => r.id)).toEqual([
      "pod-demo.localhost",
      "dns.kube-dns-service",
      "dns.resolv-conf.pod-demo",
      "dns.resolv-conf.pod-httpd",
      "dns.resolv-conf.pod-nginx",
      "dns.resolv-conf.netlab-dns-probe",
      "dns.svc-nodeport-httpd.short",
      "dns.svc-nodeport-httpd.namespaced",
      "dns.svc-nodeport-httpd.fqdn",
      "dns.svc-clusterip-nginx.short",
      "dns.svc-clusterip-nginx.namespaced",
      "dns.svc-clusterip-nginx.fqdn",
      "dns.kubernetes-default",
    ]);
    // One command per set of tested objects: pod-demo, the API, each pod's resolv.conf (the DNS probe's with
    // kubernetes.default), and the DNS probe with each Service; and the read of the network's facts.
    expect(cluster.ofType("command:local:Command")).toHaveLength(8);
    expect(await valueOf(program.summary)).toMatchObject({ passed: 13, total: 13, leftOut: 23 });
    expect(await valueOf(program.report)).toMatch(
      /\n23 check\(s\) left out by checksOnly\/checksSkip: pod-demo\.pod-ip, /,
    );
  });

  it("stop before anything is built when a pattern matches no check, listing the ids", async () => {
    const failure = await runProgram({ checksOnly: "dsn.*" }).catch((error: unknown) => error);
    expect(String(failure)).toMatch(
      /invalid lab configuration \(1 problem\):\n {2}- checksOnly: pattern "dsn\.\*" matches no check; the checks are: pod-demo\.localhost, /,
    );
  });
});

describe("placement", () => {
  it("keeps eg2 on one node with together", async () => {
    const { cluster } = await runProgram({ placement: "together", checks: "false" }, "healthy", {
      runStrictGate: true,
      nodes: 2,
    });
    const node = (name: string) =>
      (cluster.byName("kubernetes:core/v1:Pod", name).state.spec as Fields).nodeName;
    expect([node("pod-httpd"), node("pod-nginx")]).toEqual(["node-1", "node-1"]);
  });
});

describe("Pod Security", () => {
  it("baseline: labels the namespace, runs no node probe and skips the node checks with the reason", async () => {
    const { cluster, program } = await runProgram({ podSecurity: "baseline" });
    const namespace = cluster.byName("kubernetes:core/v1:Namespace", "lab-namespace");
    expect((namespace.inputs.metadata as Fields).labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "baseline",
    });
    const probes = cluster.byName("kubernetes:apps/v1:DaemonSet", "netlab-node-probe");
    const template = ((probes.inputs.spec as Fields).template as Fields).spec as Fields;
    expect(template.nodeSelector).toEqual({ "k8s-networking-lab/node-probes": "disabled" });
    const results = (await valueOf(program.checks)) ?? [];
    // The IPv6 checks are skipped as on any IPv4-only cluster (see program-checks.test.ts).
    const skipped = results.filter((r) => r.outcome === "skipped" && r.section !== "ipv6");
    expect(skipped.map((r) => r.id)).toEqual([
      "node-to-pod.pod-demo.same-node",
      "node-to-pod.pod-demo.other-node",
      "service.svc-nodeport-httpd.node-port.same-node",
      "service.svc-nodeport-httpd.node-port.other-node",
    ]);
    expect(skipped[0]?.skipReason).toBe(
      'namespace netlab enforces Pod Security "baseline", which forbids hostNetwork: the node probes cannot run, so the checks from a node\'s host network are skipped',
    );
    expect(results.filter((r) => r.outcome === "failed")).toEqual([]);
  });

  it("an existing baseline namespace is read from its labels", async () => {
    const { program } = await runProgram({ namespace: "team-a", createNamespace: "false" }, "healthy", {
      runStrictGate: true,
      namespaceLabels: { "team-a": { "pod-security.kubernetes.io/enforce": "baseline" } },
    });
    const results = (await valueOf(program.checks)) ?? [];
    const skipped = results.filter((r) => r.outcome === "skipped" && r.section !== "ipv6");
    expect(skipped.map((r) => r.skipReason)).toEqual(
      Array(4).fill(
        'namespace team-a enforces Pod Security "baseline", which forbids hostNetwork: the node probes cannot run, so the checks from a node\'s host network are skipped',
      ),
    );
  });
});

describe("objects that exist already", () => {
  it("are adopted by the provider (a killed up's), as the pre-build gate has stopped any made by hand", async () => {
    const { cluster } = await runProgram({ checks: "false" });
    expect(cluster.byName("pulumi:providers:kubernetes", "cluster").inputs).toMatchObject({
      upsertExistingObjects: "true",
    });
  });
});
