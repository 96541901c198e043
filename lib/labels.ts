// The labels every lab object carries, and the security settings and resources every lab pod runs with.

/** The label that selects exactly one lab pod (or the node probes' pods). */
export const POD_SELECTOR_LABEL = "k8s-networking-lab/pod";

/** Marks every object of the lab, so that objects of its names made by hand are told apart. */
export const PART_OF_LABEL = "app.kubernetes.io/part-of";
export const PART_OF_VALUE = "k8s-networking-lab";
export const PART_OF = { [PART_OF_LABEL]: PART_OF_VALUE } as const;

/** Every lab pod: the container runtime's default seccomp profile, as Pod Security "restricted" asks. */
export const POD_SECURITY_CONTEXT = { seccompProfile: { type: "RuntimeDefault" } };

export interface ContainerSecurityContext {
  privileged: false;
  allowPrivilegeEscalation: false;
  capabilities?: { drop: string[] };
}

/** Every lab container: never privileged, no privilege escalation, and no capabilities where none is needed. */
export function containerSecurityContext(dropAllCapabilities = false): ContainerSecurityContext {
  return {
    privileged: false,
    allowPrivilegeEscalation: false,
    ...(dropAllCapabilities ? { capabilities: { drop: ["ALL"] } } : {}),
  };
}

/** What a container asks the scheduler for (requests) and may use at most (limits). */
export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

// Why every lab container has both: a class runs one lab per learner on a shared cluster, and a namespace
// with a ResourceQuota on requests or limits admits only pods that state them. Requests are what the
// scheduler reserves, so they are small enough for thirty labs to fit on a few small nodes: the lab's
// containers idle between checks. Limits only stop a container that runs away, so they sit well above
// what these processes need.
//
// CPU: a limit throttles a container to its share of each 100 ms period. Checks time TCP connects and run
// under timeouts, and a node probe starts its batch of probes side by side (lib/checks/batch.sh): half a
// CPU lets such a burst through, so that a throttled probe is not read as a slow network.

/**
 * A web server: httpd (event MPM: a parent and a few child processes of threads) or nginx. Memory: nginx's
 * `worker_processes auto` starts one worker per CPU of the node, not of the container's limit, each with a
 * MiB or two of its own, so the limit leaves room for a node of about a hundred CPUs; httpd's children stay
 * well under it. The request covers httpd at rest, and nginx on a node of a dozen CPUs or so; a container
 * above its request is only the first to be evicted when its node runs short of memory.
 */
export const SERVER_CONTAINER_RESOURCES: ContainerResources = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/**
 * A client or probe: the tutorial's bash loop that curls every ten seconds, the DNS probe (nslookup) and the
 * node probes (curl, ip), which idle in `sleep` until a check runs a batch of probes side by side in them.
 * Each probe process (curl, bind's nslookup) holds a few MiB of its own; the limit fits a batch of a dozen.
 */
export const CLIENT_CONTAINER_RESOURCES: ContainerResources = {
  requests: { cpu: "5m", memory: "16Mi" },
  limits: { cpu: "500m", memory: "128Mi" },
};
