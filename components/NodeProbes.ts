import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubectlTarget } from "../lib/checks/kubectl";
import { daemonSetPodsCommand, parseReadyPodsByNode } from "../lib/nodeProbes";
import type { PullPolicy } from "../lib/config";
import { containerSecurityContext, PART_OF, POD_SECURITY_CONTEXT, POD_SELECTOR_LABEL } from "../lib/labels";
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
  /** Seconds the probes may take to run on every node before the update fails. */
  startTimeoutSeconds?: number;
}

/** A node label no node has: a DaemonSet that selects it runs nowhere. */
export const NO_NODE_SELECTOR = { "k8s-networking-lab/node-probes": "disabled" };

/**
 * One pod on every schedulable node that shares the node's network (hostNetwork, never privileged), so that
 * a check can start from any node's host network: node to pod, and a NodePort through each node's IP.
 */
export class NodeProbes extends pulumi.ComponentResource {
  public readonly daemonSet: k8s.apps.v1.DaemonSet;
  public readonly uid: pulumi.Output<string>;
  /** The ready probe pod on each node, by node name. */
  public readonly podsByNode: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: NodeProbesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:NodeProbes", name, {}, opts);
    const selector = { [POD_SELECTOR_LABEL]: args.name };
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
              nodeSelector: pulumi
                .output(args.enabled ?? true)
                .apply((enabled) => (enabled ? undefined : NO_NODE_SELECTOR)),
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
    this.podsByNode = listing.stdout.apply(parseReadyPodsByNode);
    this.registerOutputs({ uid: this.uid, podsByNode: this.podsByNode });
  }
}
