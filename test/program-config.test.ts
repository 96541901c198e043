// index.ts under other configurations: bad values stop it before anything is registered; every key
// reaches the resources it is about.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MockCluster, type Program, type Registered, runProgram, valueOf } from "./support/pulumiMocks";

type Fields = Record<string, unknown>;
const metadataOf = (r: { inputs: Fields }) => r.inputs.metadata as Fields;
const specOf = (r: { inputs: Fields }) => r.inputs.spec as Fields;

describe("bad configuration", () => {
  it("stops the program with one clear message and registers nothing", async () => {
    let failure: unknown;
    try {
      await runProgram({ namespace: "Not_A_Label", services: '{"httpd":{"nodePort":80}}', labs: "eg1,eg4" });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(pulumi.RunError);
    const message = (failure as Error).message;
    expect(message).toMatch(/^invalid lab configuration \(3 problems\):/);
    expect(message).toContain('- namespace: "Not_A_Label" is not a DNS-1123 label');
    expect(message).toContain(
      '- labs: "eg4" is not a lab; allowed: eg1, eg2, services, service-depth, ingress.',
    );
    expect(message).toContain("- services.httpd.nodePort: 80 is out of range; allowed: 30000-32767");
    const registered = (
      pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> }
    ).getRegisteredResources();
    expect(registered.size).toBe(0);
  });
});

