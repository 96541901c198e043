import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PullPolicy } from "../lib/config";
import {
  CLIENT_CONTAINER_RESOURCES,
  containerSecurityContext,
  PART_OF,
  POD_SECURITY_CONTEXT,
  POD_SELECTOR_LABEL,
  SERVER_CONTAINER_RESOURCES,
} from "../lib/labels";

export interface ContainerArgs {
  name: string;
  image: pulumi.Input<string>;
  /**
   * Ports the container listens on; the pod routes traffic for each to this container. A container that
   * listens is a server and gets a server's requests and limits, any other a client's (lib/labels.ts).
   */
  ports?: number[];
  command?: string[];
  args?: string[];
  /** Drop every Linux capability: for containers that only run clients (curl, nslookup), not servers. */
  dropAllCapabilities?: boolean;
}

export interface MultiContainerPodArgs {
  namespace: pulumi.Input<string>;
  /** The pod's name in the cluster; defaults to the component's name. */
  podName?: string;
  containers: ContainerArgs[];
  /** Extra labels, e.g. the tutorial's `component: centos`. */
  labels?: Record<string, string>;
  imagePullPolicy?: PullPolicy;
  /** Share the node's network namespace (the node probe); never privileged. */
  hostNetwork?: boolean;
  /** Pin the pod to a node, e.g. the node of the pod a probe tests. */
  nodeName?: pulumi.Input<string>;
  /** Seconds a container gets to stop; the tutorial's shell loops ignore SIGTERM. */
  terminationGracePeriodSeconds?: number;
  /** Where the scheduler may put the pod relative to other pods (eg2's placement). */
  affinity?: k8s.types.input.core.v1.Affinity;
  /** The pod's own DNS settings (dnsPolicy None and a dnsConfig); unset: the cluster's (ClusterFirst). */
  dns?: { dnsPolicy: string; dnsConfig: k8s.types.input.core.v1.PodDNSConfig };
  /**
   * Seconds `pulumi up` waits for the pod to be Ready before it fails (the Kubernetes provider's own wait,
   * 10 minutes by default), e.g. when an image cannot be pulled. Given to the provider as the pod's
   * `customTimeouts` for create and update: deletion keeps its own default, and the pod carries no
   * annotation for it.
   */
  startTimeoutSeconds?: number;
}

/** One pod holding several containers that share its network namespace, hostname and IP. */
export class MultiContainerPod extends pulumi.ComponentResource {
  public readonly pod: k8s.core.v1.Pod;
  /** The pod's name in the cluster. */
  public readonly podName: string;
  public readonly namespace: pulumi.Output<string>;
  public readonly uid: pulumi.Output<string>;
  public readonly podIP: pulumi.Output<string>;
  /** Every IP of the pod (status.podIPs), podIP first: one per family, two on a dual-stack cluster. */
  public readonly podIPs: pulumi.Output<string[]>;
  public readonly nodeName: pulumi.Output<string>;
  public readonly hostIP: pulumi.Output<string>;
  public readonly containerNames: string[];
  /** Which container owns which port, e.g. { "80": "cntr-httpd" }. */
  public readonly portOwners: Record<string, string>;
  /** Labels that select this pod and no other. */
  public readonly selector: Record<string, string>;

  constructor(name: string, args: MultiContainerPodArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:MultiContainerPod", name, {}, opts);
    const podName = args.podName ?? name;
    this.podName = podName;
    this.containerNames = args.containers.map((c) => c.name);
    this.portOwners = ownersOfPorts(args.containers);
    this.selector = { [POD_SELECTOR_LABEL]: podName };

    this.pod = new k8s.core.v1.Pod(
      name,
      {
        metadata: {
          name: podName,
          namespace: args.namespace,
          labels: { ...args.labels, ...this.selector, ...PART_OF },
        },
        spec: {
          hostNetwork: args.hostNetwork,
          nodeName: args.nodeName,
          affinity: args.affinity,
          dnsPolicy: args.dns?.dnsPolicy,
          dnsConfig: args.dns?.dnsConfig,
          terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
          securityContext: POD_SECURITY_CONTEXT,
          containers: args.containers.map((c) => ({
            name: c.name,
            image: c.image,
            imagePullPolicy: args.imagePullPolicy,
            command: c.command,
            args: c.args,
            ports: c.ports?.map((containerPort) => ({ containerPort, protocol: "TCP" })),
            securityContext: containerSecurityContext(c.dropAllCapabilities),
            resources: (c.ports ?? []).length > 0 ? SERVER_CONTAINER_RESOURCES : CLIENT_CONTAINER_RESOURCES,
          })),
        },
      },
      { parent: this, ...startTimeouts(args.startTimeoutSeconds) },
    );

    this.namespace = this.pod.metadata.namespace;
    this.uid = this.pod.metadata.uid;
    this.podIP = this.pod.status.podIP;
    this.podIPs = pulumi
      .all([this.pod.status.podIPs, this.pod.status.podIP])
      .apply(([all, first]) => allPodIPs(all, first));
    this.nodeName = this.pod.spec.nodeName;
    this.hostIP = this.pod.status.hostIP;

    this.registerOutputs({
      podName: this.podName,
      namespace: this.namespace,
      uid: this.uid,
      podIP: this.podIP,
      podIPs: this.podIPs,
      nodeName: this.nodeName,
      hostIP: this.hostIP,
      containerNames: this.containerNames,
      portOwners: this.portOwners,
    });
  }
}

/** status.podIPs as addresses, podIP first; just podIP where the status lists no podIPs. */
function allPodIPs(all: readonly { ip?: string }[] | undefined, first: string | undefined): string[] {
  const listed = (all ?? []).flatMap(({ ip }) => (ip === undefined || ip === "" ? [] : [ip]));
  const ips = listed.length > 0 ? listed : [first ?? ""].filter((ip) => ip !== "");
  return first !== undefined && ips.includes(first) ? [first, ...ips.filter((ip) => ip !== first)] : ips;
}

function ownersOfPorts(containers: readonly ContainerArgs[]): Record<string, string> {
  const owners: Record<string, string> = {};
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      const owner = owners[port];
      if (owner !== undefined) {
        throw new Error(
          `containers ${owner} and ${container.name} both listen on port ${port}; a pod has one network`,
        );
      }
      owners[port] = container.name;
    }
  }
  return owners;
}

/** The pod's custom timeouts for a start timeout: create and update, not delete. */
export function startTimeouts(
  seconds: number | undefined,
): Pick<pulumi.CustomResourceOptions, "customTimeouts"> {
  if (seconds === undefined) return {};
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`startTimeoutSeconds must be a whole number of seconds above 0, not ${seconds}`);
  }
  return { customTimeouts: { create: `${seconds}s`, update: `${seconds}s` } };
}
