import { describe, expect, it } from "vitest";
import { clusterProblem, unreadFacts, unreadLines } from "../../lib/access";
import { READS, type ReadAnswer, readFailure } from "../../lib/clusterReads";
import { capture } from "../support/fixtures";

const target = { kubeconfig: "/home/ann/.kube/config", context: "class", requestTimeoutSeconds: 30 };

/** The namespace's own listing answered as kubectl answered one of the captured calls. */
const namespaceAnswer = (name: string): Record<string, ReadAnswer> => ({
  [READS.namespaceObjects]: capture("kubectl", name),
});

describe("clusterProblem: a clear stop before anything is built", () => {
  it.each([
    ["kubectl-missing", /^kubectl was not found on the PATH: /],
    [
      "kubeconfig-missing",
      /^the kubeconfig \/home\/ann\/.kube\/config cannot be used: kubectl said "error: stat \/nonexistent\/kubeconfig: no such file or directory"\. Set the config key kubeconfig/,
    ],
    [
      "kubeconfig-garbage",
      /^the kubeconfig .* cannot be used: kubectl said "error: error loading config file .*yaml: line 2: mapping values are not allowed in this context"/,
    ],
    [
      "context-missing",
      /^the kubeconfig \/home\/ann\/.kube\/config has no context "class": kubectl said "Error in configuration: context was not found for specified context: no-such-context"\. Set the config key context/,
    ],
    [
      "server-refused",
      /is unreachable: .* said "The connection to the server 127\.0\.0\.1:1 was refused - did you specify the right host or port\?"/,
    ],
    ["server-silent", /is unreachable: .* said "Unable to connect to the server: /],
  ])("%s: kubectl's real answer becomes one sentence that says what to fix", (name, message) => {
    const problem = clusterProblem(namespaceAnswer(name), target, "learner-2");
    expect(problem).toMatch(message);
    expect(problem).toMatch(/Nothing was created\.$/);
    expect(problem).not.toMatch(/\n/);
  });

  it("stops when the credentials may not even list pods in the lab's namespace, naming the role it needs", () => {
    const forbidden = capture("kubectl", "forbidden-nodes");
    const answers = { [READS.namespaceObjects]: { ...forbidden, stdout: "" } };
    expect(clusterProblem(answers, target, "learner-2")).toMatch(
      /^these credentials may not list pods, Services and DaemonSets in namespace learner-2: .* The lab needs the admin role in its namespace/,
    );
  });

  it("lets the lab go on when its namespace is readable, or not there yet", () => {
    expect(clusterProblem(namespaceAnswer("own-namespace-objects"), target, "learner-2")).toBeUndefined();
    const notFound = {
      exit: 1,
      stdout: "",
      stderr: 'Error from server (NotFound): namespaces "x" not found',
    };
    expect(clusterProblem({ [READS.namespaceObjects]: notFound }, target, "x")).toBeUndefined();
  });
});

describe("readFailure", () => {
  it.each([
    ["forbidden-nodes", "forbidden"],
    ["forbidden-namespaces", "forbidden"],
    ["forbidden-kube-dns-service", "forbidden"],
    ["forbidden-kube-dns-slices", "forbidden"],
    ["forbidden-services-all", "forbidden"],
    ["forbidden-combined", "forbidden"],
    ["kubectl-missing", "kubectl-missing"],
    ["server-refused", "unreachable"],
    ["server-silent", "unreachable"],
    ["context-missing", "context"],
    ["kubeconfig-missing", "kubeconfig"],
    ["own-namespace", undefined],
  ])("reads %s as %s", (name, failure) => {
    expect(readFailure(capture("kubectl", name))).toBe(failure);
  });

  it("reads a `timeout` that ended kubectl as an unreachable cluster", () => {
    expect(readFailure({ exit: 124, stdout: "", stderr: "" })).toBe("unreachable");
  });
});

describe("unreadFacts", () => {
  it("names each forbidden read once, with its cost, and the header line says them all", () => {
    const answers = {
      [READS.nodes]: capture("kubectl", "forbidden-nodes"),
      [READS.namespace]: capture("kubectl", "own-namespace"),
      [READS.kubeDnsService]: capture("kubectl", "forbidden-kube-dns-service"),
    };
    const unread = unreadFacts(answers, "learner-2");
    expect(unread.map((u) => u.read)).toEqual([
      "list nodes (cluster-wide)",
      "get service kube-dns in kube-system",
    ]);
    expect(unreadLines(unread)).toEqual([
      "not read with these credentials:",
      expect.stringMatching(
        /^ {2}list nodes \(cluster-wide\) \(forbidden\): nodes and their addresses are learned/,
      ),
      expect.stringMatching(
        /^ {2}get service kube-dns in kube-system \(forbidden\): dns\.kube-dns-service is skipped/,
      ),
    ]);
    expect(unreadLines([])).toEqual([]);
  });

  it("gives kubectl's own words for a read that failed for another reason", () => {
    const failed = { exit: 1, stdout: "", stderr: "Error from server (InternalError): etcd is down\n" };
    expect(unreadFacts({ [READS.nodes]: failed }, "netlab")).toEqual([
      expect.objectContaining({ why: "Error from server (InternalError): etcd is down" }),
    ]);
  });
});
