import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { ReadAnswer } from "../../lib/clusterReads";
import {
  chooseGatewayClass,
  chooseIngressClass,
  frontStatusCommand,
  parseGatewayClasses,
  parseIngressClasses,
  readFrontStatus,
  ROUTE_CASES,
  ROUTE_RULES,
  routeAcceptedStep,
  routeHost,
  STATUS_READ_FAILED,
} from "../../lib/ingress";
import { capture, fixtureText } from "../support/fixtures";

const read = (stdout: string, stderr = "", exit = 0): ReadAnswer => ({ stdout, stderr, exit });
const captured = (name: string): ReadAnswer => {
  const c = capture("ingress", name);
  return read(c.stdout, c.stderr, c.exit);
};
const INGRESS_CLASSES = read(fixtureText("ingress", "ingressclasses.json"));
const GATEWAY_CLASSES = read(fixtureText("ingress", "gatewayclasses.json"));
const statusOf = (file: string) =>
  JSON.stringify((JSON.parse(fixtureText("ingress", file)) as { status: unknown }).status);
// A real Forbidden answer to a cluster-scoped list (of nodes, by a learner's credentials): what a learner
// without cluster-wide read rights gets for the IngressClasses too.
const FORBIDDEN = (() => {
  const c = capture("kubectl", "forbidden-nodes");
  return read(c.stdout, c.stderr, c.exit);
})();

describe("the classes, as the e2e cluster's Traefik serves them", () => {
  it("reads the default IngressClass and the accepted GatewayClass with their controllers", () => {
    expect(parseIngressClasses(INGRESS_CLASSES.stdout)).toEqual([
      { name: "traefik", controller: "traefik.io/ingress-controller", isDefault: true },
    ]);
    expect(parseGatewayClasses(GATEWAY_CLASSES.stdout)).toEqual([
      { name: "traefik", controller: "traefik.io/gateway-controller", accepted: true },
    ]);
    expect(parseIngressClasses(captured("ingressclasses-none").stdout)).toEqual([]);
  });

  it("uses the cluster's default IngressClass, or the one configured when it exists", () => {
    const traefik = { use: { name: "traefik", controller: "traefik.io/ingress-controller" } };
    expect(chooseIngressClass(INGRESS_CLASSES, undefined)).toEqual(traefik);
    expect(chooseIngressClass(INGRESS_CLASSES, "traefik")).toEqual(traefik);
    expect(chooseIngressClass(INGRESS_CLASSES, "nginx")).toEqual({
      skip: 'the cluster has no IngressClass "nginx" (ingress.className); it has: traefik',
    });
  });

  it("skips, saying why, without a class, with several defaults, or when the classes may not be listed", () => {
    expect(chooseIngressClass(captured("ingressclasses-none"), undefined)).toEqual({
      skip: "the cluster has no IngressClass: no ingress controller is installed",
    });
    const list = JSON.parse(INGRESS_CLASSES.stdout) as { items: { metadata: { name: string } }[] };
    const second = structuredClone(list.items[0]) as { metadata: { name: string } };
    second.metadata.name = "other";
    const twoDefaults = read(JSON.stringify({ ...list, items: [...list.items, second] }));
    expect(chooseIngressClass(twoDefaults, undefined)).toEqual({
      skip: "several IngressClasses are marked default (traefik, other); set ingress.className",
    });
    expect(chooseIngressClass(FORBIDDEN, undefined)).toEqual({
      skip: "the IngressClasses could not be listed (forbidden for these credentials), so the cluster's default is not known; set ingress.className",
    });
    // A class set in config is used as it is when the classes may not be listed.
    expect(chooseIngressClass(FORBIDDEN, "traefik")).toEqual({ use: { name: "traefik" } });
  });

  it("tells a cluster without the Gateway API from one without a GatewayClass", () => {
    expect(chooseGatewayClass(captured("gatewayclasses-none"), undefined)).toEqual({
      skip: "the cluster does not serve the Gateway API (no GatewayClass resource)",
    });
    expect(chooseGatewayClass(read('{"apiVersion":"v1","items":[],"kind":"List"}'), undefined)).toEqual({
      skip: "the cluster serves the Gateway API but has no GatewayClass: no Gateway controller is installed",
    });
    expect(chooseGatewayClass(GATEWAY_CLASSES, undefined)).toEqual({
      use: { name: "traefik", controller: "traefik.io/gateway-controller" },
    });
  });
});

