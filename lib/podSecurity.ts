// What the Pod Security level of the lab's namespace allows the lab to run.

import { POD_SECURITY_LEVELS, type PodSecurityLevel } from "./config";

export type { PodSecurityLevel };

/** The label the Pod Security admission reads on a namespace. */
export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

/** The level a namespace's labels enforce; no label means the cluster default, privileged on most clusters. */
export function enforcedLevel(labels: Readonly<Record<string, string>> | undefined): PodSecurityLevel {
  const value = labels?.[ENFORCE_LABEL];
  return (POD_SECURITY_LEVELS as readonly string[]).includes(value ?? "")
    ? (value as PodSecurityLevel)
    : "privileged";
}

const STRICTNESS: Record<PodSecurityLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

/** Why the node checks cannot run at this level (it forbids hostNetwork), or undefined when they can. */
export function nodeProbeSkipReason(level: PodSecurityLevel, namespace: string): string | undefined {
  if (STRICTNESS[level] < STRICTNESS.baseline) return undefined;
  return (
    `namespace ${namespace} enforces Pod Security "${level}", which forbids hostNetwork: the node probes ` +
    `cannot run, so the checks from a node's host network are skipped`
  );
}

/**
 * Why the lab cannot run at this level, or undefined when it can. Under "restricted" the tutorial's servers
 * cannot start: httpd and nginx run as root to listen on port 80, and the level requires runAsNonRoot, all
 * capabilities dropped (only NET_BIND_SERVICE may be added back) and no root user.
 */
export function labProblem(level: PodSecurityLevel): string | undefined {
  if (level !== "restricted") return undefined;
  return (
    `Pod Security "restricted" requires every container to run as a non-root user (runAsNonRoot) with all ` +
    `capabilities dropped; the tutorial's httpd and nginx images start as root to serve port 80, so their ` +
    `pods would be rejected. Use podSecurity "baseline" (the node checks are then skipped) or "privileged".`
  );
}
