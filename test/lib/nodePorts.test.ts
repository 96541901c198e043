import { describe, expect, it } from "vitest";
import { dryRunRead, READS } from "../../lib/clusterReads";
import { DEFAULT_SERVICES } from "../../lib/config";
import {
  askedNodePorts,
  nodePortFacts,
  nodePortProblem,
  parseNodePortHolders,
  requestedNodePort,
} from "../../lib/nodePorts";
import { capture } from "../support/fixtures";

const httpd = DEFAULT_SERVICES.httpd;
const ok = (stdout: string) => ({ exit: 0, stdout, stderr: "" });

describe("node ports held in the cluster", () => {
  it("reads each Service's node ports, leaving out Services without one", () => {
    expect(
      parseNodePortHolders(
        "default\tkubernetes\t\nlearner-1\tsvc-nodeport-httpd\t31000\nx\ty\t30001 30002\n",
      ),
    ).toEqual([
      { namespace: "learner-1", service: "svc-nodeport-httpd", port: 31000 },
      { namespace: "x", service: "y", port: 30001 },
      { namespace: "x", service: "y", port: 30002 },
    ]);
  });

  it("reads the API server's answer to a dry run: taken (its real words) or free", () => {
    const facts = nodePortFacts({
      [dryRunRead(31000)]: capture("kubectl", "nodeport-taken-dry-run"),
      [dryRunRead(31001)]: ok("service/netlab-node-port-trial"),
    });
    expect(facts.dryRuns[31000]).toEqual({
      taken: true,
      said: expect.stringMatching(/provided port is already allocated$/),
    });
    expect(facts.dryRuns[31001]?.taken).toBe(false);
    expect(facts.cluster).toBeUndefined();
  });
});

describe("nodePortProblem", () => {
  const learner1 = { namespace: "learner-1", service: "svc-nodeport-httpd", port: 31000 };

  it("names the Service that holds the port, and the way out", () => {
    const facts = nodePortFacts({ [READS.nodePorts]: ok("learner-1\tsvc-nodeport-httpd\t31000\n") });
    expect(nodePortProblem("httpd", httpd, "learner-2", facts)).toBe(
      "services.httpd.nodePort: 31000 is already allocated to Service learner-1/svc-nodeport-httpd: a node port is cluster-wide, one Service in the whole cluster may hold it. " +
        'Choose a free port in 30000-32767, or "auto" to let Kubernetes pick a free one (pulumi config set --path services.httpd.nodePort auto).',
    );
  });

  it("uses the dry run's answer where the credentials may not list other namespaces", () => {
    const facts = nodePortFacts({
      [READS.nodePorts]: capture("kubectl", "forbidden-services-all"),
      [READS.namespaceNodePorts]: ok(""),
      [dryRunRead(31000)]: capture("kubectl", "nodeport-taken-dry-run"),
    });
    expect(nodePortProblem("httpd", httpd, "learner-2", facts)).toMatch(
      /^services\.httpd\.nodePort: 31000 is already allocated to a Service in a namespace these credentials may not list \(the API server said, to a dry run in learner-2: "error: failed to create NodePort service: .*provided port is already allocated"\)\. Choose a free port/,
    );
  });

  it("lets the lab keep the port its own Service holds, and says nothing of a free one or of auto", () => {
    expect(
      nodePortProblem("httpd", httpd, "learner-1", { cluster: [learner1], dryRuns: {} }),
    ).toBeUndefined();
    expect(
      nodePortProblem("httpd", httpd, "learner-1", {
        namespace: [learner1],
        dryRuns: { 31000: { taken: true, said: "" } },
      }),
    ).toBeUndefined();
    expect(
      nodePortProblem("httpd", { ...httpd, nodePort: 31001 }, "learner-2", {
        cluster: [learner1],
        dryRuns: {},
      }),
    ).toBeUndefined();
    expect(
      nodePortProblem("httpd", { ...httpd, nodePort: "auto" }, "learner-2", {
        cluster: [learner1],
        dryRuns: {},
      }),
    ).toBeUndefined();
  });

  it("asks Kubernetes for the configured port, none for auto, and dry-runs only numbers", () => {
    expect(requestedNodePort(31000)).toBe(31000);
    expect(requestedNodePort("auto")).toBeUndefined();
    expect(askedNodePorts({ httpd: { ...httpd, nodePort: "auto" }, nginx: DEFAULT_SERVICES.nginx })).toEqual(
      [],
    );
    expect(askedNodePorts(DEFAULT_SERVICES)).toEqual([31000]);
  });
});
