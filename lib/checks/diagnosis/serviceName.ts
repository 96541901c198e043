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
  type Run,
  someIds,
  throughService,
} from "./run";

/** A lookup that kube-dns answered "no such name". */
const nxdomain = (result: CheckResult): boolean =>
  lookedUpService(result) !== undefined &&
  result.failure === "dns-failure" &&
  /nxdomain/i.test(result.observed);

/**
 * The Service whose name did not resolve in this check, if that is how it failed; or whose endpoints could
 * not be read while kube-dns has no such name (a Service that is gone has no EndpointSlice either).
 */
function unresolvedService(result: CheckResult, run: Run): string | undefined {
  if (nxdomain(result)) return lookedUpService(result);
  const service = throughService(result);
  if (service === undefined) return undefined;
  if (result.failure === "dns-failure" && failedAtName(result)) return service;
  const unknown = failedChecks(run, (r) => nxdomain(r) && lookedUpService(r) === service).length > 0;
  return result.failure === "no-endpoint" && unknown ? service : undefined;
}

export const serviceNameMissing: DiagnosisRule = {
  name: "service-name-missing",
  shared: true,
  explain(failed, run) {
    const service = unresolvedService(failed, run);
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

/** The pod whose checks by a Service's name failed at the name, as this check shows it. */
function clientOf(failed: CheckResult, run: Run): string | undefined {
  if (failed.via === "cluster-ip")
    return failedAtName(failed) && failed.from.kind === "pod" ? failed.from.pod : undefined;
  // Its resolv.conf check, when it failed too: the same broken link, seen from the file.
  const pod = /^dns\.resolv-conf\.(.+)$/.exec(failed.id)?.[1];
  return pod !== undefined && unresolvedBy(run, pod).length > 0 ? pod : undefined;
}

const unresolvedBy = (run: Run, pod: string): CheckResult[] =>
  failedChecks(run, (r) => failedAtName(r) && r.from.kind === "pod" && r.from.pod === pod);

export const clientCannotResolve: DiagnosisRule = {
  name: "client-cannot-resolve",
  shared: true,
  explain(failed, run) {
    const pod = clientOf(failed, run);
    const answered = passedChecks(run, (r) => lookedUpService(r) !== undefined);
    if (pod === undefined || answered.length === 0) return undefined;
    // One cause per client pod: every Service name it could not resolve, and what its resolv.conf check saw.
    const unresolved = unresolvedBy(run, pod);
    const names = [...new Set(unresolved.map(throughService))].filter((name) => name !== undefined);
    const resolvConf = run.results.find((r) => r.id === `dns.resolv-conf.${pod}`);
    const conf =
      resolvConf?.outcome === "failed"
        ? ` (its /etc/resolv.conf check failed too: ${resolvConf.observed})`
        : "";
    const client = unresolved[0]?.from;
    const container = client?.kind === "pod" ? client.container : undefined;
    return {
      cause: `kube-dns answers Service names (${someIds(answered)} from ${answered[0]?.source ?? "the DNS probe"}), but ${pod} could not resolve ${listed(names)}${conf}: ${conf === "" ? `${pod}'s DNS settings, or its way to kube-dns, are broken` : `${pod}'s DNS settings are wrong`}`,
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
