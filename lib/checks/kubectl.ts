// kubectl command lines for the checks and the discovery, built from the same kubeconfig and context as the
// lab's provider.
import { shellJoin } from "../shell";
import type { Step } from "./types";

export interface KubectlTarget {
  kubeconfig?: string;
  context?: string;
  /** Bounds each API request of kubectl itself. */
  requestTimeoutSeconds: number;
}

/** kubectl's flags for the lab's cluster: kubeconfig, context and a bound on each API request. */
export function globalFlags(target: KubectlTarget): string[] {
  return [
    ...(target.kubeconfig === undefined ? [] : ["--kubeconfig", target.kubeconfig]),
    ...(target.context === undefined ? [] : ["--context", target.context]),
    `--request-timeout=${target.requestTimeoutSeconds}s`,
  ];
}

/** Seconds past kubectl's own request timeout at which `timeout` ends a kubectl that still runs. */
const KUBECTL_GRACE_SECONDS = 5;

/**
 * A kubectl command line for the lab's cluster that cannot outlive its bound: `timeout` ends it a little
 * after its own request timeout, for the calls (the discovery, the node probes' listing) that make no steps.
 */
export function boundedKubectl(target: KubectlTarget, args: readonly string[]): string[] {
  return [
    "timeout",
    String(target.requestTimeoutSeconds + KUBECTL_GRACE_SECONDS),
    "kubectl",
    ...globalFlags(target),
    ...args,
  ];
}

/** The commands a user runs to repeat a check by hand: plain kubectl command lines, quoted for sh. */
export function displayCommand(steps: readonly Step[]): string {
  return steps.map((step) => shellJoin(step.argv)).join(" && ");
}

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** `kubectl exec` of `argv` in one container. */
export function execStep(target: KubectlTarget, where: ExecTarget, argv: readonly string[]): Step {
  return {
    kind: "exec",
    argv: [
      "kubectl",
      ...globalFlags(target),
      "exec",
      "--namespace",
      where.namespace,
      where.pod,
      "--container",
      where.container,
      "--",
      ...argv,
    ],
  };
}

/** Reads one field of an object through the API (`kubectl get -o jsonpath`). */
export function getFieldStep(
  target: KubectlTarget,
  resource: string,
  name: string,
  namespace: string,
  jsonPath: string,
): Step {
  return {
    kind: "get",
    argv: [
      "kubectl",
      ...globalFlags(target),
      "get",
      resource,
      name,
      "--namespace",
      namespace,
      "--output",
      `jsonpath={${jsonPath}}`,
    ],
  };
}

/** The EndpointSlice annotation with the time of the last pod or Service change the slice reflects. */
export const ENDPOINTS_CHANGED_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

/**
 * Polls a Service's EndpointSlices until they list `podIP` as ready: per endpoint a line "<address>=<ready>"
 * and a line "<address>@<node>" (the node it runs on, for the check's evidence), and per slice a line "changed=<time of its last change>" (empty when the slice does not say). A
 * Service is usable once its endpoint is ready and kube-proxy has synced, which the runner gives a moment
 * after it sees the endpoint, unless the last change is long past.
 */
export function waitForEndpointStep(
  target: KubectlTarget,
  namespace: string,
  service: string,
  podIP: string,
): Step {
  return {
    kind: "wait",
    until: `${podIP}=true`,
    argv: [
      "kubectl",
      ...globalFlags(target),
      "get",
      "endpointslices.discovery.k8s.io",
      "--namespace",
      namespace,
      "--selector",
      `kubernetes.io/service-name=${service}`,
      "--output",
      `jsonpath={range .items[*]}{range .endpoints[*]}{.addresses[0]}={.conditions.ready}{"\\n"}` +
        `{.addresses[0]}@{.nodeName}{"\\n"}{end}` +
        `changed={.metadata.annotations.${ENDPOINTS_CHANGED_ANNOTATION.replace(/\./g, "\\.")}}{"\\n"}{end}`,
    ],
  };
}