describe("the controller's status", () => {
  it("reads the address Traefik published for an Ingress and a Gateway, with the Gateway's conditions", () => {
    expect(readFrontStatus(statusOf("ingress.json"))).toEqual({ address: "10.250.0.1" });
    expect(readFrontStatus(statusOf("gateway.json"))).toEqual({
      address: "10.250.0.1",
      conditions: "Accepted=True, Programmed=True",
    });
  });

  it("finds no address where no controller wrote one, and says why a read failed", () => {
    expect(readFrontStatus(statusOf("ingress-no-controller.json"))).toEqual({});
    expect(readFrontStatus("")).toEqual({});
    expect(
      readFrontStatus(
        `${STATUS_READ_FAILED}\nError from server (NotFound): ingresses.networking.k8s.io "ing-tutorial" not found\n`,
      ),
    ).toEqual({
      problem: 'Error from server (NotFound): ingresses.networking.k8s.io "ing-tutorial" not found',
    });
  });

  it("waits for the address with a bound, then reads the status: a script sh accepts", () => {
    const script = frontStatusCommand({ requestTimeoutSeconds: 10 }, "netlab", "gateway", 60);
    expect(script).toContain("netlab_end=$(($(date +%s) + 60))");
    // An address that came only while waiting: the controller gets its moment to apply what it took.
    expect(script).toContain('if [ "$netlab_waited" = 1 ]; then sleep 2; fi');
    expect(script).toContain(
      "timeout 15 kubectl --request-timeout=10s get gateway.gateway.networking.k8s.io gw-tutorial",
    );
    expect(() => execFileSync("sh", ["-n", "-c", script])).not.toThrow();
  });
});

describe("the wait for an HTTPRoute's acceptance", () => {
  it("asks kubectl for one line per parent, its jsonpath's line breaks written as kubectl reads them", () => {
    const { argv, kind, until } = routeAcceptedStep({ requestTimeoutSeconds: 30 }, "netlab", "paths");
    expect({ kind, until }).toEqual({ kind: "wait", until: "accepted=True" });
    expect(argv.slice(-6, -1)).toEqual([
      "httproutes.gateway.networking.k8s.io",
      "route-paths",
      "--namespace",
      "netlab",
      "--output",
    ]);
    // kubectl's jsonpath takes "\n" (backslash, n) inside its quotes; a real line break is a parse error.
    expect(argv.at(-1)).toBe(
      'jsonpath={range .status.parents[*]}accepted={.conditions[?(@.type=="Accepted")].status}{"\\n"}changed={.conditions[?(@.type=="Accepted")].lastTransitionTime}{"\\n"}{end}',
    );
    expect(argv.at(-1)).not.toContain("\n");
  });
});

describe("the routes", () => {
  it("name every host after the namespace, and each case's host has a rule or is meant to have none", () => {
    expect(routeHost("ingress", "paths", "learner-2", "netlab.test")).toBe("paths.learner-2.netlab.test");
    expect(routeHost("gateway", "paths", "learner-2", "netlab.test")).toBe(
      "paths.gateway.learner-2.netlab.test",
    );
    const hosts = new Set(ROUTE_RULES.map((rule) => rule.hostLabel));
    for (const route of ROUTE_CASES) {
      const rule = ROUTE_RULES.find((r) => r.hostLabel === route.hostLabel);
      const match = rule?.paths.find((p) =>
        p.match === "exact" ? p.path === route.path : route.path.startsWith(p.path),
      );
      expect(match?.backend, route.id).toBe(route.lands);
      if (route.lands !== undefined) expect(hosts.has(route.hostLabel)).toBe(true);
    }
  });
});
