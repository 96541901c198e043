// The connectivity checks of index.ts under mocks: every check really runs its script against a kubectl
// that answers with captured outputs of real tools, first of a healthy lab, then of a broken one.
import { beforeAll, describe, expect, it } from "vitest";
import { BASH_TCP_GET, CURL_TIMING_FORMAT } from "../lib/checks/probes";
import type { CheckResult } from "../lib/checks/types";
import { shellQuote } from "../lib/shell";
import defaultCheckIds from "./support/default-check-ids.json";
import { type MockCluster, type Program, runProgram, valueOf } from "./support/pulumiMocks";

/** Every check of the default lab, in run order; e2e/check-outputs.mjs reads the same list. */
const CHECK_IDS: string[] = defaultCheckIds;

/** The command that runs a check: the one of the objects it tests. */
const COMMAND_OF: Record<string, string> = {
  "pod-demo.localhost": "checks-pod/pod-demo",
  "node-to-pod.pod-demo.same-node": "checks-pod/pod-demo,probes/node",
  "pod-to-pod.pod-httpd.pod-nginx": "checks-pod/pod-httpd,pod/pod-nginx",
  "dns.svc-clusterip-nginx.short": "checks-pod/netlab-dns-probe,service/svc-clusterip-nginx",
  "dns.svc-clusterip-nginx.fqdn": "checks-pod/netlab-dns-probe,service/svc-clusterip-nginx",
  "service.svc-nodeport-httpd.node-port.same-node":
    "checks-pod/pod-httpd,probes/node,service/svc-nodeport-httpd",
  "dns.kube-dns-service": "checks-cluster",
};
const commandOf = (id: string): string => {
  const name = COMMAND_OF[id];
  if (name === undefined) throw new Error(`the test names no command for check ${id}`);
  return name;
};

/** The checks that need a second node: skipped on one. */
const OTHER_NODE_IDS = ["node-to-pod.pod-demo.other-node", "service.svc-nodeport-httpd.node-port.other-node"];

/** The checks over IPv6: skipped on a cluster that gives the lab no IPv6 address (the mocks' default). */
const IPV6_IDS = CHECK_IDS.filter((id) => id.startsWith("ipv6."));

/** Why each IPv6 check is skipped on an IPv4-only cluster: what the cluster gave instead. */
const IPV6_SKIPS: Record<string, string> = {
  "ipv6.pod-to-pod.cross-node":
    "the cluster gave pod-nginx no IPv6 address (10.244.1.11): its pods are IPv4 only",
  "ipv6.node-to-pod.pod-nginx.other-node":
    "the cluster gave pod-nginx no IPv6 address (10.244.1.11): its pods are IPv4 only",
  "ipv6.service.svc-dualstack-nginx.cluster-ip":
    "the cluster gave svc-dualstack-nginx no IPv6 ClusterIP (10.96.91.153) although it asks for both " +
    "families (PreferDualStack): its Services are IPv4 only",
  "ipv6.dns.svc-dualstack-nginx.aaaa":
    "the cluster gave svc-dualstack-nginx no IPv6 ClusterIP (10.96.91.153) although it asks for both " +
    "families (PreferDualStack): its Services are IPv4 only",
};

