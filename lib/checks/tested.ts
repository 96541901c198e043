// What a check tests: the lab objects it runs after, and whose change reruns it.
import type { Front } from "../ingress";

export type TestedObject =
  | { kind: "pod"; name: string }
  | { kind: "service"; name: string }
  /** The host-network probes, one pod per node. */
  | { kind: "node-probes" }
  /** The ingress lab's Ingress, or its Gateway with the HTTPRoutes. */
  | { kind: "front"; name: Front };

export const testedPod = (name: string): TestedObject => ({ kind: "pod", name });
export const testedService = (name: string): TestedObject => ({ kind: "service", name });
export const NODE_PROBES: TestedObject = { kind: "node-probes" };
export const testedFront = (name: Front): TestedObject => ({ kind: "front", name });

/** A tested object as a short key, as it appears in the names of the checks' commands: `pod/pod-demo`. */
export function testedKey(object: TestedObject): string {
  return object.kind === "node-probes" ? "probes/node" : `${object.kind}/${object.name}`;
}

/** The tested objects, by kind: the facts a check needs are the facts about these. */
export interface TestedNames {
  pods: string[];
  services: string[];
  nodeProbes: boolean;
  fronts: Front[];
}

export function testedNames(objects: readonly TestedObject[]): TestedNames {
  const named = (kind: "pod" | "service") =>
    objects.flatMap((object) => (object.kind === kind ? [object.name] : []));
  return {
    pods: named("pod"),
    services: named("service"),
    nodeProbes: objects.some((object) => object.kind === "node-probes"),
    fronts: objects.flatMap((object) => (object.kind === "front" ? [object.name] : [])),
  };
}
