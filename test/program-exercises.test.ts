// index.ts with a break-it exercise on: the mistake is in the lab's own objects (and nowhere else), the checks
// judge it into the `exercise` output and the report's first line, and strict mode does not fail on it.
import { describe, expect, it } from "vitest";
import { runProgram, valueOf } from "./support/pulumiMocks";

type Fields = Record<string, unknown>;
const specOf = (r: { inputs: Fields }) => r.inputs.spec as Fields;
const POD = "kubernetes:core/v1:Pod";
const SERVICE = "kubernetes:core/v1:Service";
const SELECTOR_LABEL = "k8s-networking-lab/pod";

describe("no exercise", () => {
  it("leaves every object as the tutorial has it, and exports no exercise", async () => {
    const { cluster, program } = await runProgram({});
    expect(await valueOf(program.exercise)).toBeUndefined();
    expect(specOf(cluster.byName(POD, "pod-demo"))).not.toHaveProperty("dnsPolicy");
    expect(specOf(cluster.byName(SERVICE, "svc-clusterip-nginx")).selector).toEqual({
      [SELECTOR_LABEL]: "pod-nginx",
    });
    expect(String(await valueOf(program.report)).split("\n")[0]).toMatch(/^network: /);
  });
});

describe("wrong-target-port, under strict mode", () => {
  it("sends svc-clusterip-nginx to port 8080; the refusal is diagnosed, the exercise passes, strict does not fail", async () => {
    const { cluster, program } = await runProgram({ exercise: "wrong-target-port", strict: "true" });
    const ports = specOf(cluster.byName(SERVICE, "svc-clusterip-nginx")).ports as Fields[];
    expect(ports[0]).toMatchObject({ port: 80, targetPort: 8080 });
    expect((specOf(cluster.byName(SERVICE, "svc-nodeport-httpd")).ports as Fields[])[0]).toMatchObject({
      targetPort: 80,
    });
    // The outputs describe the Service as deployed.
    const endpoints = await valueOf(program.serviceEndpoints);
    expect(endpoints.map((s) => [s.name, s.targetPort])).toEqual([
      ["svc-nodeport-httpd", 80],
      ["svc-clusterip-nginx", 8080],
      // The IPv6 checks' Service of pod-nginx is not the exercise's: it keeps its target port.
      ["svc-dualstack-nginx", 80],
    ]);
    const exercise = await valueOf(program.exercise);
    expect(exercise).toMatchObject({
      name: "wrong-target-port",
      outcome: "passed",
      expected: { failing: ["service.svc-clusterip-nginx.cluster-ip"], rule: "nothing-listens" },
      observed: {
        failing: ["service.svc-clusterip-nginx.cluster-ip"],
        rules: { "service.svc-clusterip-nginx.cluster-ip": "nothing-listens" },
      },
    });
    const report = String(await valueOf(program.report));
    expect(report.split("\n")[0]).toMatch(
      /^exercise wrong-target-port: PASSED \(.*nothing listens on targetPort 8080 in pod-nginx/,
    );
    const gate = await cluster.settled("command:local:Command", "strict-gate");
    expect(gate.inputs.environment).toMatchObject({ NETLAB_FAILED_CHECKS: "0" });
    expect(gate.state.stdout).toMatch(
      /^strict mode: no unexpected failure \(\d+ passed; 1 failed as the exercise expects\)$/,
    );
  });
});

describe("selector-typo", () => {
  it("misspells svc-clusterip-nginx's selector; the check finds no endpoint and the exercise passes", async () => {
    // A short exec deadline: the check waits that long for an endpoint that never comes.
    const { cluster, program } = await runProgram({
      exercise: "selector-typo",
      checkConnectTimeoutSeconds: "2",
      checkMaxTimeSeconds: "4",
      checkExecTimeoutSeconds: "5",
    });
    expect(specOf(cluster.byName(SERVICE, "svc-clusterip-nginx")).selector).toEqual({
      [SELECTOR_LABEL]: "pod-ngnix",
    });
    expect(specOf(cluster.byName(SERVICE, "svc-nodeport-httpd")).selector).toEqual({
      [SELECTOR_LABEL]: "pod-httpd",
    });
    expect(await valueOf(program.exercise)).toMatchObject({
      outcome: "passed",
      observed: { rules: { "service.svc-clusterip-nginx.cluster-ip": "no-endpoint" } },
    });
  });
});

describe("dns-nowhere", () => {
  it("gives pod-demo alone its own DNS settings, pointing at an address nothing answers", async () => {
    const { cluster, program } = await runProgram({ exercise: "dns-nowhere", namespace: "class-1" });
    expect(specOf(cluster.byName(POD, "pod-demo"))).toMatchObject({
      dnsPolicy: "None",
      dnsConfig: {
        nameservers: ["192.0.2.53"],
        searches: ["class-1.svc.cluster.local", "svc.cluster.local", "cluster.local"],
        options: [{ name: "ndots", value: "5" }],
      },
    });
    for (const pod of ["pod-httpd", "pod-nginx", "netlab-dns-probe"]) {
      expect(specOf(cluster.byName(POD, pod))).not.toHaveProperty("dnsPolicy");
    }
    // The pretended cluster answers every lookup whatever the pod's settings: the mistake cannot show here,
    // and the exercise says so (e2e/lab/run.sh shows it on a real cluster).
    const exercise = await valueOf(program.exercise);
    expect(exercise?.outcome).toBe("failed");
    expect(exercise?.sentence).toBe(
      "dns.resolv-conf.pod-demo, service.svc-nodeport-httpd.cluster-ip, service.svc-clusterip-nginx.cluster-ip did not fail: the mistake did not show.",
    );
  });
});
