// A Service's name does not resolve while kube-dns answers: either kube-dns has no such name (the Service is
// missing, or elsewhere), or it has and the client pod could not ask for it.
import type { CheckResult } from "../types";
import {
  aboutService,
  type DiagnosisRule,
  failedAtName,
  failedChecks,
  KUBERNETES_DEFAULT_ID,
  kubectl,
  listed,
  lookedUpService,
  passedChecks,
  someIds,
  throughService,
} from "./run";

/** A lookup that kube-dns answered "no such name". */
const nxdomain = (result: CheckResult): boolean =>
  lookedUpService(result) !== undefined &&
  result.failure === "dns-failure" &&
  /nxdomain/i.test(result.observed);

/** The Service whose name did not resolve in this check, if that is how it failed. */
function unresolvedService(result: CheckResult): string | undefined {
  if (nxdomain(result)) return lookedUpService(result);
  return result.failure === "dns-failure" && failedAtName(result) ? throughService(result) : undefined;
}

export const serviceNameMissing: DiagnosisRule = {
  name: "service-name-missing",
  shared: true,
  explain(failed, run) {
    const service = unresolvedService(failed);
    if (service === undefined) return undefined;
    if (passedChecks(run, (r) => r.id === KUBERNETES_DEFAULT_ID).length === 0) return undefined;
    // Any name of the Service that resolved, or any check through it that passed, shows it exists.
    if (passedChecks(run, aboutService(service)).length > 0) return undefined;
    return {
      cause: `the name ${service} does not resolve, but kube-dns answered for kubernetes.default: the Service ${service} is missing or in another namespace than ${run.lab.namespace}`,
      summary: `the Service ${service} is missing or in another namespace`,
      see: kubectl(
        run.lab,
        "get",
        "services",
        "--all-namespaces",
        "--field-selector",
        `metadata.name=${service}`,
      ),
    };
  },
};

export const clientCannotResolve: DiagnosisRule = {
  name: "client-cannot-resolve",
  shared: true,
  explain(failed, run) {
    const service = throughService(failed);
    if (service === undefined || !failedAtName(failed) || failed.from.kind !== "pod") return undefined;
    if (passedChecks(run, (r) => lookedUpService(r) === service).length === 0) return undefined;
    const { pod, container } = failed.from;
    // One cause per client pod: every Service name it could not resolve, and every lookup that passed.
    const answered = passedChecks(run, (r) => lookedUpService(r) !== undefined);
    const unresolved = failedChecks(
      run,
      (r) => failedAtName(r) && r.from.kind === "pod" && r.from.pod === pod,
    );
    const names = [...new Set(unresolved.map(throughService))].filter((name) => name !== undefined);
    const resolvConf = run.results.find((r) => r.id === `dns.resolv-conf.${pod}`);
    const conf =
      resolvConf?.outcome === "failed"
        ? ` (its /etc/resolv.conf check failed too: ${resolvConf.observed})`
        : "";
    return {
      cause: `kube-dns answers Service names (${someIds(answered)} from ${answered[0]?.source ?? "the DNS probe"}), but ${pod} could not resolve ${listed(names)}${conf}: ${pod}'s DNS settings, or its way to kube-dns, are broken`,
      summary: `${pod} cannot resolve Service names`,
      see: kubectl(
        run.lab,
        "exec",
        "--namespace",
        run.lab.namespace,
        pod,
        ...(container === undefined ? [] : ["--container", container]),
        "--",
        "cat",
        "/etc/resolv.conf",
      ),
    };
  },
};
