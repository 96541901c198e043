// The chapter after Services: HTTP routes in front of them. Through the cluster's own controller, each host
// and path rule of the lab's Ingress (and of its Gateway's HTTPRoutes) lands on its Service's page, and a
// host or path no rule names gets the controller's own 404. The controller must first take the object and
// publish the address it answers on.
import {
  type Front,
  frontName,
  frontResource,
  ROUTE_CASES,
  ROUTE_RULES,
  routeAcceptedStep,
  type RouteCase,
  routeHost,
} from "../../ingress";
import { getFieldStep, waitForEndpointStep } from "../kubectl";
import { type FrontFact, type IngressLab, PAGE_MARKERS } from "../lab";
import { frontProbe } from "../probes";
import { testedFront, testedPod, testedService } from "../tested";
import type { CheckPlan, Endpoint } from "../types";
import { label, type PlanContext, podEnd, type Scenario } from "./context";

/** Every route is reached on the controller's plain HTTP port. */
const HTTP_PORT = 80;

const KIND: Record<Front, string> = { ingress: "Ingress", gateway: "Gateway" };

export const ingressRoutes: Scenario = frontScenario(
  "ingress",
  "Ingress: routes by host and path, in front of the Services",
);

export const gatewayRoutes: Scenario = frontScenario(
  "gateway",
  "Gateway API: the same routes as HTTPRoutes of a Gateway",
);

function frontScenario(front: Front, title: string): Scenario {
  return {
    section: front,
    title,
    afterTutorial: true,
    lab: "ingress",
    plan: (context) => {
      const lab = context.topology.ingress;
      if (lab === undefined) return [];
      const fact = context.facts.fronts?.[front];
      return [
        addressCheck(context, lab, front, fact),
        ...ROUTE_CASES.map((route) => routeCheck(context, lab, front, fact, route)),
      ];
    },
  };
}

const frontEnd = (front: Front): Endpoint => ({ kind: "front", front, name: frontName(front) });

/** The class of the front and where its controller answers, in a few words. */
function describeFront(front: Front, fact: FrontFact | undefined): string {
  const kind = KIND[front];
  const cls = fact?.className === undefined ? "" : ` (class ${fact.className})`;
  return `${kind} ${frontName(front)}${cls}`;
}

/** The controller takes the object and publishes the address it answers on (or the one configured is used). */
function addressCheck(
  context: PlanContext,
  lab: IngressLab,
  front: Front,
  fact: FrontFact | undefined,
): CheckPlan {
  const { kubectl, namespace } = context.topology;
  const read = getFieldStep(kubectl, frontResource(front), frontName(front), namespace, ".status");
  const configured = lab.address !== undefined;
  return {
    id: `${front}.controller`,
    claim:
      front === "ingress"
        ? "The cluster's ingress controller takes the lab's Ingress and publishes the address it answers on."
        : "The cluster's Gateway controller takes the lab's Gateway and publishes the address it answers on.",
    source: "the Kubernetes API",
    target: `${describeFront(front, fact)}: its status`,
    steps: [read],
    expected: configured
      ? `the ${KIND[front]} exists; requests go to ${lab.address} (ingress.address)`
      : "an address in its status",
    expectation: {
      type: "front-address",
      front,
      className: fact?.className ?? "?",
      ...(fact?.controller === undefined ? {} : { controller: fact.controller }),
      address: fact?.address ?? null,
      addressFrom: configured ? "config" : "status",
    },
    tests: [testedFront(front)],
    from: { kind: "api" },
    to: frontEnd(front),
    via: "api",
    path: "api",
    ...(fact?.skipReason === undefined ? {} : { skipReason: fact.skipReason }),
  };
}

/** The Service and its first path's rule a case lands on, when it lands on one. */
function backendOf(lab: IngressLab, route: RouteCase) {
  return route.lands === undefined ? undefined : lab.backends[route.lands];
}

/** Why a route cannot be tried: the front is not built, or the controller gave no address to send it to. */
function routeSkipReason(front: Front, fact: FrontFact | undefined): string | undefined {
  if (fact?.skipReason !== undefined) return fact.skipReason;
  if (fact !== undefined && fact.address === undefined) {
    return `no address to reach the controller at: see ${front}.controller`;
  }
  return undefined;
}

/** One request through the controller: by host and path to a Service's page, or to no rule at all. */
function routeCheck(
  context: PlanContext,
  lab: IngressLab,
  front: Front,
  fact: FrontFact | undefined,
  route: RouteCase,
): CheckPlan {
  const { namespace, kubectl } = context.topology;
  const host = routeHost(front, route.hostLabel, namespace, lab.domain);
  const backend = backendOf(lab, route);
  const address = fact?.address ?? "<controller address>";
  const marker = backend === undefined ? null : PAGE_MARKERS[backend.target.kind];
  const clientNode = context.nodeOf(lab.client.pod);
  const ready = [
    ...(backend === undefined
      ? []
      : [waitForEndpointStep(kubectl, namespace, backend.name, context.podIP(backend.target.pod))]),
    // An HTTPRoute serves once its Gateway has accepted it: the wait makes a 404 mean a missing rule.
    ...(front === "gateway" && ROUTE_RULES.some((rule) => rule.hostLabel === route.hostLabel)
      ? [routeAcceptedStep(kubectl, namespace, route.hostLabel)]
      : []),
  ];
  const skipReason = routeSkipReason(front, fact);
  return {
    id: `${front}.${route.id}`,
    claim: route.claim,
    source: label(lab.client),
    target: `http://${host}${route.path} at ${address}${backend === undefined ? "" : ` -> ${backend.name}:${backend.port}`}`,
    steps: [
      ...ready,
      context.exec(
        lab.client,
        frontProbe({ host, path: route.path }, address, HTTP_PORT, context.topology.timeouts),
      ),
    ],
    expected: marker === null ? "the controller's own 404" : `the page contains "${marker}"`,
    expectation: { type: "routed", marker },
    tests: [
      testedPod(lab.client.pod),
      ...(backend === undefined ? [] : [testedService(backend.name), testedPod(backend.target.pod)]),
      testedFront(front),
    ],
    from: podEnd(lab.client),
    to: frontEnd(front),
    via: "controller",
    // The controller may run on any node, and forwards to the backend from there.
    ...context.between(clientNode, undefined),
    ...(skipReason === undefined ? {} : { skipReason }),
  };
}
