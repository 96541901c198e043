// The e2e run's injected failure: svc-clusterip-nginx's targetPort set to 8080, where nothing in pod-nginx
// listens. The ClusterIP check waits for the endpoint (ready), then curl is refused (a real refusal, for the
// Service's name and port).
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import type { CheckResult } from "../../../../lib/checks/types";
import { adapted, byId, captured, E2E_FACTS, e2eLab, K, printed, withFault } from "./support";

const refused = (r: CheckResult) =>
  printed(r, adapted(captured("curl", "refused"), { "10.244.1.10 port 81": "svc-clusterip-nginx port 80" }));

const run = withFault((r) => (r.id === "service.svc-clusterip-nginx.cluster-ip" ? refused(r) : undefined));

describe("nothing-listens: the endpoint is ready, its targetPort is not served", () => {
  it("names the targetPort and the pod, and the port the pod did answer on", () => {
    const lab = e2eLab({ services: '{"nginx":{"targetPort":8080}}' });
    const results = diagnose(run, E2E_FACTS, lab);
    expect(byId(results, "service.svc-clusterip-nginx.cluster-ip").diagnosis).toEqual({
      rule: "nothing-listens",
      cause:
        "svc-clusterip-nginx lists pod-nginx as a ready endpoint, but the connection to targetPort 8080 is refused (pod-to-pod.pod-httpd.pod-nginx reached pod-nginx on port 80): nothing listens on targetPort 8080 in pod-nginx",
      summary: "nothing listens on targetPort 8080 in pod-nginx",
      see:
        `${K} describe service svc-clusterip-nginx --namespace netlab && ` +
        `${K} get pod pod-nginx --namespace netlab --output 'jsonpath={range .spec.containers[*]}{.name}{" ports "}{.ports[*].containerPort}{"\\n"}{end}'`,
    });
  });

  it("says what it knows when the lab does not know the Service", () => {
    const results = diagnose(run, E2E_FACTS, { ...e2eLab(), services: [] });
    expect(byId(results, "service.svc-clusterip-nginx.cluster-ip").diagnosis?.summary).toBe(
      "nothing listens on the targetPort of svc-clusterip-nginx",
    );
  });

  it("is not the cause when the pod answered on that very port by its own IP", () => {
    const results = diagnose(run, E2E_FACTS, e2eLab());
    expect(byId(results, "service.svc-clusterip-nginx.cluster-ip").diagnosis?.rule).toBe("failure-kind");
  });
});
