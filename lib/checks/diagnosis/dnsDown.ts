// kube-dns answers nobody: every lookup went unanswered, kubernetes.default's too, and no check by a
// Service's name got past the name.
import type { CheckResult } from "../types";
import { crossNodeDrop } from "./crossNode";
import { nodeNotForwarding } from "./nodePort";
import {
  andThen,
  type DiagnosisRule,
  failedAtName,
  lookupsMade,
  KUBERNETES_DEFAULT_ID,
  kubeDnsPods,
  kubectl,
  passedChecks,
  type Run,
  unanswered,
} from "./run";

/** How the queries went unanswered, when they all went the same way. */
function how(lookups: readonly CheckResult[], run: Run): string[] {
  const notes: string[] = [];
  if (lookups.every((lookup) => lookup.failure === "refused")) {
    notes.push("every query was refused, as by a Service without a ready endpoint");
  } else if (lookups.every((lookup) => lookup.failure === "timeout")) {
    notes.push("every query timed out");
  }
  if (run.facts.kubeDnsNodes.length === 0) notes.push("no kube-dns endpoint was ready when the lab started");
  return notes;
}

export const dnsDown: DiagnosisRule = {
  name: "dns-down",
  shared: true,
  explain(failed, run) {
    if (!unanswered(failed) && !failedAtName(failed)) return undefined;
    const lookups = lookupsMade(run);
    if (lookups.length === 0 || !lookups.every(unanswered)) return undefined;
    // A check that reached a Service by its name had its name answered: kube-dns answers someone.
    if (passedChecks(run, (result) => result.via === "cluster-ip").length > 0) return undefined;
    // Lookups all made from the node whose kube-proxy the run found not forwarding say nothing of kube-dns:
    // that node translates no ClusterIP, kube-dns's included (cluster-ip-from-node says so).
    const notForwarding = nodeNotForwarding(run);
    if (notForwarding !== undefined && lookups.every((lookup) => lookup.sourceNode === notForwarding)) {
      return undefined;
    }
    // Lookups lost on their way to kube-dns's node say nothing of kube-dns itself.
    if (lookups.some((lookup) => crossNodeDrop.explain(lookup, run) !== undefined)) return undefined;
    const askedDefault = lookups.some((lookup) => lookup.id === KUBERNETES_DEFAULT_ID);
    const address = run.facts.kubeDnsIP === undefined ? "" : ` (${run.facts.kubeDnsIP})`;
    const notes = [
      ...(askedDefault ? ["nothing answered kubernetes.default either"] : []),
      ...how(lookups, run),
    ];
    return {
      cause: `kube-dns${address} does not answer at all${notes.length === 0 ? "" : ` (${notes.join("; ")})`}: cluster DNS is down`,
      summary: "cluster DNS is down",
      see: andThen(
        kubeDnsPods(run.lab),
        kubectl(
          run.lab,
          "get",
          "endpointslices",
          "--namespace",
          "kube-system",
          "--selector",
          "kubernetes.io/service-name=kube-dns",
        ),
      ),
    };
  },
};
