import { describe, expect, it } from "vitest";
import { judgeCheck } from "../../../lib/checks/judge";
import type { CheckPlan, Expectation, Step, StepResult } from "../../../lib/checks/types";
import { routeAcceptedStep } from "../../../lib/ingress";
import { capture, fixtureText, type Capture } from "../../support/fixtures";

/** A step result as the runner reports a `kubectl exec` whose command printed `c`. */
function step(c: Capture, extra: Partial<StepResult> = {}): StepResult {
  return {
    kubectlExit: c.exit,
    remoteExit: c.exit,
    attempts: 1,
    durationMs: 12,
    timedOut: false,
    stdout: c.stdout,
    stderr: c.stderr,
    ...extra,
  };
}
const text = (stdout: string, exit = 0): Capture => ({ stdout, stderr: "", exit });

function plan(expectation: Expectation, steps = 1): CheckPlan {
  return {
    id: "some.check",
    claim: "A claim.",
    source: "a",
    target: "b",
    steps: Array.from({ length: steps }, () => ({
      kind: "exec" as const,
      argv: ["kubectl", "exec", "p", "--", "x"],
    })),
    expected: "something",
    expectation,
    tests: [],
    from: { kind: "pod", pod: "a" },
    to: { kind: "pod", pod: "b" },
    via: "pod-ip",
    path: "same-node",
  };
}

const httpd = { type: "http", tool: "curl", marker: "It works!" } as const;
const nginxByBash = { type: "http", tool: "bash-tcp", marker: "Welcome to nginx!" } as const;

describe("http checks", () => {
  it("pass on the real pages", () => {
    const curl = judgeCheck(plan(httpd), [step(capture("curl", "httpd-it-works"))]);
    expect(curl).toMatchObject({
      outcome: "passed",
      observed: "<html><body><h1>It works!</h1></body></html>",
    });
    expect(curl.failure).toBeUndefined();
    const bash = judgeCheck(plan(nginxByBash), [step(capture("bash-tcp", "nginx-welcome"))]);
    expect(bash).toMatchObject({ outcome: "passed", observed: "<title>Welcome to nginx!</title>" });
  });

  it.each([
    ["curl", "refused", "refused"],
    ["curl", "connect-timeout", "timeout"],
    ["curl", "max-time", "timeout"],
    ["curl", "resolve-failure", "dns-failure"],
    ["bash-tcp", "refused", "refused"],
    ["bash-tcp", "timeout", "timeout"],
  ])("fail on %s/%s as %s", (group, name, kind) => {
    const result = judgeCheck(plan(httpd), [step(capture(group, name))]);
    expect(result).toMatchObject({ outcome: "failed", failure: kind });
    expect(result.observed).toMatch(/^exit \d+/);
  });

  it("fail as a wrong answer on another server's page", () => {
    const result = judgeCheck(plan(httpd), [step(capture("curl", "nginx-welcome"))]);
    expect(result).toMatchObject({ outcome: "failed", failure: "wrong-answer" });
    expect(result.observed).toMatch(/^the page lacks "It works!": <!DOCTYPE html>/);
    expect(judgeCheck(plan(httpd), [step(capture("curl", "http-404"))]).failure).toBe("wrong-answer");
  });
});

describe("a page from every node (nodeProbes all)", () => {
  const fromEach: Expectation = {
    type: "http-from-each",
    marker: "It works!",
    nodes: ["node-1", "node-2", "node-3"],
  };
  const works = step(capture("curl", "httpd-it-works"));

  it("passes when every node got the page", () => {
    const result = judgeCheck(plan(fromEach, 3), [works, works, works]);
    expect(result).toMatchObject({
      outcome: "passed",
      observed: "3/3 nodes: <html><body><h1>It works!</h1></body></html>",
    });
  });

  it("fails as the first node that got none, naming every such node", () => {
    const result = judgeCheck(plan(fromEach, 3), [
      works,
      step(capture("curl", "refused")),
      step(capture("curl", "connect-timeout")),
    ]);
    expect(result).toMatchObject({ outcome: "failed", failure: "refused" });
    expect(result.observed).toMatch(
      /^2\/3 nodes got no page \(node-2, node-3\); node-2: exit 7: curl: \(7\) /,
    );
  });
});

