// No lookup from the DNS probe got an answer, yet a pod on another node reached a Service by its name: kube-dns
// is up, and what is lost is the way from the probe's node to it.
import {
  type DiagnosisRule,
  lookupsMade,
  KUBERNETES_DEFAULT_ID,
  kubeDnsPods,
  listed,
  passedChecks,
  someIds,
  unanswered,
} from "./run";

export const dnsFromOneNode: DiagnosisRule = {
  name: "dns-from-one-node",
  shared: true,
  explain(failed, run) {
    const node = failed.sourceNode;
    if (!unanswered(failed) || node === undefined) return undefined;
    const lookups = lookupsMade(run);
    if (!lookups.every(unanswered)) return undefined;
    const byName = passedChecks(
      run,
      (r) => r.via === "cluster-ip" && r.sourceNode !== undefined && r.sourceNode !== node,
    );
    if (byName.length === 0) return undefined;
    const nodes = [...new Set(byName.map((r) => r.sourceNode as string))];
    const notEven = lookups.some((r) => r.id === KUBERNETES_DEFAULT_ID)
      ? ", not even kubernetes.default"
      : "";
    return {
      cause: `no lookup from ${failed.source} on ${node} got an answer${notEven}, but pods on ${listed(nodes)} reach Services by their names (${someIds(byName)}): kube-dns is up, and DNS traffic from ${node} does not reach it`,
      summary: `DNS traffic from ${node} does not reach kube-dns`,
      // Where kube-dns's pods run: the other end of the path that loses the queries.
      see: kubeDnsPods(run.lab),
    };
  },
};