describe("every key reaches the lab", () => {
  let cluster: MockCluster;
  let program: Program;
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), "netlab config ")), "kube config");
  writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\n");

  beforeAll(async () => {
    ({ cluster, program } = await runProgram({
      namespace: "default",
      kubeconfig,
      context: "kind-netlab",
      clusterDomain: "lab.example",
      labs: "eg2,services",
      imagePullPolicy: "Never",
      images: JSON.stringify({
        httpd: "localhost/netlab/httpd:e2e",
        nginx: "localhost/netlab/nginx:e2e",
        dnsTools: "busybox:1.36",
      }),
      services: JSON.stringify({
        httpd: { nodePort: "none", port: 8080 },
        nginx: { name: "web", port: 8081, targetPort: 80 },
      }),
      strict: "true",
      checksRun: "2",
      checkMaxTimeSeconds: "7",
      checkConnectTimeoutSeconds: "2",
      checkExecTimeoutSeconds: "25",
      kubeProxySettleSeconds: "1",
    }));
  });

  it("uses the existing default namespace without creating or deleting it", async () => {
    expect(cluster.ofType("kubernetes:core/v1:Namespace")).toEqual([]);
    for (const r of [
      ...cluster.ofType("kubernetes:core/v1:Pod"),
      ...cluster.ofType("kubernetes:core/v1:Service"),
    ]) {
      expect(metadataOf(r).namespace).toBe("default");
    }
    expect(await valueOf(program.labNamespace)).toBe("default");
  });

  it("gives the provider the kubeconfig and context", () => {
    const provider = cluster.byName("pulumi:providers:kubernetes", "cluster");
    expect(provider.inputs).toMatchObject({ kubeconfig, context: "kind-netlab" });
  });

  it("builds only the chosen labs", () => {
    expect(
      cluster
        .ofType("kubernetes:core/v1:Pod")
        .map((p) => metadataOf(p).name)
        .sort(),
    ).toEqual(["netlab-dns-probe", "pod-httpd", "pod-nginx"]);
    expect(cluster.ofType("kubernetes:apps/v1:DaemonSet").map((d) => metadataOf(d).name)).toEqual([
      "netlab-node-probe",
    ]);
  });

  it("applies the images and the pull policy", () => {
    const podSpec = (r: Registered) =>
      r.type === "kubernetes:apps/v1:DaemonSet" ? ((specOf(r).template as Fields).spec as Fields) : specOf(r);
    const images = Object.fromEntries(
      [
        ...cluster.ofType("kubernetes:core/v1:Pod"),
        ...cluster.ofType("kubernetes:apps/v1:DaemonSet"),
      ].flatMap((p) =>
        (podSpec(p).containers as Fields[]).map((c) => [
          String(metadataOf(p).name),
          [c.image, c.imagePullPolicy],
        ]),
      ),
    );
    expect(images).toEqual({
      "pod-httpd": ["localhost/netlab/httpd:e2e", "Never"],
      "pod-nginx": ["localhost/netlab/nginx:e2e", "Never"],
      "netlab-dns-probe": ["busybox:1.36", "Never"],
      "netlab-node-probe": ["centos", "Never"],
    });
  });

  it("lets the cluster pick the node port when none is set, and renames services", async () => {
    const endpoints = await valueOf(program.serviceEndpoints);
    expect(endpoints.map((e) => [e.name, e.port, e.targetPort, e.nodePort])).toEqual([
      ["svc-nodeport-httpd", 8080, 80, 30500],
      ["web", 8081, 80, undefined],
      ["svc-dualstack-nginx", 80, 80, undefined],
    ]);
    const httpdPorts = specOf(cluster.byName("kubernetes:core/v1:Service", "svc-nodeport-httpd"))
      .ports as Fields[];
    expect(httpdPorts[0]?.nodePort).toBeUndefined();
    expect(endpoints[1]?.dnsNames).toEqual({
      short: "web",
      namespaced: "web.default",
      fqdn: "web.default.svc.lab.example",
    });
  });

  it("runs the checks of the chosen labs, from pod-to-pod clients when pod-demo is absent", async () => {
    const results = (await valueOf(program.checks)) ?? [];
    expect(results.map((r) => r.id)).toEqual([
      "pod-to-pod.pod-httpd.pod-nginx",
      "pod-to-pod.pod-nginx.pod-httpd",
      "dns.kube-dns-service",
      "dns.resolv-conf.pod-httpd",
      "dns.resolv-conf.pod-nginx",
      "dns.resolv-conf.netlab-dns-probe",
      "dns.svc-nodeport-httpd.short",
      "dns.svc-nodeport-httpd.namespaced",
      "dns.svc-nodeport-httpd.fqdn",
      "dns.svc-nodeport-httpd.short.tcp",
      "dns.svc-nodeport-httpd.namespaced.tcp",
      "dns.svc-nodeport-httpd.fqdn.tcp",
      "dns.web.short",
      "dns.web.namespaced",
      "dns.web.fqdn",
      "dns.web.short.tcp",
      "dns.web.namespaced.tcp",
      "dns.web.fqdn.tcp",
      "dns.kubernetes-default",
      "service.svc-nodeport-httpd.cluster-ip",
      "service.svc-nodeport-httpd.node-port.same-node",
      "service.svc-nodeport-httpd.node-port.other-node",
      "service.web.cluster-ip",
      // Without pod-demo, only the IPv6 checks that need no client of it.
      "ipv6.node-to-pod.pod-nginx.other-node",
      "ipv6.dns.svc-dualstack-nginx.aaaa",
    ]);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId["service.web.cluster-ip"]?.source).toBe("pod-httpd/cntr-httpd");
    expect(byId["service.svc-nodeport-httpd.cluster-ip"]?.source).toBe("pod-nginx/cntr-nginx");
    expect(byId["service.svc-nodeport-httpd.node-port.same-node"]?.target).toBe(
      "172.18.0.2:30500 -> pod-httpd/cntr-httpd",
    );
    expect(byId["dns.resolv-conf.pod-httpd"]?.expected).toBe(
      "nameserver <kube-dns ClusterIP>; search default.svc.lab.example svc.lab.example lab.example; options ndots:5",
    );
  });

  it("reaches the NodePort from the node of pod-httpd", async () => {
    const results = (await valueOf(program.checks)) ?? [];
    const nodePort = results.find((r) => r.id === "service.svc-nodeport-httpd.node-port.same-node");
    expect(nodePort).toMatchObject({ sourceNode: "node-1", targetNode: "node-1", path: "same-node" });
  });

  it("quotes every configured value in the commands", () => {
    const checks = cluster.ofType("command:local:Command").filter((c) => c.name.startsWith("checks-"));
    // On this one-node cluster the other-node checks are skipped, but each shares its command with the
    // same-node check, which runs: every command runs kubectl, but the two of the IPv6 checks, all skipped
    // on this IPv4-only cluster.
    const running = checks.filter((c) => /netlab_(step|batch|wait) /m.test(String(c.inputs.create)));
    expect(
      checks
        .filter((c) => !running.includes(c))
        .map((c) => c.name)
        .sort(),
    ).toEqual([
      "checks-pod/netlab-dns-probe,service/svc-dualstack-nginx",
      "checks-pod/pod-nginx,probes/node",
    ]);
    for (const command of running) {
      const script = String(command.inputs.create);
      expect(script).toContain(`--kubeconfig '${kubeconfig}'`);
      expect(script).toContain("--context kind-netlab --request-timeout=25s");
      expect(script).not.toMatch(/--kubeconfig \//);
    }
    const curl = String(
      cluster.byName("command:local:Command", "checks-pod/pod-httpd,pod/pod-nginx,service/web").inputs.create,
    );
    expect(curl).toContain("timeout 7 bash -c");
  });

  it("bounds every kubectl call with the exec deadline and attempts", () => {
    const scripts = cluster
      .ofType("command:local:Command")
      .filter((c) => c.name.startsWith("checks-"))
      .map((c) => String(c.inputs.create));
    const calls = scripts.flatMap((script) => script.match(/netlab_(step|batch) \S+ \S+ \S+ \S+ \S+/g) ?? []);
    expect(calls.length).toBeGreaterThan(scripts.length);
    for (const call of calls)
      expect(call).toMatch(/^netlab_(step|batch) (step|batch):[\d,]+ 25 3 2 kubectl$/);
  });

  it("gives kube-proxy the configured moment after a Service's endpoint is ready", () => {
    const script = String(
      cluster.byName("command:local:Command", "checks-pod/pod-httpd,pod/pod-nginx,service/web").inputs.create,
    );
    expect(script).toMatch(/netlab_wait step:\d+ 25 \S+ 1 kubectl /);
  });

  it("reruns checks when checksRun changes", () => {
    for (const command of cluster
      .ofType("command:local:Command")
      .filter((c) => c.name.startsWith("checks-"))) {
      expect((command.inputs.triggers as unknown[])[0]).toBe(2);
    }
  });

  it("adds the strict-mode gate after every check; it passes when they all pass", async () => {
    const gate = await cluster.settled("command:local:Command", "strict-gate");
    expect(gate.inputs.environment).toMatchObject({ NETLAB_FAILED_CHECKS: "0" });
    expect(gate.state.stdout).toBe("strict mode: no check failed (22 passed, 3 skipped)");
    const dependencies = cluster.request("command:local:Command", "strict-gate").dependencies;
    const checkCommands = cluster
      .ofType("command:local:Command")
      .filter((c) => c.name.startsWith("checks-"))
      .map((c) => `command:local:Command::${c.name}`);
    // The 25 checks run in 12 commands, one per set of objects they test.
    expect(checkCommands).toHaveLength(12);
    for (const name of checkCommands) expect(dependencies.some((urn) => urn.endsWith(name))).toBe(true);
  });
});

