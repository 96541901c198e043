// A Service whose selector matches no pod (a typo in it), or whose pod is not ready: each check through it
// waits for its endpoint and fails as no-endpoint, with what the Service listed.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import type { CheckResult } from "../../../../lib/checks/types";
import { E2E_FACTS, e2eLab, endpointNeverReady, K, withFault } from "./support";

const throughHttpd = (r: CheckResult) =>
  r.via !== "dns" && r.to.kind === "service" && r.to.service === "svc-nodeport-httpd";

/** The run where the httpd Service listed `seen` (the wait's lines) instead of pod-httpd ready. */
const run = (seen: string) =>
  diagnose(
    withFault((r) => (throughHttpd(r) ? endpointNeverReady(r, "10.244.0.3", seen) : undefined)),
    E2E_FACTS,
    e2eLab(),
  );

describe("no-endpoint: the Service has no ready endpoint", () => {
  it("says the selector matches no running pod when the Service lists nothing", () => {
    const results = run("changed=2026-12-01T06:17:35Z\n");
    const failed = results.filter((r) => r.outcome === "failed");
    expect(failed.map((r) => r.id)).toEqual([
      "service.svc-nodeport-httpd.cluster-ip",
      "service.svc-nodeport-httpd.node-port.same-node",
      "service.svc-nodeport-httpd.node-port.other-node",
    ]);
    expect(failed[0]?.diagnosis).toEqual({
      rule: "no-endpoint",
      cause: "the Service svc-nodeport-httpd has no ready endpoint: its selector matches no running pod",
      summary: "the selector of svc-nodeport-httpd matches no running pod",
      see: `${K} describe service svc-nodeport-httpd --namespace netlab && ${K} get pods --namespace netlab --show-labels --output wide`,
      sharedBy: failed.map((r) => r.id),
    });
  });

  it("says the pod is not ready when the Service lists it as not ready", () => {
    const [first] = run("10.244.0.3=false\nchanged=2026-12-01T06:17:35Z\n").filter(
      (r) => r.outcome === "failed",
    );
    expect(first?.diagnosis?.cause).toBe(
      "the Service svc-nodeport-httpd has no ready endpoint: it selects pod-httpd (10.244.0.3), but that pod is not ready",
    );
  });

  it("says the selector matches other pods when the Service lists other addresses", () => {
    const [first] = run("10.244.0.9=true\nchanged=2026-12-01T06:17:35Z\n").filter(
      (r) => r.outcome === "failed",
    );
    expect(first?.diagnosis?.cause).toBe(
      "the Service svc-nodeport-httpd has no ready endpoint: its selector matches other pods (10.244.0.9), not pod-httpd (10.244.0.3)",
    );
  });
});
