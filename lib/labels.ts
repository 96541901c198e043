// The labels every lab object carries, and the security settings every lab pod runs with.

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
