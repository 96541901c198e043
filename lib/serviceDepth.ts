// The chapter after the tutorial: what a Service really promises. Two backends that say who answered and
// whom they saw (the Kubernetes e2e suite's `agnhost netexec`), and the Services that show load balancing,
// session affinity, externalTrafficPolicy and a Service without endpoints. Names and numbers only.

/** The two backends: one agnhost each, on different nodes when the cluster has several. */
export const BACKENDS = {
  pair: "backends",
  first: "pod-backend-a",
  second: "pod-backend-b",
  container: "cntr-agnhost",
  port: 8080,
  /** `agnhost netexec` answers /hostname (the pod's name) and /clientip (the source address it saw). */
  args: ["netexec", "--http-port=8080"],
} as const;

/** The Services of the chapter, each on port 80 to the backends' 8080. */
export const DEPTH_SERVICES = {
  /** NodePort over both backends, externalTrafficPolicy Cluster: load-balanced, source rewritten. */
  spread: "svc-backends",
  /** ClusterIP over both backends with sessionAffinity ClientIP: one backend per client. */
  sticky: "svc-backends-sticky",
  /** NodePort over the first backend only, externalTrafficPolicy Local: only its node answers, source kept. */
  local: "svc-backend-local",
  /** ClusterIP whose selector matches no pod: refused at once. */
  nowhere: "svc-nowhere",
} as const;

export const DEPTH_SERVICE_PORT = 80;

/** Requests a load-balancing or affinity check sends: enough that two backends both answer by chance. */
export const DEPTH_REQUESTS = 12;

/** The selector of a Service whose selector matches no pod. */
export const NOWHERE_SELECTOR = { "k8s-networking-lab/pod": "nowhere" };

/**
 * The large body of the transfer checks: random bytes, base64-encoded into 64 KiB of text, sent and read back
 * (agnhost's /echo returns it): far above any MTU, so that a path that drops large packets shows.
 */
export const LARGE_BODY = { randomBytes: 49152, bytes: 65536 } as const;
