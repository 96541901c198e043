// The connectivity checks of index.ts under mocks: every check really runs its script against a kubectl
// that answers with captured outputs of real tools, first of a healthy lab, then of a broken one.
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../lib/checks/types";
import defaultCheckIds from "./support/default-check-ids.json";
import { type MockCluster, type Program, runProgram, valueOf } from "./support/pulumiMocks";

/** Every check of the default lab, in run order; e2e/check-outputs.mjs reads the same list. */
const CHECK_IDS: string[] = defaultCheckIds;

/** How each check fails in the broken lab (see the "broken" scenario of test/support/bin/kubectl). */
const BROKEN_KINDS: Record<string, string> = {
  "pod-demo.localhost": "timeout",
  "pod-demo.pod-ip": "timeout",
  "pod-demo.pod-name": "dns-failure",
  "pod-demo.hostname": "wrong-answer",
  "pod-demo.shared-network": "wrong-answer",
  "pod-demo.closed-port": "wrong-answer",
  "node-to-pod.pod-demo": "timeout",
  "pod-to-pod.pod-httpd.pod-nginx": "timeout",
  "pod-to-pod.pod-nginx.pod-httpd": "refused",
  "dns.kube-dns-service": "wrong-answer",
  "dns.resolv-conf.pod-demo": "wrong-answer",
  "dns.resolv-conf.pod-httpd": "wrong-answer",
  "dns.resolv-conf.pod-nginx": "wrong-answer",
  "dns.resolv-conf.netlab-dns-probe": "wrong-answer",
  "dns.svc-nodeport-httpd.short": "timeout",
  "dns.svc-nodeport-httpd.namespaced": "dns-failure",
  "dns.svc-nodeport-httpd.fqdn": "dns-failure",
  "dns.svc-clusterip-nginx.short": "timeout",
  "dns.svc-clusterip-nginx.namespaced": "dns-failure",
  "dns.svc-clusterip-nginx.fqdn": "dns-failure",
  "dns.kubernetes-default": "dns-failure",
  "service.svc-nodeport-httpd.cluster-ip": "dns-failure",
  "service.svc-nodeport-httpd.node-port": "refused",
  "service.svc-clusterip-nginx.cluster-ip": "dns-failure",
};

