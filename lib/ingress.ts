// The chapter after Services: HTTP routes in front of them. An Ingress, and where the cluster serves the
// Gateway API a Gateway with HTTPRoutes, route by host and by path to the tutorial's two Services, reached
// through the cluster's own controller. The route table, the class the lab uses, and what kubectl says of
// classes and of the controller's status. Pure.
import { z } from "zod";
import { type ReadAnswer, readFailure } from "./clusterReads";
import { type KubectlTarget, boundedKubectl, globalFlags } from "./checks/kubectl";
import type { Step } from "./checks/types";
import { readKubectlJson } from "./kubectlJson";
import { shellJoin } from "./shell";
import { excerpt } from "./text";

/** The two ways in: an Ingress, or a Gateway with HTTPRoutes. */
export type Front = "ingress" | "gateway";
export const FRONTS: readonly Front[] = ["ingress", "gateway"];

/** The tutorial's two Services, by the server behind each. */
export type RouteBackend = "httpd" | "nginx";

export const INGRESS_NAME = "ing-tutorial";
export const GATEWAY_NAME = "gw-tutorial";
/** The Gateway's one listener: plain HTTP on port 80, as the Ingress is reached. */
export const GATEWAY_LISTENER = { name: "http", port: 80 } as const;
/** The HTTPRoutes, one per host: a route's rules apply to all of its hostnames. */
export const httpRouteName = (hostLabel: string): string => `route-${hostLabel}`;

/** A reserved top-level domain: no name under it resolves anywhere, so the routes can only be reached here. */
export const DEFAULT_ROUTE_DOMAIN = "netlab.test";

export type PathMatch = "prefix" | "exact";

/** The rules each front declares: per host, its paths and the backend of each. */
export const ROUTE_RULES: readonly {
  hostLabel: string;
  paths: readonly { path: string; match: PathMatch; backend: RouteBackend }[];
}[] = [
  { hostLabel: "httpd", paths: [{ path: "/", match: "prefix", backend: "httpd" }] },
  { hostLabel: "nginx", paths: [{ path: "/", match: "prefix", backend: "nginx" }] },
  {
    hostLabel: "paths",
    paths: [
      // Both servers serve /index.html, so each path rule lands on a real page of its own backend.
      { path: "/index.html", match: "exact", backend: "nginx" },
      { path: "/", match: "exact", backend: "httpd" },
    ],
  },
];

/** A request the checks send, and where it must land: a backend's page, or the controller's own 404. */
export interface RouteCase {
  /** The check id after the front's name: `ingress.host.httpd`. */
  id: string;
  hostLabel: string;
  path: string;
  /** undefined: no rule matches, and the controller itself answers 404. */
  lands?: RouteBackend;
  claim: string;
}

export const ROUTE_CASES: readonly RouteCase[] = [
  {
    id: "host.httpd",
    hostLabel: "httpd",
    path: "/",
    lands: "httpd",
    claim: "A host rule sends its host to svc-nodeport-httpd.",
  },
  {
    id: "host.nginx",
    hostLabel: "nginx",
    path: "/",
    lands: "nginx",
    claim: "A host rule sends its host to svc-clusterip-nginx.",
  },
  {
    id: "path.root",
    hostLabel: "paths",
    path: "/",
    lands: "httpd",
    claim: "On one host, the path / goes to svc-nodeport-httpd.",
  },
  {
    id: "path.index",
    hostLabel: "paths",
    path: "/index.html",
    lands: "nginx",
    claim: "On the same host, the path /index.html goes to svc-clusterip-nginx.",
  },
  {
    id: "unknown-host",
    hostLabel: "nowhere",
    path: "/",
    claim: "A host no rule names gets the controller's 404, not a backend's page.",
  },
  {
    id: "unknown-path",
    hostLabel: "paths",
    path: "/nowhere",
    claim: "A path no rule of its host matches gets the controller's 404.",
  },
];

/** The host a front's rule answers: the namespace is part of it, so that labs side by side never collide. */
export function routeHost(front: Front, hostLabel: string, namespace: string, domain: string): string {
  return front === "ingress"
    ? `${hostLabel}.${namespace}.${domain}`
    : `${hostLabel}.gateway.${namespace}.${domain}`;
}

/** The Gateway listener's hostname: every host of the HTTPRoutes, and only those. */
export const gatewayListenerHost = (namespace: string, domain: string): string =>
  `*.gateway.${namespace}.${domain}`;

// ---- The classes: which controller the lab's routes are for.

/** The class the lab's front uses, with the controller that serves it when the lab could read that. */
export interface FrontClass {
  name: string;
  controller?: string;
}

