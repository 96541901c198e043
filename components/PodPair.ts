import * as pulumi from "@pulumi/pulumi";
import type { PullPolicy } from "../lib/config";
import { MultiContainerPod } from "./MultiContainerPod";

export interface ServerPodArgs {
  podName: string;
  containerName: string;
  image: pulumi.Input<string>;
  port: number;
}

export interface PodPairArgs {
  namespace: pulumi.Input<string>;
  /** Defaults to the tutorial's pod-httpd. */
  first?: Partial<ServerPodArgs>;
  /** Defaults to the tutorial's pod-nginx. */
  second?: Partial<ServerPodArgs>;
  imagePullPolicy?: PullPolicy;
}

export const DEFAULT_FIRST_SERVER: ServerPodArgs = {
  podName: "pod-httpd",
  containerName: "cntr-httpd",
  image: "httpd:latest",
  port: 80,
};

export const DEFAULT_SECOND_SERVER: ServerPodArgs = {
  podName: "pod-nginx",
  containerName: "cntr-nginx",
  image: "nginx:latest",
  port: 80,
};

/** Two single-container web servers that reach each other by pod IP. */
export class PodPair extends pulumi.ComponentResource {
  public readonly first: MultiContainerPod;
  public readonly second: MultiContainerPod;
  public readonly firstIP: pulumi.Output<string>;
  public readonly secondIP: pulumi.Output<string>;

  constructor(name: string, args: PodPairArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:PodPair", name, {}, opts);
    const firstSpec = { ...DEFAULT_FIRST_SERVER, ...args.first };
    const secondSpec = { ...DEFAULT_SECOND_SERVER, ...args.second };
    if (firstSpec.podName === secondSpec.podName) {
      throw new Error(`a PodPair needs two pods with different names, got ${firstSpec.podName} twice`);
    }
    const server = (spec: ServerPodArgs) =>
      new MultiContainerPod(
        spec.podName,
        {
          namespace: args.namespace,
          imagePullPolicy: args.imagePullPolicy,
          containers: [{ name: spec.containerName, image: spec.image, ports: [spec.port] }],
        },
        { parent: this },
      );
    this.first = server(firstSpec);
    this.second = server(secondSpec);
    this.firstIP = this.first.podIP;
    this.secondIP = this.second.podIP;
    this.registerOutputs({ firstIP: this.firstIP, secondIP: this.secondIP });
  }
}
