// Objects in the lab's namespace that carry a lab object's name but were not made by the lab: the tutorial's
// own YAML applied by hand, say. Creating them again would fail with AlreadyExists (or, when the provider
// applies server-side, with a pod "Forbidden" error that names neither cause nor cure), so the lab stops
// first and says which objects and the ways out. Pure.
import type { LabTopology } from "./checks/lab";
import { shellJoin } from "./shell";
import { DNS_PROBE, NODE_PROBE } from "./tutorial";

export type LabObjectKind = "Namespace" | "Pod" | "Service" | "DaemonSet";

export interface LabObject {
  kind: LabObjectKind;
  name: string;
}

/** An object found in the namespace, as the discovery lists it (lib/cluster.ts). */
export interface NamespaceObject extends LabObject {
  labels: Record<string, string>;
}

/** The label every object of the lab carries. */
export interface OwnLabel {
  key: string;
  value: string;
}

/** The namespace (when the lab creates it), pods, Services and DaemonSet the lab would create. */
export function labObjects(
  topology: LabTopology,
  checksEnabled: boolean,
  createNamespace: boolean,
): LabObject[] {
  const pods = [
    topology.demo?.pod,
    topology.pair?.first.pod,
    topology.pair?.second.pod,
    ...(topology.depth?.backends.map((backend) => backend.pod) ?? []),
  ];
  const services = [
    ...topology.services.map(({ name }) => name),
    ...(topology.dualStack === undefined ? [] : [topology.dualStack.service.name]),
    ...Object.values(topology.depth?.services ?? {}),
  ];
  return [
    ...(createNamespace ? [{ kind: "Namespace" as const, name: topology.namespace }] : []),
    ...pods.flatMap((name) => (name === undefined ? [] : [{ kind: "Pod" as const, name }])),
    ...services.map((name) => ({ kind: "Service" as const, name })),
    ...(checksEnabled ? [{ kind: "Pod" as const, name: DNS_PROBE.podName }] : []),
    ...(checksEnabled && topology.probes.node !== undefined
      ? [{ kind: "DaemonSet" as const, name: NODE_PROBE.name }]
      : []),
  ];
}

/** The objects of `existing` that take a name of `wanted` without carrying the lab's label. */
export function foreignObjects(
  wanted: readonly LabObject[],
  existing: readonly NamespaceObject[],
  own: OwnLabel,
): LabObject[] {
  return wanted.filter((object) =>
    existing.some(
      (found) =>
        found.kind === object.kind && found.name === object.name && found.labels[own.key] !== own.value,
    ),
  );
}

const describe = (objects: readonly LabObject[]) =>
  objects.map(({ kind, name }) => `${kind.toLowerCase()} ${name}`).join(", ");

/**
 * Why the lab cannot be built beside these objects, or undefined. Pods, Services and the DaemonSet made by
 * hand must go: a pod's containers cannot change once it exists, and adopting a Service made with
 * `kubectl apply` fails on the fields kubectl owns (or keeps its selector). A namespace can be used as it
 * is, or adopted (`upsertExisting`).
 */
export function leftoverProblem(
  namespace: string,
  foreign: readonly LabObject[],
  upsertExisting: boolean,
  own: OwnLabel,
): string | undefined {
  const blocking = upsertExisting ? foreign.filter((object) => object.kind !== "Namespace") : foreign;
  if (blocking.length === 0) return undefined;
  const inside = blocking.filter((object) => object.kind !== "Namespace");
  const found =
    `${describe(blocking)} already ${blocking.length === 1 ? "exists" : "exist"}` +
    (inside.length === blocking.length ? ` in namespace ${namespace}, ` : ", ") +
    `not made by the lab (no label ${own.key}=${own.value}), so the lab cannot create its own.`;
  const ways = [found];
  if (inside.length > 0) {
    const deleteCommand = shellJoin([
      "kubectl",
      "delete",
      "--namespace",
      namespace,
      ...inside.map(({ kind, name }) => `${kind.toLowerCase()}/${name}`),
    ]);
    ways.push(
      `Delete ${inside.length === 1 ? "it" : "them"}: ${deleteCommand} (the lab cannot adopt ` +
        `${inside.length === 1 ? "it" : "them"}: a pod's containers cannot change once it exists, and a ` +
        "Service or DaemonSet made by hand keeps the fields kubectl set).",
    );
  }
  if (blocking.length > inside.length) {
    ways.push(
      `Use namespace ${namespace} as it is: pulumi config set createNamespace false; or let the lab adopt ` +
        "it: pulumi config set upsertExisting true.",
    );
  }
  return ways.join(" ");
}
