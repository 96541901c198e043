import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_IMAGES, type Placement, type PullPolicy } from "../lib/config";
import { POD_HTTPD, POD_NGINX } from "../lib/tutorial";
import { MultiContainerPod } from "./MultiContainerPod";

export interface ServerPodArgs {
  podName: string;
  containerName: string;
  image: pulumi.Input<string>;
  port: number;
  /** Arguments to the image's entrypoint, e.g. `netexec --http-port=8080` for agnhost. */
  args?: string[];
}

export interface PodPairArgs {
  namespace: pulumi.Input<string>;
  /** Defaults to the tutorial's pod-httpd. */
  first?: Partial<ServerPodArgs>;
  /** Defaults to the tutorial's pod-nginx. */
  second?: Partial<ServerPodArgs>;
  imagePullPolicy?: PullPolicy;
  /** Different nodes when the cluster has several (auto, the default), always (spread), or one node. */
  placement?: Placement;
  /** Seconds each pod may take to become Ready before the update fails. */
  startTimeoutSeconds?: number;
}

/** The label both pods of a pair carry, so that each can be placed relative to the other. */
export const PAIR_LABEL = "k8s-networking-lab/pair";
const HOSTNAME_TOPOLOGY = "kubernetes.io/hostname";

/** The affinity that places the two pods of a pair as asked. */
export function pairAffinity(pair: string, placement: Placement): k8s.types.input.core.v1.Affinity {
  const term = { labelSelector: { matchLabels: { [PAIR_LABEL]: pair } }, topologyKey: HOSTNAME_TOPOLOGY };
  switch (placement) {
    case "auto":
      return {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }],
        },
      };
    case "spread":
      return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
    case "together":
      // The first pod matches its own term, so it schedules anywhere; the second follows it.
      return { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
  }
}

export const DEFAULT_FIRST_SERVER: ServerPodArgs = {
  podName: POD_HTTPD.podName,
  containerName: POD_HTTPD.container,
  image: DEFAULT_IMAGES.httpd,
  port: POD_HTTPD.port,
};

export const DEFAULT_SECOND_SERVER: ServerPodArgs = {
  podName: POD_NGINX.podName,
  containerName: POD_NGINX.container,
  image: DEFAULT_IMAGES.nginx,
  port: POD_NGINX.port,
};

/** Two single-container web servers that reach each other by pod IP. */
export class PodPair extends pulumi.ComponentResource {
  public readonly first: MultiContainerPod;
  public readonly second: MultiContainerPod;

  constructor(name: string, args: PodPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:PodPair", name, {}, opts);
    const firstSpec = { ...DEFAULT_FIRST_SERVER, ...args.first };
    const secondSpec = { ...DEFAULT_SECOND_SERVER, ...args.second };
    if (firstSpec.podName === secondSpec.podName) {
      throw new Error(`a PodPair needs two pods with different names, got ${firstSpec.podName} twice`);
    }
    const affinity = pairAffinity(name, args.placement ?? "auto");
    const server = (spec: ServerPodArgs) =>
      new MultiContainerPod(
        spec.podName,
        {
          namespace: args.namespace,
          labels: { [PAIR_LABEL]: name },
          affinity,
          startTimeoutSeconds: args.startTimeoutSeconds,
          imagePullPolicy: args.imagePullPolicy,
          containers: [
            {
              name: spec.containerName,
              image: spec.image,
              ports: [spec.port],
              ...(spec.args === undefined ? {} : { args: spec.args }),
            },
          ],
        },
        { parent: this },
      );
    this.first = server(firstSpec);
    this.second = server(secondSpec);
    this.registerOutputs({ firstIP: this.first.podIP, secondIP: this.second.podIP });
  }
}
