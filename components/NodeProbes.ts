import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubectlTarget } from "../lib/checks/kubectl";
import { daemonSetPodsCommand, readProbeListing, type ReadyProbe } from "../lib/nodeProbes";
import type { PullPolicy } from "../lib/config";
import {
  CLIENT_CONTAINER_RESOURCES,
  containerSecurityContext,
  PART_OF,
  POD_SECURITY_CONTEXT,
  POD_SELECTOR_LABEL,
} from "../lib/labels";
import { startTimeouts } from "./MultiContainerPod";

export interface NodeProbesArgs {
  namespace: pulumi.Input<string>;
  /** The DaemonSet's name; its pods are named after it. */
  name: string;
  container: string;
  /** Needs curl. */
  image: pulumi.Input<string>;
  imagePullPolicy?: PullPolicy;
  command: string[];
  terminationGracePeriodSeconds?: number;
  /** How the lab reaches the cluster, to find the probe on each node. */
  kubectl: KubectlTarget;
  /** False where the namespace forbids hostNetwork: the DaemonSet then selects no node, so no pod is rejected. */
  enabled?: pulumi.Input<boolean>;
  /** The nodes to run on, by node name (lib/nodeProbes.ts's probeNodes); unset: every schedulable node. */
  nodeNames?: pulumi.Input<string[] | undefined>;
  /** Seconds the probes may take to run on every node before the update fails. */
  startTimeoutSeconds?: number;
}

/** A node label no node has: a DaemonSet that selects it runs nowhere. */
export const NO_NODE_SELECTOR = { "k8s-networking-lab/node-probes": "disabled" };

/** The scheduling fields of the probes' pod template: a node selector, a node affinity, or neither. */
export interface ProbePlacement {
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: { matchFields: { key: string; operator: string; values: string[] }[] }[];
      };
    };
  };
}

/** Where the DaemonSet's pods may run: nowhere, on the named nodes, or on every schedulable node. */
export function probePlacement(enabled: boolean, nodeNames: readonly string[] | undefined): ProbePlacement {
  // No node named: nowhere (a node affinity's In needs a value).
  if (!enabled || nodeNames?.length === 0) return { nodeSelector: NO_NODE_SELECTOR };
  if (nodeNames === undefined) return {};
  // By the Node object's name, as the DaemonSet controller itself places pods: a node's hostname label may
  // differ from its name. One term per node: the API server allows a single value in a matchFields
  // requirement, and terms are ORed.
  const terms = nodeNames.map((name) => ({
    matchFields: [{ key: "metadata.name", operator: "In", values: [name] }],
  }));
  return {
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
    },
  };
}

/**
 * One pod on each node a check starts from (or on every schedulable node) that shares the node's network
 * (hostNetwork, never privileged): node to pod, and a NodePort through the node's IP.
 */
export class NodeProbes extends pulumi.ComponentResource {
  public readonly daemonSet: k8s.apps.v1.DaemonSet;
  public readonly uid: pulumi.Output<string>;
  /** The ready probe pod on each node, by node name. */
  public readonly podsByNode: pulumi.Output<Record<string, string>>;
  /** The address of each node with a ready probe, by node name: known even where nodes cannot be listed. */
  public readonly hostIPs: pulumi.Output<Record<string, string>>;
  /** Why the probes could not be listed, in kubectl's words, if they could not: the node checks are skipped. */
  public readonly listingProblem: pulumi.Output<string | undefined>;

  constructor(name: string, args: NodeProbesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:NodeProbes", name, {}, opts);
    const selector = { [POD_SELECTOR_LABEL]: args.name };
    const placement = pulumi
      .all([args.enabled ?? true, args.nodeNames])
      .apply(([enabled, nodeNames]) => probePlacement(enabled, nodeNames));
    this.daemonSet = new k8s.apps.v1.DaemonSet(
      name,
      {
        metadata: {
          name: args.name,
          namespace: args.namespace,
          labels: { ...selector, ...PART_OF },
        },
        spec: {
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...selector, ...PART_OF } },
            spec: {
              nodeSelector: placement.nodeSelector,
              affinity: placement.affinity,
              hostNetwork: true,
              terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
              securityContext: POD_SECURITY_CONTEXT,
              containers: [
                {
                  name: args.container,
                  image: args.image,
                  imagePullPolicy: args.imagePullPolicy,
                  command: args.command,
                  securityContext: containerSecurityContext(true),
                  resources: CLIENT_CONTAINER_RESOURCES,
                },
              ],
            },
          },
        },
      },
      { parent: this, ...startTimeouts(args.startTimeoutSeconds) },
    );
    this.uid = this.daemonSet.metadata.uid;
    // Read after the DaemonSet is created (its UID is known only then), and again on every update.
    const listing = command.local.runOutput(
      {
        command: pulumi
          .all([this.daemonSet.metadata.namespace, this.uid])
          .apply(([namespace]) => daemonSetPodsCommand(args.kubectl, namespace, args.name, selector)),
        logging: "none",
      },
      { parent: this },
    );
    const listed = listing.stdout.apply(readProbeListing);
    const none: Record<string, ReadyProbe> = {};
    const probes = listed.apply((read) => ("probes" in read ? read.probes : none));
    this.listingProblem = listed.apply((read) => ("problem" in read ? read.problem : undefined));
    this.podsByNode = probes.apply((byNode) => mapProbes(byNode, (probe) => probe.pod));
    this.hostIPs = probes.apply((byNode) => mapProbes(byNode, (probe) => probe.hostIP));
    this.registerOutputs({
      uid: this.uid,
      podsByNode: this.podsByNode,
      hostIPs: this.hostIPs,
      listingProblem: this.listingProblem,
    });
  }
}

/** One value per node with a probe, where it has one. */
function mapProbes(
  byNode: Record<string, ReadyProbe>,
  value: (probe: ReadyProbe) => string | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(byNode).flatMap(([node, probe]) => {
      const found = value(probe);
      return found === undefined ? [] : [[node, found]];
    }),
  );
}
