// diagnose over whole runs: every failure gets a diagnosis, shared causes list their checks, and the
// report and JUnit show them.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { diagnose, type DiagnosisRule, RULES } from "../../../../lib/checks/diagnosis";
import { KUBERNETES_DEFAULT_ID, lookedUpService } from "../../../../lib/checks/diagnosis/run";
import { planChecks } from "../../../../lib/checks/plan";
import { formatReport } from "../../../../lib/checks/report";
import type { CheckResult } from "../../../../lib/checks/types";
import { formatJUnit } from "../../../../lib/results/junit";
import { labFixture, RESULTS_FIXTURES_DIR } from "../../results/fixtures";
import { TWO_NODES, topologyOf } from "../scenarios/lab";
import { adapted, byId, captured, E2E_FACTS, E2E_RESULTS, e2eLab, K, printed, withFault } from "./support";

/** CoreDNS scaled to zero, and pod-demo's exec failing: one shared cause, one of its own. */
function dnsDownAndOneExecError(): CheckResult[] {
  const refused = captured("nslookup-bind", "port-unreachable");
  const unresolved = captured("curl", "resolve-failure");
  return withFault((r) => {
    if (r.via === "dns") return printed(r, refused);
    if (r.via === "cluster-ip") {
      return printed(
        r,
        adapted(unresolved, { "no-such-svc.invalid": r.to.kind === "service" ? r.to.service : "" }),
      );
    }
    if (r.id === "pod-demo.hostname") {
      return {
        ...r,
        outcome: "failed",
        failure: "exec-error",
        observed:
          'kubectl failed (exit 1, 3 attempt(s)): error: unable to upgrade connection: container not found ("cntr-centos")',
      };
    }
    return undefined;
  });
}

describe("diagnose", () => {
  it("diagnoses every failed check and no other", () => {
    for (const run of [labFixture("lab-with-failures").results, dnsDownAndOneExecError(), E2E_RESULTS]) {
      for (const result of diagnose(run, E2E_FACTS, e2eLab())) {
        expect(result.diagnosis !== undefined).toBe(result.outcome === "failed");
      }
    }
  });

  it("leaves a run that passed as it was", () => {
    expect(diagnose(E2E_RESULTS, E2E_FACTS, e2eLab())).toEqual(E2E_RESULTS);
  });

  it("lists the checks of a shared cause only where several have it", () => {
    const results = diagnose(dnsDownAndOneExecError(), E2E_FACTS, e2eLab());
    expect(byId(results, "dns.kubernetes-default").diagnosis?.sharedBy).toHaveLength(15);
    expect(byId(results, "pod-demo.hostname").diagnosis?.sharedBy).toBeUndefined();
  });

  it("takes the first rule that explains a failure, and falls back on the failure's kind", () => {
    const never: DiagnosisRule = { name: "never", shared: true, explain: () => undefined };
    const always: DiagnosisRule = {
      name: "always",
      shared: true,
      explain: () => ({ cause: "one cause", summary: "one", see: "kubectl get pods" }),
    };
    const run = labFixture("lab-with-failures").results;
    const first = diagnose(run, E2E_FACTS, e2eLab(), [never, always, ...RULES]);
    expect(first.filter((r) => r.outcome === "failed").every((r) => r.diagnosis?.rule === "always")).toBe(
      true,
    );
    const none = diagnose(run, E2E_FACTS, e2eLab(), [never]);
    expect(byId(none, "pod-to-pod.pod-httpd.pod-nginx").diagnosis).toMatchObject({
      rule: "failure-kind",
      summary: "no answer in time",
    });
  });

  it("knows the ids the planner gives the DNS checks", () => {
    const topology = topologyOf();
    const lookups = planChecks(topology, TWO_NODES).filter((plan) => plan.via === "dns");
    const services = [...topology.services, ...(topology.dualStack ? [topology.dualStack.service] : [])].map(
      (service) => service.name,
    );
    expect(lookups.map((plan) => plan.id)).toContain("ipv6.dns.svc-dualstack-nginx.aaaa");
    for (const plan of lookups) {
      const service = lookedUpService({
        ...plan,
        command: "",
        observed: "",
        outcome: "failed",
        section: "dns",
        durationMs: 0,
        attempts: 0,
      });
      if (plan.id === KUBERNETES_DEFAULT_ID) expect(service).toBeUndefined();
      else expect(services).toContain(service);
    }
    expect(lookups.map((plan) => plan.id)).toContain(KUBERNETES_DEFAULT_ID);
  });
});

