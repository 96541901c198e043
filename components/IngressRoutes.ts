import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubectlTarget } from "../lib/checks/kubectl";
import type { FrontFact } from "../lib/checks/lab";
import {
  type ClassChoice,
  type Front,
  FRONTS,
  frontStatusCommand,
  GATEWAY_LISTENER,
  GATEWAY_NAME,
  gatewayListenerHost,
  httpRouteName,
  INGRESS_NAME,
  readFrontStatus,
  ROUTE_RULES,
  type RouteBackend,
  routeHost,
} from "../lib/ingress";
import { PART_OF } from "../lib/labels";
import { SKIP_AWAIT_ANNOTATION } from "./ExposedService";

/** A Service the routes send to: its name and port. */
export interface RouteTarget {
  serviceName: pulumi.Input<string>;
  port: number;
}

export interface IngressRoutesArgs {
  namespace: pulumi.Input<string>;
  /** The namespace's name, part of every host so that labs side by side never share one. */
  namespaceName: string;
  /** The domain the hosts are named under. */
  domain: string;
  /** The tutorial's two Services, by the server behind each. */
  backends: Record<RouteBackend, RouteTarget>;
  /** The class of the Ingress and of the Gateway, or why each is not built (no class to use). */
  classes: Record<Front, ClassChoice>;
  /** Where the controller answers, when set in config; otherwise the address it publishes is read. */
  address?: string;
  /** Seconds to wait for the controller to publish an address. */
  addressWaitSeconds: number;
  /** How the lab reaches the cluster, to read the status the controllers write. */
  kubectl: KubectlTarget;
}

/**
 * The chapter after Services: an Ingress that routes by host and by path to the tutorial's two Services,
 * and where the cluster serves the Gateway API, a Gateway with one HTTPRoute per host doing the same.
 */
export class IngressRoutes extends pulumi.ComponentResource {
  public readonly ingress: k8s.networking.v1.Ingress | undefined;
  public readonly gateway: k8s.apiextensions.CustomResource | undefined;
  public readonly httpRoutes: k8s.apiextensions.CustomResource[];
  /** Each front as the cluster took it: its class, and the address its controller answers on. */
  public readonly facts: Record<Front, pulumi.Output<FrontFact>>;
  /** The object each front's checks run after, and whose replacement reruns them. */
  public readonly objects: Partial<Record<Front, pulumi.Resource>>;
  /** Each built front's UID. */
  public readonly uids: Partial<Record<Front, pulumi.Output<string>>>;

  constructor(name: string, args: IngressRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:IngressRoutes", name, {}, opts);
    const ingressClass = "use" in args.classes.ingress ? args.classes.ingress.use : undefined;
    const gatewayClass = "use" in args.classes.gateway ? args.classes.gateway.use : undefined;
    this.ingress = ingressClass === undefined ? undefined : this.createIngress(args, ingressClass.name);
    this.gateway = gatewayClass === undefined ? undefined : this.createGateway(args, gatewayClass.name);
    this.httpRoutes = this.gateway === undefined ? [] : this.createHttpRoutes(args, this.gateway);
    this.objects = {
      ...(this.ingress === undefined ? {} : { ingress: this.ingress }),
      ...(this.gateway === undefined ? {} : { gateway: this.gateway }),
    };
    this.uids = {
      ...(this.ingress === undefined ? {} : { ingress: this.ingress.metadata.uid }),
      ...(this.gateway === undefined ? {} : { gateway: this.gateway.metadata.apply((m) => m.uid as string) }),
    };
    this.facts = Object.fromEntries(FRONTS.map((front) => [front, this.factOf(args, front)])) as Record<
      Front,
      pulumi.Output<FrontFact>
    >;
    this.registerOutputs({ facts: this.facts, uids: this.uids });
  }

  private meta(args: IngressRoutesArgs, name: string) {
    // The controller, not the provider, makes the object work: the checks wait for it, bounded.
    return {
      name,
      namespace: args.namespace,
      labels: { ...PART_OF },
      annotations: { [SKIP_AWAIT_ANNOTATION]: "true" },
    };
  }

  private createIngress(args: IngressRoutesArgs, className: string): k8s.networking.v1.Ingress {
    const rules = ROUTE_RULES.map((rule) => ({
      host: routeHost("ingress", rule.hostLabel, args.namespaceName, args.domain),
      http: {
        paths: rule.paths.map((p) => ({
          path: p.path,
          pathType: p.match === "exact" ? "Exact" : "Prefix",
          backend: {
            service: {
              name: args.backends[p.backend].serviceName,
              port: { number: args.backends[p.backend].port },
            },
          },
        })),
      },
    }));
    return new k8s.networking.v1.Ingress(
      INGRESS_NAME,
      { metadata: this.meta(args, INGRESS_NAME), spec: { ingressClassName: className, rules } },
      { parent: this },
    );
  }

  private createGateway(args: IngressRoutesArgs, className: string): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
      GATEWAY_NAME,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: this.meta(args, GATEWAY_NAME),
        spec: {
          gatewayClassName: className,
          listeners: [
            {
              ...GATEWAY_LISTENER,
              protocol: "HTTP",
              hostname: gatewayListenerHost(args.namespaceName, args.domain),
              allowedRoutes: { namespaces: { from: "Same" } },
            },
          ],
        },
      },
      { parent: this },
    );
  }

  private createHttpRoutes(
    args: IngressRoutesArgs,
    gateway: k8s.apiextensions.CustomResource,
  ): k8s.apiextensions.CustomResource[] {
    return ROUTE_RULES.map((rule) => {
      const name = httpRouteName(rule.hostLabel);
      return new k8s.apiextensions.CustomResource(
        name,
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: this.meta(args, name),
          spec: {
            parentRefs: [{ name: gateway.metadata.apply((m) => m.name as string) }],
            hostnames: [routeHost("gateway", rule.hostLabel, args.namespaceName, args.domain)],
            rules: rule.paths.map((p) => ({
              matches: [{ path: { type: p.match === "exact" ? "Exact" : "PathPrefix", value: p.path } }],
              backendRefs: [
                { name: args.backends[p.backend].serviceName, port: args.backends[p.backend].port },
              ],
            })),
          },
        },
        { parent: this },
      );
    });
  }

  /** What the front's checks need: why it is not built, or its class and the address to send requests to. */
  private factOf(args: IngressRoutesArgs, front: Front): pulumi.Output<FrontFact> {
    const choice = args.classes[front];
    if ("skip" in choice) return pulumi.output({ skipReason: choice.skip });
    const known: FrontFact = {
      className: choice.use.name,
      ...(choice.use.controller === undefined ? {} : { controller: choice.use.controller }),
    };
    if (args.address !== undefined) {
      return pulumi.output({ ...known, address: args.address, addressFrom: "config" as const });
    }
    const uid = this.uids[front];
    // Read once the object exists (its UID is known only then), and again on every update.
    const status = command.local.runOutput(
      {
        command: pulumi
          .all([args.namespace, uid])
          .apply(([namespace]) =>
            frontStatusCommand(args.kubectl, namespace, front, args.addressWaitSeconds),
          ),
        logging: "none",
      },
      { parent: this, ...(front === "gateway" ? { dependsOn: this.httpRoutes } : {}) },
    );
    return status.stdout.apply((output): FrontFact => {
      const read = readFrontStatus(output);
      if (read.address !== undefined) return { ...known, address: read.address, addressFrom: "status" };
      const note =
        read.problem ??
        (read.conditions === undefined ? "no status written" : `conditions ${read.conditions}`);
      return { ...known, statusNote: note };
    });
  }
}
