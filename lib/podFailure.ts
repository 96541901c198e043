// Why a pod cannot start, read from the Pod object as `kubectl get pod -o json` prints it: the first
// container stuck in a state that more waiting will not cure (an image that cannot be pulled, a crash
// loop, a missing ConfigMap...), and the one line the lab shows about it. Pure; no Pulumi.

/** A container's state, as in core/v1 ContainerStatus. */
export interface ContainerStateJson {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string; finishedAt?: string };
}

export interface ContainerStatusJson {
  name: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerStateJson;
  lastState?: ContainerStateJson;
}

/** The parts of a core/v1 Pod this module reads. */
export interface PodJson {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    initContainers?: { name: string; image?: string }[];
    containers?: { name: string; image?: string }[];
  };
  status?: {
    phase?: string;
    initContainerStatuses?: ContainerStatusJson[];
    containerStatuses?: ContainerStatusJson[];
  };
}

export interface ContainerFailure {
  pod: string;
  namespace: string | undefined;
  container: string;
  initContainer: boolean;
  image: string;
  /** The kubelet's reason: ErrImagePull, ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError... */
  reason: string;
  /** The kubelet's message, on one line; empty when it gave none. */
  message: string;
  restartCount: number;
  /** How the container's last run ended, when it ran and stopped. */
  lastExit: { code: number; reason: string | undefined } | undefined;
}

/** Waiting reasons of a container still on its way up. */
const STARTING = new Set(["ContainerCreating", "PodInitializing"]);

/** Reasons that mean the image cannot be had: the image name or the node's access to it is at fault. */
const IMAGE_REASONS = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "ErrImageNeverPull",
  "InvalidImageName",
  "RegistryUnavailable",
  "ErrImageInspect",
  "SignatureValidationFailed",
]);

const oneLine = (text: string | undefined): string => (text ?? "").replace(/\s+/g, " ").trim();

function failureOf(status: ContainerStatusJson): { reason: string; message: string } | undefined {
  const waiting = status.state?.waiting;
  if (waiting !== undefined) {
    const reason = waiting.reason ?? "Waiting";
    return STARTING.has(reason) ? undefined : { reason, message: oneLine(waiting.message) };
  }
  const terminated = status.state?.terminated;
  if (terminated !== undefined && (terminated.exitCode ?? 0) !== 0) {
    const message = oneLine(terminated.message) || `exited with code ${terminated.exitCode}`;
    return { reason: terminated.reason ?? "Error", message };
  }
  return undefined;
}

/** Statuses in the order of the pod's spec (the kubelet sorts them by name), unknown names last. */
function inSpecOrder(
  statuses: readonly ContainerStatusJson[] | undefined,
  spec: readonly { name: string }[] | undefined,
): ContainerStatusJson[] {
  const order = new Map((spec ?? []).map((c, i) => [c.name, i]));
  const rank = (s: ContainerStatusJson) => order.get(s.name) ?? Number.MAX_SAFE_INTEGER;
  return [...(statuses ?? [])].sort((a, b) => rank(a) - rank(b));
}

/** The first container of the pod that cannot start, init containers first; undefined when none is stuck. */
export function podFailure(pod: PodJson): ContainerFailure | undefined {
  const groups = [
    { init: true, spec: pod.spec?.initContainers, statuses: pod.status?.initContainerStatuses },
    { init: false, spec: pod.spec?.containers, statuses: pod.status?.containerStatuses },
  ];
  for (const group of groups) {
    for (const status of inSpecOrder(group.statuses, group.spec)) {
      const failure = failureOf(status);
      if (failure === undefined) continue;
      const specImage = group.spec?.find((c) => c.name === status.name)?.image;
      const last = status.lastState?.terminated;
      return {
        pod: pod.metadata?.name ?? "(unnamed pod)",
        namespace: pod.metadata?.namespace,
        container: status.name,
        initContainer: group.init,
        // The spec's image is what the user wrote; the status may hold the runtime's normalized name.
        image: specImage ?? status.image ?? "",
        ...failure,
        restartCount: status.restartCount ?? 0,
        lastExit: last === undefined ? undefined : { code: last.exitCode ?? 0, reason: last.reason },
      };
    }
  }
  return undefined;
}

/** Every stuck pod of a `kubectl get pods -o json` list, one failure each. */
export function podListFailures(list: { items?: PodJson[] }): ContainerFailure[] {
  return (list.items ?? []).map(podFailure).filter((f): f is ContainerFailure => f !== undefined);
}

const MESSAGE_LENGTH = 300;

/** What to run to see more, for the kind of failure. */
export function podFailureHint(f: ContainerFailure): string {
  const ns = f.namespace === undefined ? "" : `-n ${f.namespace} `;
  if (IMAGE_REASONS.has(f.reason)) {
    return `check the image name and that the node has it or can pull it: kubectl ${ns}describe pod ${f.pod}`;
  }
  if (f.lastExit !== undefined || f.reason === "CrashLoopBackOff" || f.reason === "Error") {
    return `see its output: kubectl ${ns}logs ${f.pod} -c ${f.container} --previous`;
  }
  return `see the pod's events: kubectl ${ns}describe pod ${f.pod}`;
}

/**
 * The one line the lab shows, e.g.
 * `pod netlab/pod-demo cannot start: container cntr-httpd (image httpd:no-such-tag) ImagePullBackOff:
 * Back-off pulling image "httpd:no-such-tag": ...; check the image name ...: kubectl -n netlab describe pod pod-demo`.
 */
export function formatPodFailure(f: ContainerFailure): string {
  const pod = f.namespace === undefined ? f.pod : `${f.namespace}/${f.pod}`;
  const kind = f.initContainer ? "init container" : "container";
  const message =
    f.message.length <= MESSAGE_LENGTH ? f.message : `${f.message.slice(0, MESSAGE_LENGTH - 1)}…`;
  const exit =
    f.lastExit === undefined
      ? ""
      : ` (last run exited ${f.lastExit.code}${f.lastExit.reason ? ` ${f.lastExit.reason}` : ""}, ${f.restartCount} restart(s))`;
  const what = message === "" ? f.reason : `${f.reason}: ${message}`;
  return `pod ${pod} cannot start: ${kind} ${f.container} (image ${f.image}) ${what}${exit}; ${podFailureHint(f)}`;
}