describe("Services in depth, judged on agnhost's real answers", () => {
  const agnhost = (name: string) => step(capture("agnhost", name));
  const backends = (answer: "every" | "one"): Expectation => ({
    type: "backends",
    backends: ["agnhost-1", "agnhost-2"],
    answer,
    requests: 10,
  });

  it("sees both backends answer a Service's requests, and one answer them all with ClientIP affinity", () => {
    expect(judgeCheck(plan(backends("every")), [agnhost("service-hostnames")])).toMatchObject({
      outcome: "passed",
      observed: expect.stringMatching(/^10\/10 answered: agnhost-1 \d+, agnhost-2 \d+$/),
    });
    expect(judgeCheck(plan(backends("one")), [agnhost("affinity-hostnames")])).toMatchObject({
      outcome: "passed",
      observed: "10/10 answered, all by agnhost-1",
    });
    // Spread answers where one backend was promised, and one backend where both were.
    expect(judgeCheck(plan(backends("one")), [agnhost("service-hostnames")])).toMatchObject({
      outcome: "failed",
      failure: "wrong-answer",
    });
    expect(judgeCheck(plan(backends("every")), [agnhost("affinity-hostnames")]).observed).toBe(
      "agnhost-2 never answered: agnhost-1 10, agnhost-2 0",
    );
  });

  it("counts unanswered requests and says why, in curl's words", () => {
    const lost = step({
      stdout: "agnhost-1\n\n",
      stderr: capture("curl", "connect-timeout").stderr,
      exit: 0,
    });
    const result = judgeCheck(plan({ ...backends("every"), requests: 2 } as Expectation), [lost]);
    expect(result).toMatchObject({ outcome: "failed", failure: "timeout" });
    expect(result.observed).toMatch(/^1\/2 requests answered \(agnhost-1 1, agnhost-2 0\); curl: \(28\)/);
  });

  it("tells a kept client address from a rewritten one", () => {
    const kept: Expectation = { type: "client-ip", address: "10.250.0.2", source: "kept" };
    const rewritten: Expectation = { type: "client-ip", address: "10.250.0.1", source: "rewritten" };
    expect(judgeCheck(plan(kept), [agnhost("local-clientip")])).toMatchObject({
      outcome: "passed",
      observed: "the backend saw the client's own address 10.250.0.2",
    });
    // Through node 1 from node 2: the backend saw node 1's pod bridge, not node 2.
    expect(
      judgeCheck(plan({ ...rewritten, address: "10.250.0.2" } as Expectation), [
        agnhost("cluster-clientip-backend-node"),
      ]),
    ).toMatchObject({
      outcome: "passed",
      observed: "the backend saw 10.244.0.1, not the client's 10.250.0.2: the source was rewritten",
    });
    expect(
      judgeCheck(plan({ ...kept, address: "10.250.0.1" } as Expectation), [agnhost("cluster-clientip")]),
    ).toMatchObject({
      outcome: "failed",
      failure: "wrong-answer",
    });
  });

  it("passes a NodePort that a node without a Local backend drops, and fails one that answers", () => {
    expect(judgeCheck(plan({ type: "dropped" }), [agnhost("local-no-backend")])).toMatchObject({
      outcome: "passed",
      observed: expect.stringMatching(
        /^no answer, as expected: exit 28: curl: \(28\) Failed to connect to 10\.250\.0\.2 port 31080/,
      ),
    });
    expect(judgeCheck(plan({ type: "dropped" }), [agnhost("local-no-backend-own-node")])).toMatchObject({
      outcome: "failed",
      failure: "wrong-answer",
    });
  });

  it("passes a large body that came back whole, and fails one a narrowed link stopped, as curl's timeout", () => {
    const transfer: Expectation = { type: "transfer", bytes: 65536 };
    expect(judgeCheck(plan(transfer), [agnhost("transfer")])).toMatchObject({
      outcome: "passed",
      observed: expect.stringMatching(/^65536 bytes each way, checksum [0-9a-f]{12}… equal$/),
    });
    const stopped = judgeCheck(plan(transfer), [agnhost("transfer-mtu-fault")]);
    expect(stopped).toMatchObject({ outcome: "failed", failure: "timeout" });
    expect(stopped.observed).toMatch(/^0 of 65536 bytes back: exit 28: curl: \(28\) /);
    expect(judgeCheck(plan(transfer), [agnhost("transfer-refused")])).toMatchObject({
      outcome: "failed",
      failure: "refused",
    });
  });

  it("passes a Service without endpoints that refuses at once", () => {
    expect(judgeCheck(plan({ type: "refused", tool: "curl" }), [agnhost("no-endpoints")])).toMatchObject({
      outcome: "passed",
    });
  });
});