describe("the defaults Pulumi.yaml declares", () => {
  it("build the tutorial's lab when the engine passes every one of them", async () => {
    const declared = (
      parse(readFileSync(path.resolve(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
        config: Record<string, { default: unknown }>;
      }
    ).config;
    const filled = Object.fromEntries(
      Object.entries(declared).map(([key, { default: value }]) => [
        key,
        typeof value === "object" ? JSON.stringify(value) : String(value),
      ]),
    );
    // Checks off: program.test.ts covers the default lab's checks; here only the values matter.
    const { cluster, program } = await runProgram({ ...filled, checks: "false" });
    expect(await valueOf(program.labs)).toEqual(["eg1", "eg2", "services"]);
    const provider = cluster.byName("pulumi:providers:kubernetes", "cluster");
    expect(provider.inputs).not.toHaveProperty("kubeconfig");
    expect(provider.inputs).not.toHaveProperty("context");
    expect(cluster.ofType("kubernetes:core/v1:Namespace").map((n) => metadataOf(n).name)).toEqual(["netlab"]);
    expect(cluster.ofType("kubernetes:core/v1:Pod").map((p) => metadataOf(p).name)).toEqual(
      expect.arrayContaining(["pod-demo", "pod-httpd", "pod-nginx"]),
    );
    const httpdPorts = specOf(cluster.byName("kubernetes:core/v1:Service", "svc-nodeport-httpd"))
      .ports as Fields[];
    expect(httpdPorts[0]).toMatchObject({ port: 3050, targetPort: 80, nodePort: 31000 });
  });
});

describe("checks off", () => {
  it("deploys the labs without probes or commands", async () => {
    const { cluster, program } = await runProgram({ labs: "eg1", checks: "false" });
    expect(cluster.ofType("kubernetes:core/v1:Pod").map((p) => metadataOf(p).name)).toEqual(["pod-demo"]);
    expect(cluster.ofType("command:local:Command")).toEqual([]);
    expect(await valueOf(program.report)).toBeUndefined();
    expect(await valueOf(program.summary)).toBeUndefined();
  });
});

describe("strict mode in a broken lab", () => {
  it("reports first, then fails the update naming each failed check", async () => {
    const { cluster, program } = await runProgram({ strict: "true" }, "broken", { runStrictGate: false });
    expect(await valueOf(program.summary)).toMatchObject({ passed: 0, failed: 30, skipped: 6, total: 36 });
    const gate = await cluster.settled("command:local:Command", "strict-gate");
    const env = { ...process.env, ...(gate.inputs.environment as Record<string, string>) };
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync("sh", ["-c", String(gate.inputs.create)], { encoding: "utf8", stdio: "pipe", env });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toMatch(
      /^strict mode: 30 of 36 checks failed: pod-demo\.localhost, pod-demo\.pod-ip, /,
    );
    // The gate repeats the report from its table on (the network lines above it are the run's, not a failure).
    const report = (await valueOf(program.report)) ?? "";
    expect(failure?.stderr).toContain(report.slice(report.indexOf("CHECK")));
  });
});