describe("a healthy lab", () => {
  let cluster: MockCluster;
  let program: Program;
  let results: CheckResult[];

  beforeAll(async () => {
    ({ cluster, program } = await runProgram());
    results = (await valueOf(program.checks)) ?? [];
  });

  it("runs every check of the tutorial, in order", () => {
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    expect(
      cluster
        .ofType("command:local:Command")
        .map((c) => c.name)
        .sort(),
    ).toEqual(CHECK_IDS.map((id) => `check-${id}`).sort());
  });

  it("passes every check on real successful outputs", () => {
    const failed = results.filter((r) => r.outcome !== "passed");
    expect(failed).toEqual([]);
    expect(results.every((r) => r.failure === undefined && r.attempts === 1)).toBe(true);
  });

  it("records what was observed, from the real outputs", () => {
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId["pod-demo.localhost"]?.observed).toBe("<html><body><h1>It works!</h1></body></html>");
    expect(byId["pod-to-pod.pod-httpd.pod-nginx"]?.observed).toBe("<title>Welcome to nginx!</title>");
    expect(byId["dns.svc-clusterip-nginx.short"]?.observed).toBe(
      "svc-clusterip-nginx.netlab.svc.cluster.local -> 10.96.203.5 (server 10.96.0.10)",
    );
    expect(byId["dns.svc-nodeport-httpd.fqdn"]?.expected).toBe(
      "svc-nodeport-httpd.netlab.svc.cluster.local -> 10.96.41.17",
    );
    expect(byId["pod-demo.closed-port"]?.observed).toMatch(/^exit 7: curl: \(7\) Failed to connect/);
    expect(byId["service.svc-nodeport-httpd.node-port"]?.target).toBe(
      "172.18.0.2:31000 -> pod-httpd/cntr-httpd",
    );
  });

  it("gives each check a command to rerun it by hand", () => {
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId["pod-to-pod.pod-httpd.pod-nginx"]?.command).toBe(
      "kubectl --request-timeout=30s exec --namespace netlab pod-httpd --container cntr-httpd -- timeout 10 bash -c " +
        `'exec 3<>"/dev/tcp/$1/$2" && printf '\\''GET / HTTP/1.0\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n'\\'' "$1" >&3 && cat <&3' ` +
        "_ 10.244.1.11 80",
    );
    expect(byId["dns.kubernetes-default"]?.command).toBe(
      "kubectl --request-timeout=30s get service kubernetes --namespace default --output 'jsonpath={.spec.clusterIP}' && " +
        "kubectl --request-timeout=30s exec --namespace netlab netlab-dns-probe --container probe -- timeout 10 nslookup kubernetes.default",
    );
  });

  it("exports the summary and a report", async () => {
    expect(await valueOf(program.summary)).toEqual({ passed: 24, failed: 0, total: 24 });
    const report = (await valueOf(program.report)) ?? "";
    expect(report.split("\n")[0]).toMatch(/^CHECK\s+RESULT\s+TIME\s+OBSERVED$/);
    for (const id of CHECK_IDS)
      expect(report).toMatch(new RegExp(`^${id.replace(/\./g, "\\.")}\\s+passed\\s+\\d+ ms`, "m"));
    expect(report).toMatch(/\n24\/24 checks passed\.$/);
  });

  it("exports the facts the checks found", async () => {
    expect(await valueOf(program.facts)).toEqual({
      podIPs: {
        "pod-demo": "10.244.0.7",
        "pod-httpd": "10.244.1.10",
        "pod-nginx": "10.244.1.11",
        "netlab-dns-probe": "10.244.0.20",
        "netlab-node-probe": "172.18.0.2",
      },
      nodeIP: "172.18.0.2",
      services: {
        "svc-nodeport-httpd": { clusterIP: "10.96.41.17", nodePort: 31000 },
        "svc-clusterip-nginx": { clusterIP: "10.96.203.5" },
      },
      kubeDnsIP: "10.96.0.10",
      apiServiceIP: "10.96.0.1",
    });
  });

  it("makes each check depend on the objects it tests", () => {
    const dependsOn = (id: string) =>
      cluster.request("command:local:Command", `check-${id}`).dependencies.join("\n");
    const pod = (name: string) => new RegExp(`kubernetes:core/v1:Pod::${name}$`, "m");
    const service = (name: string) => new RegExp(`kubernetes:core/v1:Service::${name}$`, "m");
    expect(dependsOn("pod-demo.localhost")).toMatch(pod("pod-demo"));
    expect(dependsOn("node-to-pod.pod-demo")).toMatch(pod("netlab-node-probe"));
    expect(dependsOn("node-to-pod.pod-demo")).toMatch(pod("pod-demo"));
    expect(dependsOn("pod-to-pod.pod-httpd.pod-nginx")).toMatch(pod("pod-nginx"));
    expect(dependsOn("pod-to-pod.pod-httpd.pod-nginx")).toMatch(pod("pod-httpd"));
    expect(dependsOn("dns.svc-clusterip-nginx.fqdn")).toMatch(service("svc-clusterip-nginx"));
    expect(dependsOn("dns.svc-clusterip-nginx.fqdn")).toMatch(pod("netlab-dns-probe"));
    expect(dependsOn("service.svc-nodeport-httpd.node-port")).toMatch(service("svc-nodeport-httpd"));
    expect(dependsOn("service.svc-nodeport-httpd.node-port")).toMatch(pod("pod-httpd"));
    expect(dependsOn("service.svc-nodeport-httpd.node-port")).toMatch(pod("netlab-node-probe"));
    // ... and on nothing else: a check does not wait for objects it does not test.
    expect(dependsOn("service.svc-nodeport-httpd.node-port")).not.toMatch(pod("pod-nginx"));
    expect(dependsOn("pod-demo.localhost")).not.toMatch(/kubernetes:core\/v1:Service::/);
    expect(dependsOn("pod-to-pod.pod-httpd.pod-nginx")).not.toMatch(pod("pod-demo"));
    expect(dependsOn("dns.kube-dns-service")).toBe("");
  });

  it("reruns a check when what it tests changes: checksRun, pod UID and IP, service UID, ClusterIP and ports", () => {
    const triggers = (id: string) => cluster.byName("command:local:Command", `check-${id}`).inputs.triggers;
    expect(triggers("pod-demo.localhost")).toEqual([1, "uid-pod-demo", "10.244.0.7"]);
    expect(triggers("dns.svc-clusterip-nginx.short")).toEqual([
      1,
      "uid-svc-clusterip-nginx",
      "10.96.203.5",
      [{ name: "http", protocol: "TCP", port: 80, targetPort: 80 }],
      "uid-netlab-dns-probe",
      "10.244.0.20",
    ]);
    expect(triggers("dns.kube-dns-service")).toEqual([1]);
  });

  it("creates no strict-mode gate by default", () => {
    expect(cluster.requests.some((r) => r.name === "strict-gate")).toBe(false);
  });
});

describe("a broken lab", () => {
  let results: CheckResult[];
  let program: Program;

  beforeAll(async () => {
    ({ program } = await runProgram({}, "broken"));
    results = (await valueOf(program.checks)) ?? [];
  });

  it("fails every check on real failing outputs, each with its kind", () => {
    expect(
      Object.fromEntries(results.map((r) => [r.id, r.outcome === "failed" ? r.failure : "passed"])),
    ).toEqual(BROKEN_KINDS);
  });

  it("still succeeds as an update and reports every failure with what to run", async () => {
    expect(await valueOf(program.summary)).toEqual({ passed: 0, failed: 24, total: 24 });
    const report = (await valueOf(program.report)) ?? "";
    expect(report).toContain(`24/24 checks failed: ${CHECK_IDS.join(", ")}`);
    expect(report).toMatch(/^pod-demo\.closed-port\s+FAILED \(wrong-answer\)/m);
    expect(report).toContain(
      "FAILED pod-demo.closed-port: The pod routes by port: a port no container listens on is refused.\n" +
        "  from:     pod-demo/cntr-centos\n" +
        "  to:       pod-demo localhost:8081 (no listener)\n" +
        "  expected: connection refused (not a timeout, not a page)\n" +
        "  observed: the connection succeeded while it should have been refused: <html><body><h1>It works!</h1></body></html>\n" +
        "  rerun:    kubectl --request-timeout=30s exec --namespace netlab pod-demo --container cntr-centos -- " +
        "curl -sS --connect-timeout 3 --max-time 10 http://localhost:8081/",
    );
  });
});