/** How each check fails in the broken lab (see the "broken" scenario of test/support/bin/kubectl). */
const BROKEN_KINDS: Record<string, string> = {
  "pod-demo.localhost": "timeout",
  "pod-demo.pod-ip": "timeout",
  "pod-demo.pod-name": "dns-failure",
  "pod-demo.hostname": "wrong-answer",
  "pod-demo.shared-network": "wrong-answer",
  "pod-demo.closed-port": "wrong-answer",
  "node-to-pod.pod-demo.same-node": "timeout",
  "node-to-pod.pod-demo.other-node": "skipped",
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
  "dns.svc-nodeport-httpd.short.tcp": "timeout",
  "dns.svc-nodeport-httpd.namespaced.tcp": "dns-failure",
  "dns.svc-nodeport-httpd.fqdn.tcp": "dns-failure",
  "dns.svc-clusterip-nginx.short": "timeout",
  "dns.svc-clusterip-nginx.namespaced": "dns-failure",
  "dns.svc-clusterip-nginx.fqdn": "dns-failure",
  "dns.svc-clusterip-nginx.short.tcp": "timeout",
  "dns.svc-clusterip-nginx.namespaced.tcp": "dns-failure",
  "dns.svc-clusterip-nginx.fqdn.tcp": "dns-failure",
  "dns.kubernetes-default": "dns-failure",
  "service.svc-nodeport-httpd.cluster-ip": "dns-failure",
  "service.svc-nodeport-httpd.node-port.same-node": "refused",
  "service.svc-nodeport-httpd.node-port.other-node": "skipped",
  "service.svc-clusterip-nginx.cluster-ip": "dns-failure",
  ...Object.fromEntries(IPV6_IDS.map((id) => [id, "skipped"])),
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
    // One command per set of tested objects (lib/checks/groups.ts).
    expect(
      cluster
        .ofType("command:local:Command")
        .map((c) => c.name)
        .sort(),
    ).toEqual(
      [
        "checks-pod/pod-demo",
        "checks-pod/pod-demo,probes/node",
        "checks-pod/pod-httpd,pod/pod-nginx",
        "checks-cluster",
        "checks-pod/pod-httpd",
        "checks-pod/pod-nginx",
        "checks-pod/netlab-dns-probe",
        "checks-pod/netlab-dns-probe,service/svc-nodeport-httpd",
        "checks-pod/netlab-dns-probe,service/svc-clusterip-nginx",
        "checks-pod/pod-demo,pod/pod-httpd,service/svc-nodeport-httpd",
        "checks-pod/pod-httpd,probes/node,service/svc-nodeport-httpd",
        "checks-pod/pod-demo,pod/pod-nginx,service/svc-clusterip-nginx",
        "checks-pod/pod-demo,pod/pod-httpd,pod/pod-nginx",
        "checks-pod/pod-nginx,probes/node",
        "checks-pod/pod-demo,pod/pod-nginx,service/svc-dualstack-nginx",
        "checks-pod/netlab-dns-probe,service/svc-dualstack-nginx",
        "network",
      ].sort(),
    );
  });

  it("passes every check on real successful outputs, and skips those that need a second node or IPv6", () => {
    const notPassed = results.filter((r) => r.outcome !== "passed");
    expect(notPassed.map((r) => [r.id, r.outcome])).toEqual(
      [...OTHER_NODE_IDS, ...IPV6_IDS].map((id) => [id, "skipped"]),
    );
    // On this IPv4-only cluster, each IPv6 check says what the cluster gave instead of an IPv6 address.
    expect(
      Object.fromEntries(IPV6_IDS.map((id) => [id, notPassed.find((r) => r.id === id)?.skipReason])),
    ).toEqual(IPV6_SKIPS);
    for (const r of notPassed.filter((r) => OTHER_NODE_IDS.includes(r.id))) {
      expect(r.skipReason).toBe(
        "the cluster has no other schedulable node with a node probe than node-1 (nodes: node-1)",
      );
      expect(r.path).toBe("cross-node");
      expect(r.command).toBe("");
    }
    const passed = results.filter((r) => r.outcome === "passed");
    expect(passed.every((r) => r.failure === undefined && r.attempts === 1)).toBe(true);
  });

  it("says where each check's traffic went: one node here", () => {
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId["pod-demo.localhost"]).toMatchObject({
      path: "same-pod",
      sourceNode: "node-1",
      targetNode: "node-1",
      via: "localhost",
      section: "pod-demo",
    });
    expect(byId["pod-to-pod.pod-httpd.pod-nginx"]).toMatchObject({
      path: "same-node",
      sourceNode: "node-1",
      targetNode: "node-1",
      from: { kind: "pod", pod: "pod-httpd", container: "cntr-httpd" },
      to: { kind: "pod", pod: "pod-nginx", container: "cntr-nginx" },
    });
    expect(byId["node-to-pod.pod-demo.same-node"]).toMatchObject({
      path: "same-node",
      from: { kind: "node", node: "node-1" },
      source: "node node-1 172.18.0.2 (host network)",
    });
    expect(byId["dns.svc-clusterip-nginx.short"]).toMatchObject({ path: "same-node", targetNode: "node-1" });
    expect(byId["dns.kube-dns-service"]).toMatchObject({ path: "api", from: { kind: "api" } });
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
    expect(byId["service.svc-nodeport-httpd.node-port.same-node"]?.target).toBe(
      "172.18.0.2:31000 -> pod-httpd/cntr-httpd",
    );
  });

  it("gives each check a command to rerun it by hand", () => {
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId["pod-to-pod.pod-httpd.pod-nginx"]?.command).toBe(
      "kubectl --request-timeout=30s exec --namespace netlab pod-httpd --container cntr-httpd -- timeout 10 bash -c " +
        `${shellQuote(BASH_TCP_GET)} _ 10.244.1.11 80`,
    );
    expect(byId["dns.kubernetes-default"]?.command).toBe(
      "kubectl --request-timeout=30s get service kubernetes --namespace default --output 'jsonpath={.spec.clusterIP}' && " +
        "kubectl --request-timeout=30s exec --namespace netlab netlab-dns-probe --container probe -- timeout 10 nslookup kubernetes.default",
    );
  });

  it("exports the summary and a report", async () => {
    expect(await valueOf(program.summary)).toMatchObject({ passed: 30, failed: 0, skipped: 6, total: 36 });
    const report = (await valueOf(program.report)) ?? "";
    // The network the lab found first, then kubectl's own skew warning (the mocks' kubectl is 1.32, the
    // server 1.34, as captured), then the table.
    expect(report.split("\n").slice(0, 4)).toEqual([
      "network: 1 node, kube-proxy iptables, routed (pod MTU 1500, link 1500), IPv4, kubectl 1.32 / server 1.34",
      expect.stringMatching(
        /^warning: kubectl 1\.32 is outside the skew Kubernetes supports: version difference/,
      ),
      "",
      expect.stringMatching(/^CHECK\s+RESULT\s+PATH\s+TIME\s+CONNECT\s+OBSERVED$/),
    ]);
    for (const id of CHECK_IDS.filter((id) => !OTHER_NODE_IDS.includes(id) && !IPV6_IDS.includes(id)))
      expect(report).toMatch(
        new RegExp(`^${id.replace(/\./g, "\\.")}\\s+passed\\s+\\S+( \\S+)?\\s+\\d+ ms`, "m"),
      );
    expect(report).toMatch(/^pod-to-pod\.pod-httpd\.pod-nginx\s+passed\s+same-node node-1\s+\d+ ms/m);
    expect(report).toMatch(/^node-to-pod\.pod-demo\.other-node\s+skipped\s+cross-node\s+-\s+skipped: /m);
    expect(report).toContain("\n30/36 checks passed. 6 skipped.\n");
    expect(report).toContain(
      "skipped node-to-pod.pod-demo.other-node: the cluster has no other schedulable node with a node probe than node-1",
    );
  });

  it("exports the facts the checks found", async () => {
    expect(await valueOf(program.facts)).toEqual({
      podIPs: {
        "pod-demo": "10.244.0.7",
        "pod-httpd": "10.244.1.10",
        "pod-nginx": "10.244.1.11",
        "netlab-dns-probe": "10.244.0.20",
      },
      allPodIPs: {
        "pod-demo": ["10.244.0.7"],
        "pod-httpd": ["10.244.1.10"],
        "pod-nginx": ["10.244.1.11"],
        "netlab-dns-probe": ["10.244.0.20"],
      },
      podNodes: {
        "pod-demo": "node-1",
        "pod-httpd": "node-1",
        "pod-nginx": "node-1",
        "netlab-dns-probe": "node-1",
      },
      nodes: [{ name: "node-1", internalIP: "172.18.0.2", schedulable: true }],
      nodeProbes: { "node-1": "netlab-node-probe-k7x2p" },
      kubeDnsNodes: ["node-1"],
      services: {
        "svc-nodeport-httpd": { clusterIP: "10.96.41.17", clusterIPs: ["10.96.41.17"], nodePort: 31000 },
        "svc-clusterip-nginx": { clusterIP: "10.96.203.5", clusterIPs: ["10.96.203.5"] },
        "svc-dualstack-nginx": { clusterIP: "10.96.91.153", clusterIPs: ["10.96.91.153"] },
      },
      kubeDnsIP: "10.96.0.10",
      apiServiceIP: "10.96.0.1",
      // Read on the node probe and in pod-demo, as captured on the e2e cluster (test/fixtures/network).
      network: {
        nodes: { "node-1": { kubeProxy: "iptables", towardPods: { device: "netlab-n2" }, linkMTU: 1500 } },
        podMTU: 1500,
        families: { pods: ["IPv4"], services: ["IPv4"] },
        kubectl: {
          client: "1.32",
          server: "1.34",
          skewWarning:
            "version difference between client (1.32) and server (1.34) exceeds the supported minor version skew of +/-1",
        },
      },
    });
  });

  it("makes each check depend on the objects it tests", () => {
    const dependsOn = (id: string) =>
      cluster.request("command:local:Command", commandOf(id)).dependencies.join("\n");
    const pod = (name: string) => new RegExp(`kubernetes:core/v1:Pod::${name}$`, "m");
    const service = (name: string) => new RegExp(`kubernetes:core/v1:Service::${name}$`, "m");
    const nodeProbes = /netlab:index:NodeProbes\$kubernetes:apps\/v1:DaemonSet::netlab-node-probe$/m;
    expect(dependsOn("pod-demo.localhost")).toMatch(pod("pod-demo"));
    expect(dependsOn("node-to-pod.pod-demo.same-node")).toMatch(nodeProbes);
    expect(dependsOn("node-to-pod.pod-demo.same-node")).toMatch(pod("pod-demo"));
    expect(dependsOn("pod-to-pod.pod-httpd.pod-nginx")).toMatch(pod("pod-nginx"));
    expect(dependsOn("pod-to-pod.pod-httpd.pod-nginx")).toMatch(pod("pod-httpd"));
    expect(dependsOn("dns.svc-clusterip-nginx.fqdn")).toMatch(service("svc-clusterip-nginx"));
    expect(dependsOn("dns.svc-clusterip-nginx.fqdn")).toMatch(pod("netlab-dns-probe"));
    const nodePort = "service.svc-nodeport-httpd.node-port.same-node";
    expect(dependsOn(nodePort)).toMatch(service("svc-nodeport-httpd"));
    expect(dependsOn(nodePort)).toMatch(pod("pod-httpd"));
    expect(dependsOn(nodePort)).toMatch(nodeProbes);
    // ... and on nothing else: a check does not wait for objects it does not test.
    expect(dependsOn(nodePort)).not.toMatch(pod("pod-nginx"));
    expect(dependsOn("pod-demo.localhost")).not.toMatch(/kubernetes:core\/v1:Service::/);
    expect(dependsOn("pod-to-pod.pod-httpd.pod-nginx")).not.toMatch(pod("pod-demo"));
    expect(dependsOn("dns.kube-dns-service")).toBe("");
  });

  it("reruns a check when what it tests changes: checksRun, pod UID and IP, service UID, ClusterIP, ports and selector", () => {
    const triggers = (id: string) => cluster.byName("command:local:Command", commandOf(id)).inputs.triggers;
    expect(triggers("pod-demo.localhost")).toEqual([1, "uid-pod-demo", "10.244.0.7"]);
    expect(triggers("dns.svc-clusterip-nginx.short")).toEqual([
      1,
      "uid-netlab-dns-probe",
      "10.244.0.20",
      "uid-svc-clusterip-nginx",
      "10.96.203.5",
      [{ name: "http", protocol: "TCP", port: 80, targetPort: 80 }],
      { "k8s-networking-lab/pod": "pod-nginx" },
    ]);
    expect(triggers("dns.kube-dns-service")).toEqual([1]);
  });

  it("exports a JUnit report and a diagram that agree with the checks", async () => {
    const junit = (await valueOf(program.junit)) ?? "";
    const cases = [...junit.matchAll(/<testcase name="([^"]+)"[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g)].map(
      (m) => [
        m[1],
        m[2]?.includes("<skipped") ? "skipped" : m[2]?.includes("<failure") ? "failed" : "passed",
      ],
    );
    expect(cases).toEqual(results.map((r) => [r.id, r.outcome]));
    const diagram = (await valueOf(program.diagram)) ?? "";
    expect(diagram.split("\n")[0]).toMatch(/^(---|flowchart)/);
    const arrows = diagram.split("\n").filter((line) => /\s(-->|==>|-\.->)\|/.test(line));
    // Checks between the same two boxes share an arrow: 30 passed checks on 14 arrows; the probe's 13 DNS
    // lookups and its AAAA lookup (skipped: no IPv6 here) on one into kube-dns, drawn as its worst.
    expect(arrows.filter((line) => /-->/.test(line))).toHaveLength(14);
    expect(diagram).toContain('-.->|"– 14 checks: 1 skipped, 13 passed"| svc_kube_system_kube_dns');
    expect(arrows.filter((line) => /-\.->/.test(line))).toHaveLength(6);
    expect(arrows.filter((line) => /==>/.test(line))).toHaveLength(0);
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
      Object.fromEntries(results.map((r) => [r.id, r.outcome === "failed" ? r.failure : r.outcome])),
    ).toEqual(BROKEN_KINDS);
  });

  it("still succeeds as an update and reports every failure with what to run", async () => {
    expect(await valueOf(program.summary)).toMatchObject({ passed: 0, failed: 30, skipped: 6, total: 36 });
    const report = (await valueOf(program.report)) ?? "";
    const failedIds = CHECK_IDS.filter((id) => !OTHER_NODE_IDS.includes(id) && !IPV6_IDS.includes(id));
    expect(report).toContain(`30/36 checks failed: ${failedIds.join(", ")} (6 skipped)`);
    expect(report).toMatch(/^pod-demo\.closed-port\s+FAILED \(wrong-answer\)/m);
    expect(report).toContain(
      "FAILED pod-demo.closed-port: The pod routes by port: a port no container listens on is refused.\n" +
        "  from:     pod-demo/cntr-centos\n" +
        "  to:       pod-demo localhost:8081 (no listener)\n" +
        "  expected: connection refused (not a timeout, not a page)\n" +
        "  observed: the connection succeeded while it should have been refused: <html><body><h1>It works!</h1></body></html>\n" +
        "  evidence: source: pod pod-demo 10.244.0.7 on node node-1\n" +
        "            target: pod pod-demo 10.244.0.7 on node node-1\n" +
        "            network of pod pod-demo: namespace net:[4026532245] / net:[4026531833], interfaces eth0 lo ifb0 ifb1, in 2 container(s)\n" +
        "  cause:    an answer came back, but not the one expected, and no other check of this run shows why: rerun it and read what it prints\n" +
        "  rerun:    kubectl --request-timeout=30s exec --namespace netlab pod-demo --container cntr-centos -- " +
        `curl -sS --connect-timeout 3 --max-time 10 --write-out ${shellQuote(CURL_TIMING_FORMAT)} http://localhost:8081/`,
    );
  });
});

