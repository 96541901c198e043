// The lab as the checks see it: its shape, known from config (LabTopology), and the values only the live
// cluster knows (LiveFacts).
import type { UnreadFact } from "../access";
import type { Front, RouteBackend } from "../ingress";
import type { KubectlTarget } from "./kubectl";
import type { ProbeTimeouts } from "./probes";
import type { HttpTool } from "./types";

export const PAGE_MARKERS = { httpd: "It works!", nginx: "Welcome to nginx!" } as const;
export type ServerKind = keyof typeof PAGE_MARKERS;

export interface ContainerRef {
  pod: string;
  container: string;
}

export interface ServerRef extends ContainerRef {
  port: number;
  kind: ServerKind;
  /** The container's shell tool for outgoing HTTP: server images have bash but no curl. */
  tool: HttpTool;
}

export interface ServiceRef {
  name: string;
  type: "NodePort" | "ClusterIP";
  port: number;
  target: ServerRef;
}

export interface LabTopology {
  namespace: string;
  clusterDomain: string;
  kubectl: KubectlTarget;
  timeouts: ProbeTimeouts;
  closedPort: number;
  /** eg1: the two-container pod. */
  demo?: { pod: string; server: ServerRef; client: ContainerRef; containers: string[] };
  /** eg2: the two server pods. */
  pair?: { first: ServerRef; second: ServerRef };
  services: ServiceRef[];
  /** service-depth: two agnhost backends and the Services that show what a Service promises. */
  depth?: DepthLab;
  /** ingress: routes by host and path to the tutorial's Services, through the cluster's controllers. */
  ingress?: IngressLab;
  /**
   * services: one more Service besides the tutorial's, PreferDualStack (one ClusterIP per family the cluster
   * has), for the checks over IPv6.
   */
  dualStack?: { service: ServiceRef };
  probes: {
    /** The host-network probes, one pod per node (see LiveFacts.nodeProbeSkipReason where they cannot run). */
    node?: {
      container: string;
      /** A probe runs on every node (nodeProbes all): the node checks are also made from each of them. */
      everyNode?: boolean;
    };
    dns: ContainerRef;
  };
}

/** service-depth as the checks see it (lib/serviceDepth.ts names its parts). */
export interface DepthLab {
  backends: [ContainerRef, ContainerRef];
  /** The port each backend listens on. */
  backendPort: number;
  services: { spread: string; sticky: string; local: string; nowhere: string };
  /** The port of each of those Services. */
  servicePort: number;
  /** Where the requests come from: pod-demo's cntr-centos (curl). */
  client: ContainerRef;
  requests: number;
  /** The transfer checks' body: random bytes sent, and the size of their base64 text that must come back. */
  largeBody: { randomBytes: number; bytes: number };
  /** A pod reaching itself through its own Service, when the tutorial's Services are there too. */
  hairpin?: { server: ServerRef; service: ServiceRef };
}

/** The ingress lab as the checks see it (lib/ingress.ts names its routes). */
export interface IngressLab {
  /** The domain under which each route's host is named. */
  domain: string;
  /** The tutorial's Service behind each backend of the routes. */
  backends: Record<RouteBackend, ServiceRef>;
  /** Where the requests come from: pod-demo's cntr-centos (curl). */
  client: ContainerRef;
  /** The controller's address as set in config; unset, the one it publishes in the status is used. */
  address?: string;
  /** Seconds the lab waits for the controller to publish an address. */
  addressWaitSeconds: number;
}

/** The lab's Ingress or Gateway as the cluster took it: its class and the address its controller answers on. */
export interface FrontFact {
  /** Set when the front cannot be built here (no class to use): its checks are skipped with this reason. */
  skipReason?: string;
  className?: string;
  controller?: string;
  /** Where the requests go: the address published in the status, or the one set in config. */
  address?: string;
  addressFrom?: "status" | "config";
  /** What the status said when no address came: the controller's conditions, or why it could not be read. */
  statusNote?: string;
}

export interface NodeFact {
  name: string;
  internalIP: string;
  schedulable: boolean;
}

export interface ServiceFact {
  clusterIP: string;
  /** Every ClusterIP (spec.clusterIPs): one per family the Service has, clusterIP first. */
  clusterIPs?: string[];
  nodePort?: number;
}

export interface LiveFacts {
  /** Pod IPs by pod name. */
  podIPs: Record<string, string>;
  /** Every IP of each pod (status.podIPs), by pod name: one per family, podIP first. */
  allPodIPs?: Record<string, string[]>;
  /** The node of each pod, by pod name. */
  podNodes: Record<string, string>;
  /** The cluster's nodes. */
  nodes: NodeFact[];
  /** The node probe pod on each node, by node name. */
  nodeProbes: Record<string, string>;
  /** The nodes kube-dns's endpoints run on. */
  kubeDnsNodes: string[];
  /** Why the node probes cannot run in the lab's namespace (its Pod Security level), if they cannot. */
  nodeProbeSkipReason?: string;
  /** By service name. */
  services: Record<string, ServiceFact>;
  /** What the lab's credentials could not read before the build, and what each costs (lib/access.ts). */
  unread?: UnreadFact[];
  /** The ingress lab's Ingress and Gateway, when it is built. */
  fronts?: Partial<Record<Front, FrontFact>>;
}

/** Placeholder facts: the set of checks depends on the topology only, never on these values. */
export const UNRESOLVED_FACTS: LiveFacts = {
  podIPs: {},
  podNodes: {},
  nodes: [],
  nodeProbes: {},
  kubeDnsNodes: [],
  services: {},
};
