// Services in depth (labs: service-depth): the chapter after the tutorial, under the mocks' two-node cluster.
import { describe, expect, it } from "vitest";
import { runProgram, valueOf } from "./support/pulumiMocks";

type Fields = Record<string, unknown>;

describe("service-depth", () => {
  it("builds two agnhost backends and four Services, and judges each promise as kept", async () => {
    const { cluster, program } = await runProgram({ labs: "eg1,eg2,services,service-depth" }, "healthy", {
      runStrictGate: true,
      nodes: 2,
    });
    const spec = (name: string) => cluster.byName("kubernetes:core/v1:Service", name).inputs.spec as Fields;
    expect(spec("svc-backends")).toMatchObject({ type: "NodePort", externalTrafficPolicy: "Cluster" });
    expect(spec("svc-backends-sticky")).toMatchObject({ type: "ClusterIP", sessionAffinity: "ClientIP" });
    expect(spec("svc-backend-local")).toMatchObject({
      type: "NodePort",
      externalTrafficPolicy: "Local",
      selector: { "k8s-networking-lab/pod": "pod-backend-a" },
    });
    expect(spec("svc-nowhere").selector).toEqual({ "k8s-networking-lab/pod": "nowhere" });
    const backend = cluster.byName("kubernetes:core/v1:Pod", "pod-backend-a").inputs.spec as Fields;
    expect((backend.containers as Fields[])[0]).toMatchObject({ args: ["netexec", "--http-port=8080"] });

    const results = (await valueOf(program.checks)) ?? [];
    const depth = results.filter((r) => r.section === "service-depth");
    expect(depth.map((r) => [r.id, r.outcome])).toEqual([
      ["service-depth.hairpin.cluster-ip", "passed"],
      ["service-depth.hairpin.node-port", "passed"],
      ["service-depth.no-endpoints", "passed"],
      ["service-depth.load-balancing", "passed"],
      ["service-depth.session-affinity", "passed"],
      ["service-depth.local.backend-node", "passed"],
      ["service-depth.local.other-node", "passed"],
      ["service-depth.cluster.source-rewritten", "passed"],
      ["service-depth.large.pod-ip", "passed"],
      ["service-depth.large.pod-ipv6", "skipped"],
      ["service-depth.large.service", "passed"],
    ]);
    // On an IPv4 cluster the transfer by IPv6 is skipped, saying what the cluster gave.
    expect(depth.find((r) => r.id === "service-depth.large.pod-ipv6")?.skipReason).toBe(
      "the cluster gave pod-backend-b no IPv6 address (10.244.1.31): its pods are IPv4 only",
    );
    // The large body goes to the backend on the other node than pod-demo's, by its pod IP.
    const large = depth.find((r) => r.id === "service-depth.large.pod-ip");
    expect(large).toMatchObject({
      large: true,
      path: "cross-node",
      target: "pod-backend-b/cntr-agnhost via 10.244.1.31:8080/echo",
    });
    expect(large?.observed).toMatch(/^65536 bytes each way, checksum [0-9a-f]{12}… equal$/);
    const observed = Object.fromEntries(depth.map((r) => [r.id, r.observed]));
    expect(observed["service-depth.load-balancing"]).toBe("12/12 answered: pod-backend-a 6, pod-backend-b 6");
    expect(observed["service-depth.session-affinity"]).toBe("12/12 answered, all by pod-backend-a");
    expect(observed["service-depth.local.backend-node"]).toBe(
      "the backend saw the client's own address 172.18.0.3",
    );
    expect(observed["service-depth.local.other-node"]).toMatch(
      /^no answer, as expected: exit 28: curl: \(28\) /,
    );
    expect(observed["service-depth.cluster.source-rewritten"]).toBe(
      "the backend saw 172.18.0.2, not the client's 172.18.0.3: the source was rewritten",
    );
    expect(results.filter((r) => r.outcome === "failed")).toEqual([]);
  });

  it("sends the large body by IPv6 too on a dual-stack cluster, to the backend on the other node", async () => {
    const { program } = await runProgram({ labs: "eg1,eg2,services,service-depth" }, "healthy", {
      runStrictGate: true,
      nodes: 2,
      dualStack: true,
    });
    const results = (await valueOf(program.checks)) ?? [];
    const large = results.find((r) => r.id === "service-depth.large.pod-ipv6");
    expect(large).toMatchObject({
      outcome: "passed",
      large: true,
      path: "cross-node",
      target: "pod-backend-b/cntr-agnhost via [fd00:10:244:1::1f]:8080/echo",
    });
    expect(large?.command).toMatch(/ 'http:\/\/\[fd00:10:244:1::1f\]:8080\/echo' /);
    expect(results.filter((r) => r.outcome !== "passed")).toEqual([]);
  });

  it("skips the externalTrafficPolicy checks on one node, saying why", async () => {
    const { program } = await runProgram({ labs: "eg1,service-depth" }, "healthy", { runStrictGate: true });
    const results = (await valueOf(program.checks)) ?? [];
    const skipped = results.filter((r) => r.outcome === "skipped");
    expect(skipped.map((r) => r.id)).toEqual([
      "node-to-pod.pod-demo.other-node",
      "service-depth.local.backend-node",
      "service-depth.local.other-node",
      "service-depth.cluster.source-rewritten",
      "service-depth.large.pod-ip",
      "service-depth.large.pod-ipv6",
    ]);
    expect(skipped.at(-2)?.skipReason).toBe("no backend runs on another node than the client's (node-1)");
    expect(skipped.at(-1)?.skipReason).toBe("no backend runs on another node than the client's (node-1)");
    expect(skipped[1]?.skipReason).toMatch(
      /^the cluster has no other schedulable node with a node probe than node-1/,
    );
    // Without the tutorial's Services there is no hairpin to try.
    expect(results.some((r) => r.id.startsWith("service-depth.hairpin"))).toBe(false);
    expect(results.filter((r) => r.outcome === "failed")).toEqual([]);
  });

  it("is not built unless asked for, and needs eg1's client", async () => {
    const { cluster } = await runProgram({ checks: "false" });
    expect(cluster.ofType("kubernetes:core/v1:Pod").map((p) => p.name)).not.toContain("pod-backend-a");
    const failure = await runProgram({ labs: "eg2,service-depth" }).catch((error: unknown) => error);
    expect(String(failure)).toMatch(
      /labs: .*"service-depth" sends its requests from pod-demo's cntr-centos, so it needs "eg1" too\./,
    );
  });
});
