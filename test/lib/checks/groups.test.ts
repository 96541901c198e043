import { describe, expect, it } from "vitest";
import { distinctSteps, groupChecks } from "../../../lib/checks/groups";
import { UNRESOLVED_FACTS } from "../../../lib/checks/lab";
import { planChecks } from "../../../lib/checks/plan";
import { testedKey } from "../../../lib/checks/tested";
import { parseLabConfig } from "../../../lib/config";
import { labTopology } from "../../../lib/topology";

const plans = planChecks(labTopology(parseLabConfig({}, { fileExists: () => true })), UNRESOLVED_FACTS);

describe("groupChecks", () => {
  const groups = groupChecks(plans);

  it("puts every check in exactly one group, with the checks that test the same objects", () => {
    expect(groups.flatMap((g) => g.ids).sort()).toEqual(plans.map((p) => p.id).sort());
    for (const group of groups) {
      for (const id of group.ids) {
        const plan = plans.find((p) => p.id === id);
        const keys = [...new Set(plan?.tests.map(testedKey))].sort();
        expect(keys).toEqual(group.tests.map(testedKey));
      }
    }
    expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
  });

  it("names each group after what it tests", () => {
    const named = Object.fromEntries(groups.map((g) => [g.name, g.ids]));
    expect(named["checks-cluster"]).toEqual(["dns.kube-dns-service"]);
    expect(named["checks-pod/netlab-dns-probe"]).toEqual([
      "dns.resolv-conf.netlab-dns-probe",
      "dns.kubernetes-default",
    ]);
    expect(named["checks-pod/pod-demo,probes/node"]).toEqual([
      "node-to-pod.pod-demo.same-node",
      "node-to-pod.pod-demo.other-node",
    ]);
    expect(groups).toHaveLength(16);
  });
});

describe("distinctSteps", () => {
  it("keeps one copy of a step two checks share, and where each check's steps are", () => {
    const resolvConf = plans.filter((p) => p.id.startsWith("dns.resolv-conf."));
    const { steps, indices } = distinctSteps(resolvConf);
    // Each check reads kube-dns's ClusterIP, then its own /etc/resolv.conf.
    expect(steps).toHaveLength(1 + resolvConf.length);
    expect(indices.map((i) => i[0])).toEqual(resolvConf.map(() => 0));
    expect(new Set(indices.map((i) => i[1])).size).toBe(resolvConf.length);
    resolvConf.forEach((plan, i) => {
      expect((indices[i] ?? []).map((index) => steps[index])).toEqual(plan.steps);
    });
  });
});
