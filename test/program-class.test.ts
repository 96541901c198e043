// A class on one cluster: a learner whose credentials may act in their own namespace only, node ports that
// other learners hold, and the stops before anything is built.
import { describe, expect, it } from "vitest";
import { runProgram, valueOf } from "./support/pulumiMocks";

type Fields = Record<string, unknown>;

/** A learner's stack: the namespace made by the instructor, and admin rights there only. */
const LEARNER = { namespace: "learner-2", createNamespace: "false" };
const FORBIDDEN = ["nodes", "services", "kube-dns", "default"];

describe("a learner with the admin role in their own namespace only", () => {
  it("builds the lab, skips what needs other rights with the reason, and names each read it could not make", async () => {
    // On a dual-stack cluster, so that the IPv6 checks run too in the learner's namespace.
    const { cluster, program } = await runProgram(LEARNER, "healthy", {
      runStrictGate: true,
      nodes: 2,
      namespaceLabels: { "learner-2": {} },
      forbidden: FORBIDDEN,
      dualStack: true,
    });
    const results = (await valueOf(program.checks)) ?? [];
    expect(results.filter((r) => r.outcome === "failed").map((r) => [r.id, r.observed])).toEqual([]);
    const skipped = results.filter((r) => r.outcome === "skipped");
    expect(skipped.map((r) => [r.id, r.skipReason])).toEqual([
      ["dns.kube-dns-service", "get service kube-dns in kube-system is forbidden for these credentials"],
    ]);
    // Nodes and their addresses come from the lab's own pods and node probes.
    const facts = await valueOf(program.facts);
    expect(facts?.nodes.map((n) => n.name)).toEqual(["node-1", "node-2"]);
    expect(facts?.unread?.map((u) => u.read)).toEqual([
      "list nodes (cluster-wide)",
      "list services (every namespace)",
      "get service kube-dns in kube-system",
      "get service kubernetes in default",
      "list endpointslices in kube-system (kube-dns's)",
    ]);
    expect(facts?.kubeDnsIP).toBe("10.96.0.10");
    const report = (await valueOf(program.report)) ?? "";
    expect(report.split("\n").slice(3, 6)).toEqual([
      "not read with these credentials:",
      expect.stringMatching(/^ {2}list nodes \(cluster-wide\) \(forbidden\): /),
      expect.stringMatching(/^ {2}list services \(every namespace\) \(forbidden\): /),
    ]);
    // No command ever names a pod that does not exist.
    const commands = cluster.ofType("command:local:Command").map((c) => String(c.inputs.create));
    expect(commands.join("\n")).not.toMatch(/<no node probe>|<node>|<other node>/);
  });

  it("skips a check from another node, saying why, when the learner's pods share one node and nodes are unlisted", async () => {
    const { program } = await runProgram({ ...LEARNER, placement: "together" }, "healthy", {
      runStrictGate: true,
      nodes: 1,
      namespaceLabels: { "learner-2": {} },
      forbidden: FORBIDDEN,
    });
    const results = (await valueOf(program.checks)) ?? [];
    const other = results.find((r) => r.id === "node-to-pod.pod-demo.other-node");
    expect(other?.outcome).toBe("skipped");
    expect(other?.skipReason).toMatch(
      /^the cluster has no other schedulable node with a node probe than node-1 \(listing nodes is forbidden for these credentials, so only the lab's pods' nodes are known: node-1\)$/,
    );
    expect(results.filter((r) => r.outcome === "failed")).toEqual([]);
  });
});

describe("node ports across a class", () => {
  it("stops before anything is built when another Service holds the port, naming it and the way out", async () => {
    const failure = await runProgram({}, "healthy", {
      runStrictGate: true,
      nodePortHolders: [{ namespace: "learner-1", service: "svc-nodeport-httpd", port: 31000 }],
    }).catch((error: unknown) => error);
    expect(String(failure)).toMatch(
      /services\.httpd\.nodePort: 31000 is already allocated to Service learner-1\/svc-nodeport-httpd: .* or "auto" to let Kubernetes pick a free one/,
    );
  });

  it("learns a taken port from the API server's dry run where the learner may not list other namespaces", async () => {
    const failure = await runProgram(LEARNER, "healthy", {
      runStrictGate: true,
      namespaceLabels: { "learner-2": {} },
      forbidden: FORBIDDEN,
      nodePortHolders: [{ namespace: "learner-1", service: "svc-nodeport-httpd", port: 31000 }],
    }).catch((error: unknown) => error);
    expect(String(failure)).toMatch(
      /services\.httpd\.nodePort: 31000 is already allocated to a Service in a namespace these credentials may not list \(the API server said, to a dry run in learner-2: "error: failed to create NodePort service: .*provided port is already allocated"\)/,
    );
  });

  it("with auto, asks for no port and checks the one Kubernetes picked", async () => {
    const { cluster, program } = await runProgram(
      { services: JSON.stringify({ httpd: { nodePort: "auto" } }) },
      "healthy",
      {
        runStrictGate: true,
        nodes: 2,
        nodePortHolders: [{ namespace: "learner-1", service: "svc-nodeport-httpd", port: 31000 }],
      },
    );
    const service = cluster.byName("kubernetes:core/v1:Service", "svc-nodeport-httpd");
    expect(((service.inputs.spec as Fields).ports as Fields[])[0]?.nodePort).toBeUndefined();
    const picked = ((service.state.spec as Fields).ports as Fields[])[0]?.nodePort as number;
    const results = (await valueOf(program.checks)) ?? [];
    const nodePort = results.find((r) => r.id === "service.svc-nodeport-httpd.node-port.same-node");
    expect(nodePort?.target).toContain(`:${picked} -> `);
    expect(nodePort?.outcome).toBe("passed");
  });
});