describe("a healthy lab on two dual-stack nodes", () => {
  let cluster: MockCluster;
  let program: Program;
  let results: CheckResult[];

  beforeAll(async () => {
    ({ cluster, program } = await runProgram({}, "healthy", {
      runStrictGate: true,
      nodes: 2,
      dualStack: true,
    }));
    results = (await valueOf(program.checks)) ?? [];
  });

  it("places pod-httpd and pod-nginx apart, preferring different nodes", () => {
    const spec = (name: string) =>
      cluster.byName("kubernetes:core/v1:Pod", name).state.spec as Record<string, unknown>;
    expect(spec("pod-httpd").nodeName).toBe("node-1");
    expect(spec("pod-nginx").nodeName).toBe("node-2");
    expect(spec("pod-nginx").affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              labelSelector: { matchLabels: { "k8s-networking-lab/pair": "eg2" } },
              topologyKey: "kubernetes.io/hostname",
            },
          },
        ],
      },
    });
  });

  it("runs and passes every check, those across nodes and over IPv6 included", () => {
    expect(results.map((r) => r.id)).toEqual(CHECK_IDS);
    expect(results.filter((r) => r.outcome !== "passed")).toEqual([]);
  });

  it("reaches pods and the dual-stack Service by their IPv6 addresses, and finds its AAAA record", async () => {
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId["ipv6.pod-to-pod.cross-node"]).toMatchObject({
      target: "pod-nginx/cntr-nginx via [fd00:10:244:1::b]:80",
      path: "cross-node",
      sourceNode: "node-1",
      targetNode: "node-2",
      observed: "<title>Welcome to nginx!</title>",
    });
    expect(byId["ipv6.pod-to-pod.cross-node"]?.command).toMatch(/ 'http:\/\/\[fd00:10:244:1::b\]:80\/'$/);
    expect(byId["ipv6.node-to-pod.pod-nginx.other-node"]).toMatchObject({
      source: "node node-1 172.18.0.2 (host network)",
      path: "cross-node",
      observed: "<title>Welcome to nginx!</title>",
    });
    expect(byId["ipv6.service.svc-dualstack-nginx.cluster-ip"]).toMatchObject({
      target: "svc-dualstack-nginx [fd00:10:96::56a6]:80 -> pod-nginx/cntr-nginx",
      observed: "<title>Welcome to nginx!</title>",
    });
    expect(byId["ipv6.dns.svc-dualstack-nginx.aaaa"]).toMatchObject({
      target: "nslookup -type=AAAA svc-dualstack-nginx.netlab.svc.cluster.local",
      observed: "svc-dualstack-nginx.netlab.svc.cluster.local -> fd00:10:96::56a6 (server 10.96.0.10)",
    });
    // getent answers with the pod's IPv6 address, one of its own.
    expect(byId["pod-demo.pod-name"]?.observed).toMatch(
      /^pod-demo -> fd00:10:244::7 \(\/etc\/hosts, the pod's IPv6 address\); /,
    );
    const report = (await valueOf(program.report)) ?? "";
    expect(report.split("\n")[0]).toMatch(/^network: 2 nodes, kube-proxy iptables, .*, IPv4\+IPv6, kubectl/);
    const facts = await valueOf(program.facts);
    expect(facts?.allPodIPs?.["pod-nginx"]).toEqual(["10.244.1.11", "fd00:10:244:1::b"]);
    expect(facts?.services["svc-dualstack-nginx"]?.clusterIPs).toEqual(["10.96.91.153", "fd00:10:96::56a6"]);
    expect(facts?.services["svc-clusterip-nginx"]?.clusterIPs).toEqual(["10.96.203.5"]);
  });

  it("says which checks cross nodes, and between which", () => {
    const paths = Object.fromEntries(results.map((r) => [r.id, `${r.path} ${r.sourceNode}>${r.targetNode}`]));
    expect(paths).toMatchObject({
      "pod-to-pod.pod-httpd.pod-nginx": "cross-node node-1>node-2",
      "pod-to-pod.pod-nginx.pod-httpd": "cross-node node-2>node-1",
      "node-to-pod.pod-demo.same-node": "same-node node-1>node-1",
      "node-to-pod.pod-demo.other-node": "cross-node node-2>node-1",
      "service.svc-nodeport-httpd.node-port.same-node": "same-node node-1>node-1",
      "service.svc-nodeport-httpd.node-port.other-node": "cross-node node-2>node-1",
      "service.svc-clusterip-nginx.cluster-ip": "cross-node node-1>node-2",
      "service.svc-nodeport-httpd.cluster-ip": "same-node node-1>node-1",
    });
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId["service.svc-nodeport-httpd.node-port.other-node"]?.target).toBe(
      "172.18.0.3:31000 -> pod-httpd/cntr-httpd",
    );
    expect(byId["node-to-pod.pod-demo.other-node"]?.command).toContain(
      "exec --namespace netlab netlab-node-probe-m4q9z --container probe -- curl",
    );
  });

  it("lists both nodes in the facts", async () => {
    const facts = await valueOf(program.facts);
    expect(facts?.nodes).toEqual([
      { name: "node-1", internalIP: "172.18.0.2", schedulable: true },
      { name: "node-2", internalIP: "172.18.0.3", schedulable: true },
    ]);
    expect(facts?.nodeProbes).toEqual({
      "node-1": "netlab-node-probe-k7x2p",
      "node-2": "netlab-node-probe-m4q9z",
    });
  });
});