describe("routes through the ingress controller, judged on Traefik's real answers", () => {
  const judged = (expectation: Expectation, name: string) =>
    judgeCheck(plan(expectation), [step(capture("ingress", name))]);
  const routed = (marker: string | null): Expectation => ({ type: "routed", marker });

  it("passes a route that lands on its backend's page, with the status and the timing", () => {
    const result = judged(routed("It works!"), "ingress-host-httpd");
    expect(result).toMatchObject({
      outcome: "passed",
      observed: "HTTP 200: <html><body><h1>It works!</h1></body></html>",
    });
    expect(result.timing).toEqual({ connectMs: 0.168, totalMs: 1.334 });
  });

  it("passes the controller's own 404 for a host or path no rule names", () => {
    expect(judged(routed(null), "ingress-unknown-host")).toMatchObject({
      outcome: "passed",
      observed: "HTTP 404 from the controller: 404 page not found",
    });
    expect(judged(routed(null), "gateway-unknown-path").outcome).toBe("passed");
  });

  it("fails a route that reached the backend's own 404, naming it", () => {
    // Routed to nginx, whose image has no /index.html: nginx's 404, not the page and not the controller's.
    const result = judged(routed("Welcome to nginx!"), "ingress-path-nginx");
    expect(result).toMatchObject({ outcome: "failed", failure: "wrong-answer" });
    expect(result.observed).toMatch(
      /^HTTP 404, nginx \(its own 404\) answered, the page lacks "Welcome to nginx!"/,
    );
    expect(judged(routed(null), "ingress-path-nginx").observed).toBe(
      "HTTP 404, not the controller's 404: nginx (its own 404) answered: <head><title>404 Not Found</title></head>",
    );
  });

  it("fails a route whose rule is missing with the controller's 404, and a page where a 404 was due", () => {
    expect(judged(routed("It works!"), "ingress-unknown-path").observed).toBe(
      "HTTP 404 from the controller: no rule of the lab's routes matched this host and path: 404 page not found",
    );
    expect(judged(routed(null), "gateway-host-httpd")).toMatchObject({
      outcome: "failed",
      observed:
        "HTTP 200, not the controller's 404: httpd answered: <html><body><h1>It works!</h1></body></html>",
    });
  });

  it("fails with curl's own words where nothing listens at the controller's address", () => {
    expect(judged(routed("It works!"), "no-controller")).toMatchObject({
      outcome: "failed",
      failure: "refused",
      observed:
        "exit 7: curl: (7) Failed to connect to a.scratch.netlab.test port 80 after 0 ms: Couldn't connect to server",
    });
  });

  it("fails a route its Gateway never accepted, saying so, before any request", () => {
    const wait = routeAcceptedStep({ requestTimeoutSeconds: 30 }, "netlab", "nginx");
    const checkPlan: CheckPlan = {
      ...plan(routed("Welcome to nginx!")),
      steps: [wait, plan(routed(null)).steps[0] as Step],
    };
    const timedOut = step(text(""), { timedOut: true, attempts: 40, durationMs: 20_300 });
    expect(judgeCheck(checkPlan, [timedOut, step(capture("ingress", "ingress-unknown-host"))])).toMatchObject(
      {
        outcome: "failed",
        failure: "wrong-answer",
        observed: "the Gateway did not accept route-nginx within 20 s (40 look(s)): no parent in its status",
      },
    );
    const accepted = step(text("accepted=True\nchanged=2026-12-07T05:30:44Z\n"));
    expect(
      judgeCheck(checkPlan, [accepted, step(capture("ingress", "ingress-path-nginx-page"))]).outcome,
    ).toBe("passed");
  });

  it("reads the address the controller published in the status, or its absence", () => {
    const status = (file: string) =>
      text(JSON.stringify((JSON.parse(fixtureText("ingress", file)) as { status: unknown }).status));
    const expectation = (address: string | null): Expectation => ({
      type: "front-address",
      front: "ingress",
      className: "traefik",
      controller: "traefik.io/ingress-controller",
      address,
      addressFrom: "status",
    });
    const read = (e: Expectation, c: Capture) => judgeCheck(plan(e), [step(c)]);
    expect(read(expectation("10.250.0.1"), status("ingress.json")).observed).toBe(
      "IngressClass traefik (controller traefik.io/ingress-controller) published 10.250.0.1",
    );
    expect(read(expectation(null), status("ingress-no-controller.json"))).toMatchObject({
      outcome: "failed",
      observed:
        "IngressClass traefik (controller traefik.io/ingress-controller) published no address for the lab's Ingress: its controller has not taken it",
    });
    expect(read(expectation("10.250.0.9"), status("ingress.json")).observed).toBe(
      "IngressClass traefik (controller traefik.io/ingress-controller) published 10.250.0.1, not 10.250.0.9 as read before the checks",
    );
  });
});

