import { describe, expect, it } from "vitest";
import { formatReport, summarize } from "../../../lib/checks/report";
import type { CheckResult } from "../../../lib/checks/types";
import { formatWalkthrough, outcomeLabel, type WalkthroughInput } from "../../../lib/results/walkthrough";
import { capture, fixtureText } from "../../support/fixtures";
import { type CapturedLab, capturedLab, FACTS, stepOf } from "./capturedRuns";
import { labFixture } from "./fixtures";

const walkthroughOf = (lab: CapturedLab, extra: Partial<WalkthroughInput> = {}): string =>
  formatWalkthrough({ namespace: "netlab", ...lab, facts: FACTS, ...extra });

/** The part of a walkthrough about one check: from its heading to the next heading. */
function checkPart(markdown: string, id: string): string {
  const start = markdown.indexOf(`\n### ${id}: `);
  if (start < 0) throw new Error(`no check ${id} in the walkthrough`);
  const end = markdown.slice(start + 1).search(/\n##/);
  return end < 0 ? markdown.slice(start + 1) : markdown.slice(start + 1, start + 1 + end);
}

/** The text of a section, from its heading to the next section. */
function sectionPart(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = markdown.slice(start + 1).search(/\n## /);
  return end < 0 ? markdown.slice(start + 1) : markdown.slice(start + 1, start + 1 + end);
}

/** A code block of a list item, as the walkthrough indents it. */
const block = (...lines: string[]): string =>
  ["  ```", ...lines.map((line) => `  ${line}`), "  ```"].join("\n");

describe("the walkthrough of a healthy lab on two nodes, from captured outputs", () => {
  const lab = capturedLab();
  const markdown = walkthroughOf(lab);

  it("passes every check on the captures", () => {
    expect(lab.results.filter((r) => r.outcome !== "passed").map((r) => r.id)).toEqual([]);
  });

  it("retells the tutorial's sections in its order, every check in run order with its outcome", () => {
    expect([...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual([
      "The cluster",
      "1. Inside a pod: containers share one network",
      "2. From a node to a pod",
      "3. From pod to pod",
      "4. Cluster DNS: kube-dns",
      "5. Services: kubectl expose",
      "6. IPv6 on a dual-stack cluster",
    ]);
    expect([...markdown.matchAll(/^### (\S+): (.+)$/gm)].map((m) => [m[1], m[2]])).toEqual(
      lab.results.map((r) => [r.id, outcomeLabel(r)]),
    );
    expect(markdown).toContain("\n**36 passed, 0 failed, 0 skipped, of 36 checks.**\n");
    expect(sectionPart(markdown, "4. Cluster DNS: kube-dns")).toContain(
      "18 checks: 18 passed, 0 failed, 0 skipped.",
    );
  });

  it("lists the cluster's nodes, pods and Services as the run read them", () => {
    const cluster = sectionPart(markdown, "The cluster");
    expect(cluster).toContain("| `node-1` | `172.18.0.2` | `netlab-node-probe-k7x2p` | yes |");
    expect(cluster).toContain("| `node-2` | `172.18.0.3` | `netlab-node-probe-m4q9z` | no |");
    expect(cluster).toContain("| `pod-nginx` | `10.244.1.11, fd00:10:244:1::b` | `node-2` |");
    expect(cluster).toContain("| `kube-system/kube-dns` | `10.96.0.10` | - |");
    expect(cluster).toContain("| `default/kubernetes` | `10.96.0.1` | - |");
    expect(cluster).toContain("| `netlab/svc-nodeport-httpd` | `10.96.41.17` | `31000` |");
    expect(cluster).toContain("| `netlab/svc-dualstack-nginx` | `10.96.91.153, fd00:10:96::56a6` | - |");
  });

  it("gives each check's claim, ends, rerun command, one line per step, and verdict as `checks` does", () => {
    for (const result of lab.results) {
      const part = checkPart(markdown, result.id);
      expect(part).toContain(`> ${result.claim.replace(/</g, "\\<").replace(/>/g, "\\>")}\n`);
      const commands = /```sh\n([\s\S]*?)\n```/.exec(part)?.[1];
      expect(commands?.split("\n").join(" && ")).toBe(result.command);
      expect(part).toContain(`: \`${result.observed}\``);
    }
    expect(checkPart(markdown, "pod-demo.pod-name")).toContain("To see it yourself, one after the other:");
  });

  it("pod-demo: the page, the hosts file line, the hostname and hosts file, the shared network, the refusal", () => {
    expect(checkPart(markdown, "pod-demo.localhost")).toContain(
      `- pod-demo/cntr-centos got the page's lines with "It works!":\n\n${block("<html><body><h1>It works!</h1></body></html>")}`,
    );
    // The timing line curl adds after the page is the lab's, not the server's.
    expect(checkPart(markdown, "pod-demo.localhost")).toContain("**Passed** (TCP connect 2.38 ms)");
    expect(checkPart(markdown, "pod-demo.localhost")).not.toMatch(/^ {2}netlab-timing/m);
    expect(checkPart(markdown, "pod-demo.pod-name")).toContain(
      `- getent hosts pod-demo (/etc/hosts first) in pod-demo/cntr-centos:\n\n${block("10.244.0.7      pod-demo")}`,
    );
    const hosts = fixtureText("kubelet", "etc-hosts-pod-demo.txt").trimEnd().split("\n");
    const identity = checkPart(markdown, "pod-demo.hostname");
    expect(identity).toContain(
      block("==> /proc/sys/kernel/hostname <==", "pod-demo", "==> /etc/hosts <==", ...hosts),
    );
    expect(identity).toContain("- pod-demo/cntr-centos: the same, line for line, as pod-demo/cntr-httpd.");
    const network = checkPart(markdown, "pod-demo.shared-network");
    expect(network).toContain(
      block(
        "netns: net:[4026532245]",
        "interfaces: eth0 lo",
        "eth0 mac: e6:b2:8d:4c:3d:5c",
        "local addresses (from /proc/net/fib_trie): 10.244.0.7 127.0.0.1",
      ),
    );
    expect(network).toContain("- pod-demo/cntr-centos: the same, line for line, as pod-demo/cntr-httpd.");
    expect(checkPart(markdown, "pod-demo.closed-port")).toContain(
      `- the connection from pod-demo/cntr-centos (exit 7):\n\n${block(capture("curl", "refused").stderr.trim())}`,
    );
  });

  it("node to pod: the node probe on each node, its command and the page", () => {
    const other = checkPart(markdown, "node-to-pod.pod-demo.other-node");
    expect(other).toContain(
      "from `node node-2 172.18.0.3 (host network)` to `pod-demo/cntr-httpd via 10.244.0.7:80`",
    );
    expect(other).toContain("exec --namespace netlab netlab-node-probe-m4q9z --container probe -- curl");
    expect(other).toContain('- netlab-node-probe-m4q9z/probe got the page\'s lines with "It works!":');
  });

  it("pod to pod: the raw response's status line and the lines of the page with its marker", () => {
    expect(checkPart(markdown, "pod-to-pod.pod-httpd.pod-nginx")).toContain(
      block("HTTP/1.1 200 OK", "<title>Welcome to nginx!</title>", "<h1>Welcome to nginx!</h1>"),
    );
  });

  it("DNS: kube-dns's ClusterIP, each resolv.conf, each nslookup answer", () => {
    expect(checkPart(markdown, "dns.kube-dns-service")).toContain(
      `- the API: the Service's ClusterIP:\n\n${block("10.96.0.10")}`,
    );
    const resolv = fixtureText("kubelet", "resolv-conf-pod.txt").trimEnd().split("\n");
    expect(checkPart(markdown, "dns.resolv-conf.pod-nginx")).toContain(
      `- /etc/resolv.conf in pod-nginx/cntr-nginx:\n\n${block(...resolv)}`,
    );
    expect(checkPart(markdown, "dns.svc-clusterip-nginx.fqdn.tcp")).toContain(
      block(
        "Server:\t\t10.96.0.10",
        "Address:\t10.96.0.10#53",
        "Name:\tsvc-clusterip-nginx.netlab.svc.cluster.local",
        "Address: 10.96.203.5",
      ),
    );
    const api = checkPart(markdown, "dns.kubernetes-default");
    expect(api).toContain(`- the API: the ClusterIP of default/kubernetes:\n\n${block("10.96.0.1")}`);
    expect(api).toContain("Name:\tkubernetes.default.svc.cluster.local");
  });

  it("Services: the endpoints the check waited for, then the page, by name and through each node", () => {
    const byName = checkPart(markdown, "service.svc-clusterip-nginx.cluster-ip");
    expect(byName).toContain(
      `- the Service's EndpointSlices, as the check waited for them:\n\n${block("10.244.1.11=true")}`,
    );
    expect(byName).toContain("<title>Welcome to nginx!</title>");
    expect(checkPart(markdown, "service.svc-nodeport-httpd.node-port.other-node")).toContain(
      "to `172.18.0.3:31000 -> pod-httpd/cntr-httpd` (`cross-node node-2>node-1`)",
    );
  });
});

describe("the walkthrough of failures, skips and checks left out", () => {
  const timeout = stepOf(capture("curl", "connect-timeout"));
  const nxdomain = stepOf(capture("nslookup-bind", "nxdomain"));
  const missingTool = stepOf(
    { stdout: "", stderr: fixtureText("kubelet", "exec-missing-tool.stderr"), exit: 1 },
    { remoteExit: undefined },
  );
  const lab = capturedLab({
    "pod-to-pod.pod-httpd.pod-nginx": [timeout],
    "dns.svc-clusterip-nginx.short": [nxdomain],
    "pod-demo.localhost": [missingTool],
  });
  const leftOut = ["dns.svc-nodeport-httpd.short.tcp"];
  const results = lab.results.filter((r) => !leftOut.includes(r.id));
  const markdown = walkthroughOf({ ...lab, results }, { leftOut });

  it("says each failure's kind, what came back and the same observed value as `checks`", () => {
    const failed = (id: string) => results.find((r) => r.id === id) as CheckResult;
    expect(checkPart(markdown, "pod-to-pod.pod-httpd.pod-nginx")).toContain(
      `- the request from pod-httpd/cntr-httpd failed (exit 28):\n\n${block(timeout.stderr.trim())}`,
    );
    expect(markdown).toContain(
      `**Failed (timeout)**: \`${failed("pod-to-pod.pod-httpd.pod-nginx").observed}\``,
    );
    expect(checkPart(markdown, "dns.svc-clusterip-nginx.short")).toContain(
      block("Server:\t\t10.96.0.10", "Address:\t10.96.0.10#53", "** server can't find no-such-svc: NXDOMAIN"),
    );
    expect(markdown).toMatch(/^### dns\.svc-clusterip-nginx\.short: failed \(dns-failure\)$/m);
    const exec = checkPart(markdown, "pod-demo.localhost");
    expect(exec).toMatch(/^### pod-demo\.localhost: failed \(exec-error\)$/m);
    expect(exec).toContain("- kubectl exec into pod-demo/cntr-centos failed (exit 1):");
    expect(exec).toContain('exec: "no-such-tool": executable file not found');
  });

  it("counts as the report does, and names the checks left out in their section", () => {
    const { passed, failed, skipped, total } = summarize(results);
    expect(markdown).toContain(
      `**${passed} passed, ${failed} failed, ${skipped} skipped, of ${total} checks.** 1 left out by checksOnly/checksSkip.`,
    );
    expect(formatReport(results, leftOut)).toContain(`${failed}/${total} checks failed:`);
    expect(sectionPart(markdown, "4. Cluster DNS: kube-dns")).toContain(
      "17 checks: 16 passed, 1 failed, 0 skipped. Left out by checksOnly/checksSkip: `dns.svc-nodeport-httpd.short.tcp`.",
    );
    expect(markdown).not.toMatch(/^### dns\.svc-nodeport-httpd\.short\.tcp:/m);
  });

  it("says a skipped check was not run, why, and shows no command or answer for it", () => {
    const reason = "namespace netlab forbids hostNetwork";
    const facts = { ...FACTS, nodeProbeSkipReason: reason };
    const text = walkthroughOf(capturedLab({}, facts), { facts });
    const part = checkPart(text, "node-to-pod.pod-demo.same-node");
    expect(part).toMatch(/^### node-to-pod\.pod-demo\.same-node: skipped$/m);
    expect(part).toContain("It would go from `node node-1 172.18.0.2 (host network)`");
    expect(part).toContain(`**Skipped**, not run: ${reason}.`);
    expect(part).not.toContain("```");
    expect(text).toContain(`No node probe could run: ${reason}.`);
  });

  it("says when a section has no check in this run", () => {
    const text = walkthroughOf({ runs: [], results: [] }, { leftOut: ["pod-demo.localhost"] });
    expect(sectionPart(text, "1. Inside a pod: containers share one network")).toContain(
      "No check of this section ran in this run. Left out by checksOnly/checksSkip: `pod-demo.localhost`.",
    );
    expect(sectionPart(text, "3. From pod to pod")).toContain("No check of this section ran in this run.");
  });

  it("says when a check's raw output was not recorded", () => {
    const text = walkthroughOf({ runs: [], results: lab.results.slice(0, 1) });
    expect(checkPart(text, "pod-demo.localhost")).toContain(
      "No output of this check was recorded in this run.",
    );
  });
});

describe("the walkthrough of awkward values", () => {
  const { results } = labFixture("awkward-values");
  const markdown = walkthroughOf({ runs: [], results });

  it("keeps every value as text: no HTML, no markup, no control characters", () => {
    expect(markdown).toContain("### quotes.\"double\" \\& 'single': failed (refused)");
    expect(markdown).toContain("> A claim with \\<angle brackets\\>, \\& ampersands,");
    expect(markdown).not.toMatch(/(?![\t\n])\p{Cc}/u);
    expect(markdown).not.toMatch(/(?<!\\)<angle/);
    // Every check is listed, in the section its id names, after the tutorial's own.
    expect((markdown.match(/^### /gm) ?? []).length).toBe(results.length);
    expect(markdown).toMatch(/^## 7\. Other checks$/m);
  });
});

describe("the evidence and the diagnosis of a check", () => {
  // The shapes of lib/checks/evidence and lib/checks/diagnosis, written here: only their rendering is tested.
  const lab = capturedLab({ "pod-to-pod.pod-httpd.pod-nginx": [stepOf(capture("curl", "connect-timeout"))] });
  const results = lab.results.map((r): CheckResult => {
    if (r.id !== "pod-to-pod.pod-httpd.pod-nginx") return r;
    return {
      ...r,
      evidence: [
        { link: "source", status: "observed", value: "pod pod-httpd 10.244.1.10 on node node-1" },
        { link: "route", status: "not read", reason: "the image has no ip command" },
      ],
      diagnosis: {
        rule: "cross-node-drop",
        cause:
          "the same-node path passes, but the cross-node path times out: traffic between the nodes is dropped",
        summary: "traffic between the nodes is dropped",
        see: "kubectl get nodes -o wide",
        sharedBy: ["pod-to-pod.pod-httpd.pod-nginx", "pod-to-pod.pod-nginx.pod-httpd"],
      },
    };
  });
  const part = checkPart(walkthroughOf({ ...lab, results }), "pod-to-pod.pod-httpd.pod-nginx");

  it("lists each link of the evidence, observed or not read with the reason", () => {
    expect(part).toContain(
      "The evidence, read from the cluster in this run:\n\n" +
        "- source: `pod pod-httpd 10.244.1.10 on node node-1`\n" +
        "- route: not read, the image has no ip command\n",
    );
  });

  it("says why a failure failed, which checks share the cause, and the command that shows it", () => {
    expect(part).toContain(
      "**Why**: the same-node path passes, but the cross-node path times out: traffic between the nodes is " +
        "dropped. The same cause broke 2 checks: `pod-to-pod.pod-httpd.pod-nginx`, `pod-to-pod.pod-nginx.pod-httpd`.",
    );
    expect(part).toContain("To see it:\n\n```sh\nkubectl get nodes -o wide\n```");
    expect(part.indexOf("**Failed (timeout)**")).toBeLessThan(part.indexOf("**Why**"));
  });
});
