// The last rule: a failure no other check explains is said in plain words, with its own rerun.
import { describe, expect, it } from "vitest";
import { diagnose } from "../../../../lib/checks/diagnosis";
import { labFixture } from "../../results/fixtures";
import { byId, E2E_FACTS, e2eLab } from "./support";

describe("failure-kind: what failed, in plain words", () => {
  // The hand-made fixture: kubectl could not exec into cntr-centos; pod-nginx's resolv.conf has ndots:2.
  const results = diagnose(labFixture("lab-with-failures").results, E2E_FACTS, e2eLab());

  it("says the probe could not run, so the network was not tested", () => {
    const failed = byId(results, "pod-demo.shared-network");
    expect(failed.diagnosis).toEqual({
      rule: "failure-kind",
      cause:
        "the probe itself could not run (kubectl, or the command in the pod, failed), so the network was not tested, and no other check of this run shows why: rerun it and read what it prints",
      summary: "the probe could not run",
      see: failed.command,
    });
  });

  it("never says two such failures share a cause", () => {
    expect(byId(results, "dns.resolv-conf.pod-nginx").diagnosis).toMatchObject({
      rule: "failure-kind",
      summary: "wrong answer",
    });
    expect(results.filter((r) => r.diagnosis?.rule === "failure-kind" && r.diagnosis.sharedBy)).toEqual([]);
  });
});