describe("the refused-port check", () => {
  const refused = { type: "refused", tool: "curl" } as const;
  it("passes on a real refusal", () => {
    expect(judgeCheck(plan(refused), [step(capture("curl", "refused"))])).toMatchObject({
      outcome: "passed",
    });
  });
  it("fails when the connection succeeds, and says so", () => {
    const result = judgeCheck(plan(refused), [step(capture("curl", "httpd-it-works"))]);
    expect(result).toMatchObject({ outcome: "failed", failure: "wrong-answer" });
    expect(result.observed).toMatch(/succeeded while it should have been refused/);
  });
  it("fails on a timeout: a dropped packet is not a refusal", () => {
    expect(judgeCheck(plan(refused), [step(capture("curl", "connect-timeout"))])).toMatchObject({
      failure: "timeout",
    });
  });
});

describe("dns checks", () => {
  const dns = (name: string, address: string | null) => ({ type: "dns", name, address }) as const;
  it("compare the answer with the service's ClusterIP", () => {
    expect(
      judgeCheck(plan(dns("svc-clusterip-nginx", "10.96.203.5")), [
        step(capture("nslookup-bind", "short-name")),
      ]),
    ).toMatchObject({
      outcome: "passed",
      observed: "svc-clusterip-nginx.netlab.svc.cluster.local -> 10.96.203.5 (server 10.96.0.10)",
    });
    const wrong = judgeCheck(plan(dns("svc-clusterip-nginx", "10.96.0.99")), [
      step(capture("nslookup-bind", "short-name")),
    ]);
    expect(wrong).toMatchObject({ outcome: "failed", failure: "wrong-answer" });
  });

  it("take the expected address from a kubectl get step when asked", () => {
    const apiIP = step(text("10.96.0.1"));
    const result = judgeCheck(plan(dns("kubernetes.default", null), 2), [
      apiIP,
      step(capture("nslookup-bind", "kubernetes-default")),
    ]);
    expect(result).toMatchObject({ outcome: "passed" });
  });

  it("fail on NXDOMAIN and on no server", () => {
    expect(
      judgeCheck(plan(dns("no-such-svc", "10.96.0.1")), [step(capture("nslookup-bind", "nxdomain"))]).failure,
    ).toBe("dns-failure");
    expect(
      judgeCheck(plan(dns("x", "10.96.0.1")), [step(capture("nslookup-bind", "no-server"))]).failure,
    ).toBe("timeout");
    expect(
      judgeCheck(plan(dns("x", "10.96.0.1")), [step(capture("nslookup-busybox", "no-server"))]).failure,
    ).toBe("timeout");
  });

  it.each([
    ["silent-server", "timeout"],
    ["rcode-refused", "refused"],
    ["port-unreachable", "refused"],
    ["nxdomain", "dns-failure"],
  ])("fail on %s from bind's and busybox's nslookup alike, as %s", (name, kind) => {
    for (const group of ["nslookup-bind", "nslookup-busybox"]) {
      const result = judgeCheck(plan(dns("svc-clusterip-nginx", "10.96.203.5")), [
        step(capture(group, name)),
      ]);
      expect(result, group).toMatchObject({ outcome: "failed", failure: kind });
    }
  });

  it("tell a server that refuses from a port where nothing listens", () => {
    const refusing = judgeCheck(plan(dns("svc-clusterip-nginx", "10.96.203.5")), [
      step(capture("nslookup-bind", "rcode-refused")),
    ]);
    expect(refusing.observed).toMatch(
      /^the DNS server \(server 10\.96\.0\.10\) refused to answer for svc-clusterip-nginx \(rcode REFUSED\): /,
    );
    const closed = judgeCheck(plan(dns("svc-clusterip-nginx", "10.96.203.5")), [
      step(capture("nslookup-busybox", "port-unreachable")),
    ]);
    expect(closed.observed).toMatch(
      /^nothing listens on 10\.96\.0\.10 port 53: the query for svc-clusterip-nginx was refused \(ICMP port unreachable/,
    );
    expect(closed.observed).toContain("nslookup: write to '10.96.0.10': Connection refused");
  });
});

describe("pod identity and shared network", () => {
  const containers = ["cntr-httpd", "cntr-centos"];
  const hosts = fixtureText("kubelet", "etc-hosts-pod-demo.txt");
  const podIP = /^(\S+)\s+pod-demo$/m.exec(hosts)?.[1] ?? "";
  const headOutput = (hostname: string, hostsFile: string) =>
    text(`==> /proc/sys/kernel/hostname <==\n${hostname}\n==> /etc/hosts <==\n${hostsFile}`);
  const identity = { type: "pod-identity", podName: "pod-demo", podIP, containers } as const;

  it("passes when every container has the pod's name and hosts entry", () => {
    const ok = step(headOutput(capture("netns", "hostname").stdout, hosts));
    expect(judgeCheck(plan(identity, 2), [ok, ok])).toMatchObject({ outcome: "passed" });
  });

  it("fails on a host-network /etc/hosts", () => {
    const bad = step(headOutput("pod-demo\n", fixtureText("kubelet", "etc-hosts-host-network.txt")));
    const result = judgeCheck(plan(identity, 2), [bad, bad]);
    expect(result).toMatchObject({ outcome: "failed", failure: "wrong-answer" });
    expect(result.observed).toMatch(/^cntr-httpd: /);
  });

  it("fails on another hostname", () => {
    const bad = step(headOutput("node-1\n", hosts));
    expect(judgeCheck(plan(identity, 2), [bad, bad]).observed).toMatch(/hostname is "node-1", not pod-demo/);
  });

  const shared = { type: "shared-network", podIP: "10.244.0.7", containers } as const;
  it("passes when both containers see one namespace", () => {
    const pod = step(capture("netns", "network-identity"));
    const result = judgeCheck(plan(shared, 2), [pod, pod]);
    expect(result).toMatchObject({ outcome: "passed" });
    expect(result.observed).toMatch(
      /^cntr-httpd and cntr-centos share net:\[\d+\]: eth0 ([0-9a-f]{2}:){5}[0-9a-f]{2} 10\.244\.0\.7, lo$/,
    );
  });

  it("fails when a container is in another network namespace", () => {
    const result = judgeCheck(plan(shared, 2), [
      step(capture("netns", "network-identity")),
      step(capture("netns", "network-identity-host")),
    ]);
    expect(result).toMatchObject({ outcome: "failed", failure: "wrong-answer" });
    expect(result.observed).toMatch(/cntr-centos has addresses \[.*\], not the pod IP 10\.244\.0\.7/);
  });
});

describe("kube-dns and resolv.conf", () => {
  const search = ["netlab.svc.cluster.local", "svc.cluster.local", "cluster.local"];
  const resolv = { type: "resolv-conf", search, ndots: 5, nameserver: "kube-dns" } as const;
  const kubeDns = step(text("10.96.0.10"));

  it("passes on a pod's resolv.conf", () => {
    const result = judgeCheck(plan(resolv, 2), [
      kubeDns,
      step(text(fixtureText("kubelet", "resolv-conf-pod.txt"))),
    ]);
    expect(result).toMatchObject({
      outcome: "passed",
      observed:
        "nameserver 10.96.0.10; search netlab.svc.cluster.local svc.cluster.local cluster.local; options ndots:5",
    });
  });

  it("judges the search domains and a named nameserver alone where kube-dns's Service may not be read", () => {
    const alone = { ...resolv, nameserver: "any" } as const;
    const pod = judgeCheck(plan(alone, 1), [step(text(fixtureText("kubelet", "resolv-conf-pod.txt")))]);
    expect(pod).toMatchObject({
      outcome: "passed",
      observed: expect.stringMatching(/^nameserver 10\.96\.0\.10; /),
    });
    const host = judgeCheck(plan(alone, 1), [
      step(text(fixtureText("kubelet", "resolv-conf-host-network.txt"))),
    ]);
    expect(host).toMatchObject({ outcome: "failed", failure: "wrong-answer" });
  });

  it("fails on a host-network pod's resolv.conf", () => {
    const result = judgeCheck(plan(resolv, 2), [
      kubeDns,
      step(text(fixtureText("kubelet", "resolv-conf-host-network.txt"))),
    ]);
    expect(result).toMatchObject({ outcome: "failed", failure: "wrong-answer" });
  });

  it("fails when kube-dns is missing", () => {
    const missing = step({
      stdout: "",
      stderr: fixtureText("kubelet", "get-missing-service.stderr"),
      exit: 1,
    });
    expect(judgeCheck(plan({ type: "service-exists" }), [missing])).toMatchObject({
      outcome: "failed",
      failure: "wrong-answer",
    });
    expect(judgeCheck(plan({ type: "service-exists" }), [kubeDns])).toMatchObject({
      outcome: "passed",
      observed: "ClusterIP 10.96.0.10",
    });
  });
});

describe("exec errors", () => {
  it("report a kubectl that failed itself after its attempts", () => {
    const transport = step(text(""), {
      kubectlExit: 1,
      remoteExit: undefined,
      attempts: 3,
      stderr: "error: unable to upgrade connection",
    });
    expect(judgeCheck(plan(httpd), [transport])).toMatchObject({
      outcome: "failed",
      failure: "exec-error",
      attempts: 3,
      observed: "kubectl failed (exit 1, 3 attempt(s)): error: unable to upgrade connection",
    });
  });

  it("report a kubectl cut off at its deadline", () => {
    const hung = step(text(""), { kubectlExit: 143, remoteExit: undefined, timedOut: true, attempts: 2 });
    expect(judgeCheck(plan(httpd), [hung]).observed).toMatch(/did not finish before its deadline/);
  });

  it("report a tool missing from the image, as kubectl says it", () => {
    const stderr = fixtureText("kubelet", "exec-missing-tool.stderr");
    const missing = step({ stdout: "", stderr, exit: 1 }, { remoteExit: undefined });
    const result = judgeCheck(plan(httpd), [missing]);
    expect(result).toMatchObject({ outcome: "failed", failure: "exec-error" });
    expect(result.observed).toMatch(
      /^the probe's tool is missing from the image: error: Internal error occurred/,
    );
  });

  it("report a tool missing from the image, as a runtime's exit code 127", () => {
    const missing = step({
      stdout: "",
      stderr: 'OCI runtime exec failed: exec: "curl": executable file not found in $PATH',
      exit: 127,
    });
    expect(judgeCheck(plan(httpd), [missing])).toMatchObject({ failure: "exec-error" });
  });

  it("report a missing step", () => {
    expect(judgeCheck(plan(httpd, 2), [step(capture("curl", "httpd-it-works"))])).toMatchObject({
      failure: "exec-error",
    });
  });
});

describe("checks through a Service wait for its endpoint first", () => {
  const waitThenCurl: CheckPlan = {
    ...plan(httpd, 2),
    steps: [
      {
        kind: "wait",
        until: "10.244.1.10=true",
        argv: ["kubectl", "get", "endpointslices.discovery.k8s.io"],
      },
      { kind: "exec", argv: ["kubectl", "exec", "p", "--", "curl"] },
    ],
  };
  const ready = step(text("10.244.1.10=true\n"), { attempts: 3, durationMs: 3100 });

  it("probes once the endpoint is ready, and judges the probe", () => {
    const result = judgeCheck(waitThenCurl, [ready, step(capture("curl", "httpd-it-works"))]);
    expect(result.outcome).toBe("passed");
  });

  it("fails as no-endpoint when the Service never listed the pod as ready, showing what it listed", () => {
    const notReady = step(text("10.244.1.10=false\nchanged=2026-12-01T06:17:35Z\n"), {
      timedOut: true,
      attempts: 60,
      durationMs: 30_400,
    });
    const result = judgeCheck(waitThenCurl, [notReady, step(capture("curl", "httpd-it-works"))]);
    expect(result).toMatchObject({ outcome: "failed", failure: "no-endpoint" });
    expect(result.observed).toBe(
      "the Service did not list 10.244.1.10 as a ready endpoint within 30 s (60 look(s)); its endpoints: 10.244.1.10=false",
    );
  });
});

describe("on a dual-stack cluster (test/fixtures/network/dual-*)", () => {
  const podName = (otherAddresses?: string[]) =>
    plan(
      {
        type: "http-by-name",
        name: "client-1",
        address: "10.244.0.12",
        ...(otherAddresses === undefined ? {} : { otherAddresses }),
        marker: "It works!",
      },
      2,
    );
  const getent = () => step(capture("network", "dual-getent-hosts-pod-name"));
  const page = () => step(capture("network", "dual-curl-pod-ipv6"));

  it("takes the pod's IPv6 address from getent as its own, and says so", () => {
    expect(judgeCheck(podName(["fd00:10:244::c"]), [getent(), page()])).toMatchObject({
      outcome: "passed",
      observed:
        "client-1 -> fd00:10:244::c (/etc/hosts, the pod's IPv6 address); <html><body><h1>It works!</h1></body></html>",
    });
  });

  it("still fails an address that is none of the pod's", () => {
    expect(judgeCheck(podName(), [getent(), page()])).toMatchObject({
      outcome: "failed",
      failure: "wrong-answer",
      observed: "client-1 resolves to fd00:10:244::c, not the pod IP 10.244.0.12",
    });
    expect(judgeCheck(podName(["fd00:10:244::d"]), [getent(), page()]).observed).toBe(
      "client-1 resolves to fd00:10:244::c, not one of the pod's IPs 10.244.0.12, fd00:10:244::d",
    );
  });

  const lookup = (address: string) =>
    plan({ type: "dns", name: "web-2-dual.netlab-dual-capture.svc.cluster.local", address });

  it("passes a lookup whose A and AAAA answers hold the address wanted, of either family", () => {
    const answer = step(capture("network", "dual-nslookup-service"));
    const observed =
      "web-2-dual.netlab-dual-capture.svc.cluster.local -> 10.96.91.153, fd00:10:96::56a6 (server 10.96.0.10)";
    expect(judgeCheck(lookup("10.96.91.153"), [answer])).toMatchObject({ outcome: "passed", observed });
    expect(judgeCheck(lookup("fd00:10:96::56a6"), [answer])).toMatchObject({ outcome: "passed", observed });
  });

  it("says when the answer has no address of the family wanted", () => {
    const onlyA = text(
      fixtureText("network", "dual-nslookup-service.stdout").replace(
        /Name:[^\n]*\nAddress: fd00[^\n]*\n/,
        "",
      ),
    );
    expect(judgeCheck(lookup("fd00:10:96::56a6"), [step(onlyA)])).toMatchObject({
      outcome: "failed",
      failure: "wrong-answer",
      observed:
        "web-2-dual.netlab-dual-capture.svc.cluster.local -> 10.96.91.153 (server 10.96.0.10): no IPv6 address in the answer, fd00:10:96::56a6 wanted",
    });
  });
});

describe("an AAAA lookup (test/fixtures/network/dual-nslookup-aaaa*)", () => {
  const aaaa = (name: string) => plan({ type: "dns", name, address: "fd00:10:96::653f" });

  it("passes on the Service's IPv6 ClusterIP", () => {
    const name = "web-dual.netlab-aaaa-capture.svc.cluster.local";
    expect(judgeCheck(aaaa(name), [step(capture("network", "dual-nslookup-aaaa"))])).toMatchObject({
      outcome: "passed",
      observed: `${name} -> fd00:10:96::653f (server 10.96.0.10)`,
    });
  });

  it("fails a Service without an IPv6 ClusterIP as a name without that family's address", () => {
    const name = "web-v4.netlab-aaaa-capture.svc.cluster.local";
    const result = judgeCheck(aaaa(name), [step(capture("network", "dual-nslookup-aaaa-single-stack"))]);
    expect(result).toMatchObject({ outcome: "failed", failure: "dns-failure" });
    expect(result.observed).toMatch(
      new RegExp(
        `^${name.replace(/\./g, "\\.")} exists but has no IPv6 address \\(server 10\\.96\\.0\\.10\\) \\(no-answer\\): `,
      ),
    );
  });
});
