import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceType } from "../lib/config";
import { type ServiceDnsNames, serviceDnsNames } from "../lib/dns";
import { PART_OF } from "../lib/labels";

export interface ExposedServiceArgs {
  namespace: pulumi.Input<string>;
  /** The Service's name in the cluster (`kubectl expose ... --name`). */
  serviceName: string;
  type: ServiceType;
  port: number;
  targetPort: number;
  /** NodePort only; omitted lets the cluster pick one. */
  nodePort?: number;
  /** Labels selecting exactly the exposed pod. */
  selector: pulumi.Input<Record<string, string>>;
  /** Domain of the cluster's DNS, for the names a pod can resolve. */
  clusterDomain: string;
  /** "ClientIP" sends every request of a client to the same backend; unset, Kubernetes' "None". */
  sessionAffinity?: "ClientIP" | "None";
  /** For a NodePort: "Local" answers only on nodes that run a backend and keeps the client's address. */
  externalTrafficPolicy?: "Cluster" | "Local";
  /**
   * The families the Service asks for: "PreferDualStack" gets a ClusterIP of each family a dual-stack cluster
   * has (one on a single-stack cluster); unset, Kubernetes' "SingleStack", as `kubectl expose` makes it.
   */
  ipFamilyPolicy?: "SingleStack" | "PreferDualStack" | "RequireDualStack";
}

/** Tells the Kubernetes provider to return the object as created, without waiting for it to settle. */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/** What `kubectl expose pod <pod> --type=<type> --name <svc> --port P --target-port T` creates. */
export class ExposedService extends pulumi.ComponentResource {
  public readonly service: k8s.core.v1.Service;
  /** The Service's name in the cluster. */
  public readonly serviceName: string;
  public readonly uid: pulumi.Output<string>;
  public readonly clusterIP: pulumi.Output<string>;
  /** Every ClusterIP (spec.clusterIPs), clusterIP first: one per family the Service has. */
  public readonly clusterIPs: pulumi.Output<string[]>;
  public readonly port: number;
  public readonly targetPort: number;
  /** The node port of a NodePort service (picked by the cluster when not configured). */
  public readonly nodePort: pulumi.Output<number | undefined>;
  public readonly dnsNames: pulumi.Output<ServiceDnsNames>;

  constructor(name: string, args: ExposedServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:ExposedService", name, {}, opts);
    if (args.type !== "NodePort" && args.nodePort !== undefined) {
      throw new Error(`service ${args.serviceName}: only a NodePort service has a node port`);
    }
    this.serviceName = args.serviceName;
    this.port = args.port;
    this.targetPort = args.targetPort;

    this.service = new k8s.core.v1.Service(
      name,
      {
        metadata: {
          name: args.serviceName,
          namespace: args.namespace,
          labels: { ...PART_OF },
          // No wait for endpoints here: the checks that use the Service wait, bounded, for its endpoint.
          annotations: { [SKIP_AWAIT_ANNOTATION]: "true" },
        },
        spec: {
          type: args.type,
          selector: args.selector,
          ...(args.sessionAffinity === undefined ? {} : { sessionAffinity: args.sessionAffinity }),
          ...(args.externalTrafficPolicy === undefined
            ? {}
            : { externalTrafficPolicy: args.externalTrafficPolicy }),
          ...(args.ipFamilyPolicy === undefined ? {} : { ipFamilyPolicy: args.ipFamilyPolicy }),
          ports: [
            {
              name: "http",
              protocol: "TCP",
              port: args.port,
              targetPort: args.targetPort,
              nodePort: args.type === "NodePort" ? args.nodePort : undefined,
            },
          ],
        },
      },
      { parent: this },
    );

    this.uid = this.service.metadata.uid;
    this.clusterIP = this.service.spec.clusterIP;
    this.clusterIPs = pulumi
      .all([this.service.spec.clusterIPs, this.service.spec.clusterIP])
      .apply(([all, first]) => {
        const ips = (all ?? []).filter((ip) => ip !== "");
        return ips.length > 0 ? ips : [first].filter((ip) => ip !== undefined && ip !== "");
      });
    this.nodePort = this.service.spec.ports.apply((ports) =>
      args.type === "NodePort" ? ports[0]?.nodePort : undefined,
    );
    this.dnsNames = pulumi
      .output(args.namespace)
      .apply((namespace) => serviceDnsNames(args.serviceName, namespace, args.clusterDomain));

    this.registerOutputs({
      serviceName: this.serviceName,
      clusterIP: this.clusterIP,
      clusterIPs: this.clusterIPs,
      port: this.port,
      targetPort: this.targetPort,
      nodePort: this.nodePort,
      dnsNames: this.dnsNames,
    });
  }
}
