import { describe, expect, it } from "vitest";
import { enforcedLevel, labProblem, nodeProbeSkipReason } from "../../lib/podSecurity";

describe("Pod Security levels", () => {
  it("reads the enforce label, privileged when there is none or it is unknown", () => {
    expect(enforcedLevel({ "pod-security.kubernetes.io/enforce": "baseline" })).toBe("baseline");
    expect(enforcedLevel({ "pod-security.kubernetes.io/warn": "restricted" })).toBe("privileged");
    expect(enforcedLevel(undefined)).toBe("privileged");
    expect(enforcedLevel({ "pod-security.kubernetes.io/enforce": "strict" })).toBe("privileged");
  });

  it("skips the node checks from baseline on, since hostNetwork is a host namespace", () => {
    expect(nodeProbeSkipReason("privileged", "netlab")).toBeUndefined();
    expect(nodeProbeSkipReason("baseline", "netlab")).toBe(
      'namespace netlab enforces Pod Security "baseline", which forbids hostNetwork: the node probes cannot run, so the checks from a node\'s host network are skipped',
    );
    expect(nodeProbeSkipReason("restricted", "netlab")).toMatch(/"restricted", which forbids hostNetwork/);
  });

  it("refuses restricted, saying which rules the tutorial's images break and what to do", () => {
    expect(labProblem("baseline")).toBeUndefined();
    expect(labProblem("restricted")).toMatch(
      /runAsNonRoot.*as root to serve port 80.*Use podSecurity "baseline"/,
    );
  });
});