/** The class to use, or why the front's checks are skipped. */
export type ClassChoice = { use: FrontClass } | { skip: string };

const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

const INGRESS_CLASSES = z.object({
  items: z
    .array(
      z.object({
        metadata: z.object({ name: z.string(), annotations: z.record(z.string(), z.string()).nullish() }),
        spec: z.object({ controller: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
});

const CONDITIONS = z
  .array(
    z.object({
      type: z.string(),
      status: z.string(),
      reason: z.string().nullish(),
      message: z.string().nullish(),
    }),
  )
  .nullish();

const GATEWAY_CLASSES = z.object({
  items: z
    .array(
      z.object({
        metadata: z.object({ name: z.string() }),
        spec: z.object({ controllerName: z.string().nullish() }).nullish(),
        status: z.object({ conditions: CONDITIONS }).nullish(),
      }),
    )
    .nullish(),
});

/** The cluster's IngressClasses, from `kubectl get ingressclasses -o json`. */
export function parseIngressClasses(json: string): (FrontClass & { isDefault: boolean })[] {
  // kubectl prints nothing at all for an empty list with --ignore-not-found.
  if (json.trim() === "") return [];
  const list = readKubectlJson(json, INGRESS_CLASSES, "the IngressClasses");
  return (list.items ?? []).map((item) => ({
    name: item.metadata.name,
    ...(item.spec?.controller ? { controller: item.spec.controller } : {}),
    isDefault: item.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true",
  }));
}

/** The cluster's GatewayClasses, from `kubectl get gatewayclasses -o json`, with whether a controller accepted each. */
export function parseGatewayClasses(json: string): (FrontClass & { accepted: boolean })[] {
  if (json.trim() === "") return [];
  const list = readKubectlJson(json, GATEWAY_CLASSES, "the GatewayClasses");
  return (list.items ?? []).map((item) => ({
    name: item.metadata.name,
    ...(item.spec?.controllerName ? { controller: item.spec.controllerName } : {}),
    accepted: (item.status?.conditions ?? []).some((c) => c.type === "Accepted" && c.status === "True"),
  }));
}

const names = (classes: readonly FrontClass[]): string =>
  classes.length === 0 ? "none" : classes.map((c) => c.name).join(", ");

/** A read that failed: in kubectl's words, or "forbidden". */
function readProblem(answer: ReadAnswer | undefined): string | undefined {
  if (answer === undefined) return "not read";
  if (answer.exit === 0) return undefined;
  return readFailure(answer) === "forbidden"
    ? "forbidden for these credentials"
    : excerpt(answer.stderr.trim() || answer.stdout.trim());
}

/**
 * The IngressClass of the lab's Ingress: the one configured, or the cluster's default. No class to use means
 * the Ingress checks are skipped with the reason: a cluster without an ingress controller is not a failure.
 */
export function chooseIngressClass(
  answer: ReadAnswer | undefined,
  configured: string | undefined,
): ClassChoice {
  const problem = readProblem(answer);
  if (problem !== undefined) {
    if (configured !== undefined) return { use: { name: configured } };
    return {
      skip: `the IngressClasses could not be listed (${problem}), so the cluster's default is not known; set ingress.className`,
    };
  }
  let classes: ReturnType<typeof parseIngressClasses>;
  try {
    classes = parseIngressClasses(answer?.stdout ?? "");
  } catch (error) {
    return { skip: `the IngressClasses could not be read: ${(error as Error).message}` };
  }
  if (configured !== undefined) {
    const found = classes.find((c) => c.name === configured);
    return found === undefined
      ? {
          skip: `the cluster has no IngressClass "${configured}" (ingress.className); it has: ${names(classes)}`,
        }
      : { use: { name: found.name, ...(found.controller ? { controller: found.controller } : {}) } };
  }
  const defaults = classes.filter((c) => c.isDefault);
  if (defaults.length === 1) {
    const only = defaults[0] as FrontClass;
    return { use: { name: only.name, ...(only.controller ? { controller: only.controller } : {}) } };
  }
  if (defaults.length > 1) {
    return { skip: `several IngressClasses are marked default (${names(defaults)}); set ingress.className` };
  }
  return classes.length === 0
    ? { skip: "the cluster has no IngressClass: no ingress controller is installed" }
    : {
        skip: `no IngressClass is marked default (the cluster has: ${names(classes)}); set ingress.className`,
      };
}

/** kubectl's words when the API server does not serve a resource at all. */
const NOT_SERVED = /doesn't have a resource type|the server could not find the requested resource/;

/**
 * The GatewayClass of the lab's Gateway: the one configured, or the only one a controller accepted. A
 * cluster that does not serve the Gateway API has its Gateway checks skipped with that reason.
 */
export function chooseGatewayClass(
  answer: ReadAnswer | undefined,
  configured: string | undefined,
): ClassChoice {
  if (answer !== undefined && answer.exit !== 0 && NOT_SERVED.test(answer.stderr)) {
    return { skip: "the cluster does not serve the Gateway API (no GatewayClass resource)" };
  }
  const problem = readProblem(answer);
  if (problem !== undefined) {
    if (configured !== undefined) return { use: { name: configured } };
    return {
      skip: `the GatewayClasses could not be listed (${problem}); set ingress.gatewayClassName`,
    };
  }
  let classes: ReturnType<typeof parseGatewayClasses>;
  try {
    classes = parseGatewayClasses(answer?.stdout ?? "");
  } catch (error) {
    return { skip: `the GatewayClasses could not be read: ${(error as Error).message}` };
  }
  const withController = (c: FrontClass): ClassChoice => ({
    use: { name: c.name, ...(c.controller ? { controller: c.controller } : {}) },
  });
  if (configured !== undefined) {
    const found = classes.find((c) => c.name === configured);
    return found === undefined
      ? {
          skip: `the cluster has no GatewayClass "${configured}" (ingress.gatewayClassName); it has: ${names(classes)}`,
        }
      : withController(found);
  }
  const accepted = classes.filter((c) => c.accepted);
  if (accepted.length === 1) return withController(accepted[0] as FrontClass);
  if (accepted.length > 1) {
    return { skip: `several GatewayClasses are accepted (${names(accepted)}); set ingress.gatewayClassName` };
  }
  return classes.length === 0
    ? {
        skip: "the cluster serves the Gateway API but has no GatewayClass: no Gateway controller is installed",
      }
    : { skip: `no controller has accepted a GatewayClass (the cluster has: ${names(classes)})` };
}

/**
 * A class to use, unless the credentials may not create the front in the lab's namespace (`kubectl auth
 * can-i` said "no"): the front's checks are then skipped, saying which rights are missing. An answer that
 * is not a plain "no" (the check itself could not be made) leaves the choice as it is.
 */
export function withRights(
  choice: ClassChoice,
  front: Front,
  canCreate: ReadAnswer | undefined,
  namespace: string,
): ClassChoice {
  if ("skip" in choice || canCreate === undefined || canCreate.stdout.trim() !== "no") return choice;
  return front === "ingress"
    ? { skip: `these credentials may not create Ingresses in namespace ${namespace}` }
    : {
        skip: `these credentials may not create Gateways in namespace ${namespace}: the built-in admin role does not cover the Gateway API (docs/class.md has a Role for it)`,
      };
}

/** The class of each front, as the discovery's answers and the config decide it, rights included. */
export function frontClasses(
  found: { classes: Partial<Record<Front, ReadAnswer>>; frontRights: Partial<Record<Front, ReadAnswer>> },
  configured: { className?: string; gatewayClassName?: string },
  namespace: string,
): Record<Front, ClassChoice> {
  return {
    ingress: withRights(
      chooseIngressClass(found.classes.ingress, configured.className),
      "ingress",
      found.frontRights.ingress,
      namespace,
    ),
    gateway: withRights(
      chooseGatewayClass(found.classes.gateway, configured.gatewayClassName),
      "gateway",
      found.frontRights.gateway,
      namespace,
    ),
  };
}

// ---- The controller's status: the address it published for the lab's Ingress or Gateway.

/** What the controller said of the lab's Ingress or Gateway, as the status command read it. */
export interface FrontStatus {
  /** The first address it published, if any. */
  address?: string;
  /** Its conditions in a few words ("Accepted=True, Programmed=True"), for a Gateway. */
  conditions?: string;
  /** Why the status could not be read, in kubectl's words. */
  problem?: string;
}

const STATUS_JSONPATH: Record<Front, string> = {
  ingress: "{.status.loadBalancer.ingress[*].ip}{.status.loadBalancer.ingress[*].hostname}",
  gateway: "{.status.addresses[*].value}",
};

const RESOURCE: Record<Front, string> = {
  ingress: "ingress.networking.k8s.io",
  gateway: "gateway.gateway.networking.k8s.io",
};

export const frontResource = (front: Front): string => RESOURCE[front];
export const frontName = (front: Front): string => (front === "ingress" ? INGRESS_NAME : GATEWAY_NAME);

/** Reads the status of the lab's Ingress or Gateway, as JSON (empty when the controller never wrote one). */
export function frontStatusRead(target: KubectlTarget, namespace: string, front: Front): string[] {
  return boundedKubectl(target, [
    "get",
    RESOURCE[front],
    frontName(front),
    "--namespace",
    namespace,
    "--output",
    "jsonpath={.status}",
  ]);
}

/** What a route's wait step prints once its Gateway accepted the HTTPRoute. */
export const ROUTE_ACCEPTED = "accepted=True";

/**
 * Waits (a `wait` step, bounded by the runner) until the lab's Gateway has accepted the HTTPRoute of a host:
 * a controller serves a route only once it has taken it. It prints, per parent, "accepted=<status>" and
 * "changed=<when that condition last changed>", so that the runner gives the controller its moment to apply
 * a route it has just accepted, as it gives kube-proxy one after a new endpoint.
 */
export function routeAcceptedStep(target: KubectlTarget, namespace: string, hostLabel: string): Step {
  const accepted = '.conditions[?(@.type=="Accepted")]';
  return {
    kind: "wait",
    until: ROUTE_ACCEPTED,
    argv: [
      "kubectl",
      ...globalFlags(target),
      "get",
      "httproutes.gateway.networking.k8s.io",
      httpRouteName(hostLabel),
      "--namespace",
      namespace,
      "--output",
      `jsonpath={range .status.parents[*]}accepted={${accepted}.status}{"\\n"}changed={${accepted}.lastTransitionTime}{"\\n"}{end}`,
    ],
  };
}

/** Seconds given a controller to apply an Ingress or Gateway it has just taken. */
export const CONTROLLER_SETTLE_SECONDS = 2;

/** The line the status command prints before kubectl's words when reading the object failed. */
export const STATUS_READ_FAILED = "--- netlab: reading the status failed ---";

/**
 * Waits, bounded by `waitSeconds`, until the controller publishes an address for the lab's Ingress or Gateway,
 * then prints its status as JSON. It always succeeds: a controller that publishes nothing leaves an object
 * without an address, and a failed read prints STATUS_READ_FAILED and kubectl's own words.
 */
export function frontStatusCommand(
  target: KubectlTarget,
  namespace: string,
  front: Front,
  waitSeconds: number,
): string {
  const object = [RESOURCE[front], frontName(front), "--namespace", namespace];
  const address = boundedKubectl(target, [
    "get",
    ...object,
    "--output",
    `jsonpath=${STATUS_JSONPATH[front]}`,
  ]);
  const json = frontStatusRead(target, namespace, front);
  // A controller applies what it has just taken a moment after it writes the status (Traefik gathers its
  // changes for 2 s): an address seen only after waiting is given that moment before the checks run.
  return [
    `netlab_end=$(($(date +%s) + ${waitSeconds}))`,
    "netlab_waited=0",
    `until [ -n "$(${shellJoin(address)} 2>/dev/null)" ] || [ "$(date +%s)" -ge "$netlab_end" ]; do netlab_waited=1; sleep 1; done`,
    `if [ "$netlab_waited" = 1 ]; then sleep ${CONTROLLER_SETTLE_SECONDS}; fi`,
    "netlab_err=$(mktemp) || exit 1",
    `if netlab_out=$(${shellJoin(json)} 2>"$netlab_err"); then printf '%s\\n' "$netlab_out"`,
    `else echo ${shellJoin([STATUS_READ_FAILED])}; cat "$netlab_err"; fi`,
    'rm -f "$netlab_err"',
  ].join("\n");
}

const FRONT_STATUS = z.object({
  loadBalancer: z
    .object({
      ingress: z.array(z.object({ ip: z.string().nullish(), hostname: z.string().nullish() })).nullish(),
    })
    .nullish(),
  addresses: z.array(z.object({ value: z.string() })).nullish(),
  conditions: CONDITIONS,
});

/**
 * What frontStatusCommand (or a check's read of the status) printed: the published address and conditions,
 * or why they could not be read.
 */
export function readFrontStatus(output: string): FrontStatus {
  const at = output.indexOf(STATUS_READ_FAILED);
  if (at >= 0) {
    return {
      problem: excerpt(output.slice(at + STATUS_READ_FAILED.length).trim()) || "kubectl said nothing",
    };
  }
  // An object the controller never wrote to has no status at all.
  if (output.trim() === "") return {};
  let status: z.infer<typeof FRONT_STATUS>;
  try {
    status = readKubectlJson(output, FRONT_STATUS, "the status");
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const published = [
    ...(status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || ""),
    ...(status?.addresses ?? []).map((a) => a.value),
  ].find((value) => value !== "");
  const conditions = (status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(", ");
  return {
    ...(published === undefined ? {} : { address: published }),
    ...(conditions === "" ? {} : { conditions }),
  };
}
