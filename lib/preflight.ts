// What the lab checks on the live cluster before it builds anything, and the one reason it stops. Pure.
import type { LabTopology } from "./checks/lab";
import { type Discovery, placementProblem } from "./cluster";
import type { LabConfig } from "./config";
import { foreignObjects, labObjects, leftoverProblem, type OwnLabel } from "./leftovers";
import { enforcedLevel, labProblem, type PodSecurityLevel } from "./podSecurity";

/** The namespace's Pod Security level: the one the lab gives the namespace it creates, or the one it finds. */
export function namespaceLevel(config: LabConfig, found: Discovery): PodSecurityLevel {
  return config.createNamespace
    ? (config.podSecurity ?? "privileged")
    : enforcedLevel(found.cluster.namespaceLabels[config.namespace]);
}

/**
 * Why the lab cannot be built on this cluster, or undefined: a placement the nodes cannot honour, a Pod
 * Security level that would reject the lab's pods, or objects of the lab's names that it did not make.
 */
export function preflightProblem(
  config: LabConfig,
  topology: LabTopology,
  found: Discovery,
  own: OwnLabel,
): string | undefined {
  const namespaceLabels = found.cluster.namespaceLabels[config.namespace];
  const existing = [
    ...(namespaceLabels === undefined
      ? []
      : [{ kind: "Namespace" as const, name: config.namespace, labels: namespaceLabels }]),
    ...found.namespaceObjects,
  ];
  const foreign = foreignObjects(
    labObjects(topology, config.checks.enabled, config.createNamespace),
    existing,
    own,
  );
  return (
    placementProblem(config.placement, found.cluster) ??
    labProblem(namespaceLevel(config, found)) ??
    leftoverProblem(config.namespace, foreign, config.upsertExisting, own)
  );
}
