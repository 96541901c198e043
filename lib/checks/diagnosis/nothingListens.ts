// A connection through a Service is refused while the Service lists its pod as a ready endpoint (the check
// waited for that): the Service sends to a targetPort nothing in the pod listens on.
import {
  andThen,
  type DiagnosisRule,
  kubectl,
  listed,
  passedChecks,
  type Run,
  someIds,
  targetPort,
  throughService,
} from "./run";

/** Checks that reached the pod by its own IP, and on which ports. */
function reachedDirectly(run: Run, pod: string) {
  const direct = passedChecks(run, (r) => r.via === "pod-ip" && r.to.kind === "pod" && r.to.pod === pod);
  const ports = [...new Set(direct.map(targetPort))].filter((port) => port !== undefined);
  return { direct, ports };
}

export const nothingListens: DiagnosisRule = {
  name: "nothing-listens",
  shared: true,
  explain(failed, run) {
    const service = throughService(failed);
    if (service === undefined || failed.failure !== "refused") return undefined;
    if (passedChecks(run, (r) => throughService(r) === service).length > 0) return undefined;
    const { namespace } = run.lab;
    const describe = kubectl(run.lab, "describe", "service", service, "--namespace", namespace);
    const ref = run.lab.services.find((s) => s.name === service);
    if (ref === undefined) {
      return {
        cause: `${service} lists a ready endpoint, but the connection to it is refused: nothing listens on the Service's targetPort in its endpoint pod`,
        summary: `nothing listens on the targetPort of ${service}`,
        see: describe,
      };
    }
    const { pod, port } = ref.target;
    const { direct, ports } = reachedDirectly(run, pod);
    // The pod answering on that very port by its own IP would make this something else.
    if (ports.includes(port)) return undefined;
    const seen =
      direct.length === 0 ? "" : ` (${someIds(direct)} reached ${pod} on port ${listed(ports.map(String))})`;
    return {
      cause: `${service} lists ${pod} as a ready endpoint, but the connection to targetPort ${port} is refused${seen}: nothing listens on targetPort ${port} in ${pod}`,
      summary: `nothing listens on targetPort ${port} in ${pod}`,
      see: andThen(
        describe,
        kubectl(
          run.lab,
          "get",
          "pod",
          pod,
          "--namespace",
          namespace,
          "--output",
          'jsonpath={range .spec.containers[*]}{.name}{" ports "}{.ports[*].containerPort}{"\\n"}{end}',
        ),
      ),
    };
  },
};
