// The Ingress chapter (labs: ingress) under the mocks' two-node cluster, with and without a controller.
import { describe, expect, it } from "vitest";
import { runProgram, valueOf } from "./support/pulumiMocks";

type Fields = Record<string, unknown>;
const LABS = "eg1,eg2,services,ingress";
const ROUTES = [
  "controller",
  "host.httpd",
  "host.nginx",
  "path.root",
  "path.index",
  "unknown-host",
  "unknown-path",
];

describe("ingress", () => {
  it("routes by host and path through the cluster's controllers, and judges every route and 404", async () => {
    const { cluster, program } = await runProgram({ labs: LABS }, "healthy", {
      runStrictGate: true,
      nodes: 2,
      controllers: { ingress: true, gateway: true },
    });
    const ingress = cluster.byName("kubernetes:networking.k8s.io/v1:Ingress", "ing-tutorial").inputs;
    expect(ingress.spec).toMatchObject({
      ingressClassName: "traefik",
      rules: [
        { host: "httpd.netlab.netlab.test" },
        { host: "nginx.netlab.netlab.test" },
        {
          host: "paths.netlab.netlab.test",
          http: {
            paths: [
              {
                path: "/index.html",
                pathType: "Exact",
                backend: { service: { name: "svc-clusterip-nginx", port: { number: 80 } } },
              },
              {
                path: "/",
                pathType: "Exact",
                backend: { service: { name: "svc-nodeport-httpd", port: { number: 3050 } } },
              },
            ],
          },
        },
      ],
    });
    const gateway = cluster.byName("kubernetes:gateway.networking.k8s.io/v1:Gateway", "gw-tutorial").inputs;
    expect(gateway.spec).toMatchObject({
      gatewayClassName: "traefik",
      listeners: [{ name: "http", port: 80, protocol: "HTTP", hostname: "*.gateway.netlab.netlab.test" }],
    });
    const routes = cluster.ofType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").map((r) => r.name);
    expect(routes).toEqual(["route-httpd", "route-nginx", "route-paths"]);
    const paths = cluster.byName("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "route-paths").inputs
      .spec as Fields;
    expect(paths).toMatchObject({
      hostnames: ["paths.gateway.netlab.netlab.test"],
      rules: [
        {
          matches: [{ path: { type: "Exact", value: "/index.html" } }],
          backendRefs: [{ name: "svc-clusterip-nginx", port: 80 }],
        },
        {
          matches: [{ path: { type: "Exact", value: "/" } }],
          backendRefs: [{ name: "svc-nodeport-httpd", port: 3050 }],
        },
      ],
    });

    const results = (await valueOf(program.checks)) ?? [];
    const fronts = results.filter((r) => r.section === "ingress" || r.section === "gateway");
    expect(fronts.map((r) => [r.id, r.outcome])).toEqual(
      ["ingress", "gateway"].flatMap((front) => ROUTES.map((route) => [`${front}.${route}`, "passed"])),
    );
    const observed = Object.fromEntries(fronts.map((r) => [r.id, r.observed]));
    expect(observed["ingress.controller"]).toBe(
      "IngressClass traefik (controller traefik.io/ingress-controller) published 10.250.0.1",
    );
    expect(observed["gateway.controller"]).toBe(
      "GatewayClass traefik (controller traefik.io/gateway-controller) published 10.250.0.1; conditions Accepted=True, Programmed=True",
    );
    expect(observed["ingress.unknown-host"]).toBe("HTTP 404 from the controller: 404 page not found");
    expect(observed["gateway.path.index"]).toMatch(/^HTTP 200: <title>Welcome to nginx!<\/title>/);
    const hostCheck = fronts.find((r) => r.id === "ingress.host.httpd");
    expect(hostCheck?.command).toContain(
      "curl -sS --connect-timeout 3 --max-time 10 --resolve httpd.netlab.netlab.test:80:10.250.0.1",
    );
    expect(hostCheck?.to).toEqual({ kind: "front", front: "ingress", name: "ing-tutorial" });
    const facts = await valueOf(program.facts);
    expect(facts?.fronts).toEqual({
      ingress: {
        className: "traefik",
        controller: "traefik.io/ingress-controller",
        address: "10.250.0.1",
        addressFrom: "status",
      },
      gateway: {
        className: "traefik",
        controller: "traefik.io/gateway-controller",
        address: "10.250.0.1",
        addressFrom: "status",
      },
    });
    expect(await valueOf(program.diagram)).toContain('{{"Ingress ing-tutorial"}}');
  });

  it("skips each front, saying why, on a cluster without an ingress controller or the Gateway API", async () => {
    const { cluster, program } = await runProgram({ labs: LABS }, "healthy", {
      runStrictGate: true,
      nodes: 2,
    });
    expect(cluster.ofType("kubernetes:networking.k8s.io/v1:Ingress")).toEqual([]);
    expect(cluster.ofType("kubernetes:gateway.networking.k8s.io/v1:Gateway")).toEqual([]);
    const results = (await valueOf(program.checks)) ?? [];
    const reasons = new Set(
      results
        .filter((r) => r.section === "ingress" || r.section === "gateway")
        .map((r) => `${r.outcome}: ${r.skipReason}`),
    );
    expect([...reasons]).toEqual([
      "skipped: the cluster has no IngressClass: no ingress controller is installed",
      "skipped: the cluster does not serve the Gateway API (no GatewayClass resource)",
    ]);
    expect(results.filter((r) => r.outcome === "failed")).toEqual([]);
  });

  it("uses the class and address set in config", async () => {
    const { cluster, program } = await runProgram(
      { labs: LABS, ingress: JSON.stringify({ className: "nowhere", address: "10.250.0.1" }) },
      "healthy",
      { runStrictGate: true, nodes: 2, controllers: { ingress: true, gateway: true } },
    );
    // No such IngressClass: the Ingress is not built, and its checks say why.
    expect(cluster.ofType("kubernetes:networking.k8s.io/v1:Ingress")).toEqual([]);
    const results = (await valueOf(program.checks)) ?? [];
    expect(results.find((r) => r.id === "ingress.host.httpd")?.skipReason).toBe(
      'the cluster has no IngressClass "nowhere" (ingress.className); it has: traefik',
    );
    // The Gateway goes to the configured address, whatever its status says.
    expect(results.find((r) => r.id === "gateway.controller")?.observed).toBe(
      "GatewayClass traefik (controller traefik.io/gateway-controller): requests go to 10.250.0.1 (ingress.address); it published 10.250.0.1; conditions Accepted=True, Programmed=True",
    );
    expect(results.filter((r) => r.section === "gateway").every((r) => r.outcome === "passed")).toBe(true);
  });

  it("fails where the controller never takes the objects, or nothing answers at the address", async () => {
    const silent = await runProgram(
      { labs: LABS, ingress: JSON.stringify({ addressWaitSeconds: 5 }) },
      "healthy",
      { runStrictGate: true, nodes: 2, controllers: { ingress: true, silent: true } },
    );
    const quiet = (await valueOf(silent.program.checks)) ?? [];
    expect(quiet.find((r) => r.id === "ingress.controller")).toMatchObject({
      outcome: "failed",
      failure: "wrong-answer",
      observed:
        "IngressClass traefik (controller traefik.io/ingress-controller) published no address for the lab's Ingress: its controller has not taken it",
    });
    expect(quiet.find((r) => r.id === "ingress.host.httpd")?.skipReason).toBe(
      "no address to reach the controller at: see ingress.controller",
    );

    const elsewhere = await runProgram(
      { labs: LABS, ingress: JSON.stringify({ address: "10.250.0.2" }) },
      "healthy",
      { runStrictGate: true, nodes: 2, controllers: { ingress: true } },
    );
    const refused = ((await valueOf(elsewhere.program.checks)) ?? []).filter((r) => r.section === "ingress");
    expect(refused.map((r) => [r.id, r.outcome, r.failure])).toEqual([
      ["ingress.controller", "passed", undefined],
      ...ROUTES.slice(1).map((route) => [`ingress.${route}`, "failed", "refused"]),
    ]);
  });

  it("leaves the Gateway out, saying why, where the credentials may not create one", async () => {
    const { cluster, program } = await runProgram({ labs: LABS }, "healthy", {
      runStrictGate: true,
      nodes: 2,
      controllers: { ingress: true, gateway: true },
      forbidden: ["gateways"],
    });
    expect(cluster.ofType("kubernetes:gateway.networking.k8s.io/v1:Gateway")).toEqual([]);
    const results = (await valueOf(program.checks)) ?? [];
    expect(results.find((r) => r.id === "gateway.controller")?.skipReason).toBe(
      "these credentials may not create Gateways in namespace netlab: the built-in admin role does not cover the Gateway API (docs/class.md has a Role for it)",
    );
    expect(results.filter((r) => r.section === "ingress").every((r) => r.outcome === "passed")).toBe(true);
  });

  it("needs the tutorial's Services and eg1's client", async () => {
    const failure = await runProgram({ labs: "eg1,ingress" }).catch((error: unknown) => error);
    expect(String(failure)).toMatch(/labs: .*"ingress" routes to the Services of "services"/);
  });
});