describe("the report of a diagnosed run", () => {
  const results = diagnose(dnsDownAndOneExecError(), E2E_FACTS, e2eLab());
  const report = formatReport(results);

  it("says a shared cause once, first, with its command and checks", () => {
    const lines = report.split("\n");
    expect(lines[0]).toBe(
      "15 failures share one cause: kube-dns (10.96.0.10) does not answer at all (nothing answered kubernetes.default either; every query was refused, as by a Service without a ready endpoint): cluster DNS is down",
    );
    expect(lines[1]).toBe(
      `  see:    ${K} get pods --namespace kube-system --selector k8s-app=kube-dns --output wide && ${K} get endpointslices --namespace kube-system --selector kubernetes.io/service-name=kube-dns`,
    );
    expect(lines[2]).toMatch(
      /^ {2}checks: dns\.svc-nodeport-httpd\.short, .*, service\.svc-clusterip-nginx\.cluster-ip$/,
    );
    expect(lines[3]).toBe("");
    expect(lines[4]).toMatch(/^CHECK +RESULT/);
    expect(report.match(/share one cause/g)).toHaveLength(1);
  });

  it("refers to it briefly under each of its failures", () => {
    const failure = report.slice(report.indexOf("FAILED dns.kubernetes-default:"));
    expect(failure.split("\n").slice(4, 7)).toEqual([
      expect.stringMatching(/^ {2}observed: nothing listens on 10\.96\.0\.10 port 53/),
      "  cause:    cluster DNS is down (the cause 15 failures share, above)",
      expect.stringMatching(/^ {2}rerun: {4}kubectl .* nslookup kubernetes\.default$/),
    ]);
  });

  it("gives a cause of its own in full under its failure, without repeating the rerun", () => {
    const failure = report.slice(report.indexOf("FAILED pod-demo.hostname:")).split("\n");
    expect(failure[5]).toBe(
      "  cause:    the probe itself could not run (kubectl, or the command in the pod, failed), so the network was not tested, and no other check of this run shows why: rerun it and read what it prints",
    );
    expect(failure[6]).toMatch(/^ {2}rerun: /);
  });

  it("shows a cause that is not shared with the command that shows it", () => {
    const refused = captured("curl", "refused");
    const run = withFault((r) =>
      r.id === "service.svc-nodeport-httpd.node-port.other-node"
        ? printed(r, adapted(refused, { "10.244.1.10 port 81": "10.250.0.2 port 31000" }))
        : undefined,
    );
    const text = formatReport(diagnose(run, E2E_FACTS, e2eLab()));
    expect(text).not.toContain("share one cause");
    expect(text).toContain(
      `\n  see:      ${K} get pods --namespace kube-system --field-selector spec.nodeName=netlab-e2e-node-2 --output wide\n  rerun:    `,
    );
  });
});

describe("JUnit of a diagnosed run", () => {
  const xml = formatJUnit(diagnose(dnsDownAndOneExecError(), E2E_FACTS, e2eLab()));

  it("puts the cause in the failure's message and body", () => {
    expect(xml).toContain("cause: kube-dns (10.96.0.10) does not answer at all");
    expect(xml).toContain("\ncause:    kube-dns (10.96.0.10) does not answer at all");
    expect(xml).toContain("\nshared:   dns.svc-nodeport-httpd.short, ");
  });

  it("is valid against the JUnit schema", async () => {
    const schema = readFileSync(path.join(RESULTS_FIXTURES_DIR, "schema", "junit-10.xsd"), "utf8");
    const result = await validateXML({
      xml: [{ fileName: "junit.xml", contents: xml }],
      schema: [{ fileName: "junit-10.xsd", contents: schema }],
    });
    expect(result.errors).toEqual([]);
  });
});
