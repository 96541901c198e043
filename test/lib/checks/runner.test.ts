import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { execStep, getFieldStep, waitForEndpointStep } from "../../../lib/checks/kubectl";
import { curlProbe } from "../../../lib/checks/probes";
import {
  buildRunnerScript,
  ENVELOPE_HEADER,
  parseRunnerOutput,
  SETTLED_AFTER_SECONDS,
} from "../../../lib/checks/runner";
import { capture } from "../../support/fixtures";
import { runWithFakeKubectl } from "../../support/runScript";

const target = { kubeconfig: "/tmp/kube config", context: "kind-kind", requestTimeoutSeconds: 30 };
const inDemo = { namespace: "netlab", pod: "pod-demo", container: "cntr-centos" };
const timeouts = { connectTimeoutSeconds: 3, maxTimeSeconds: 10 };
const options = { execTimeoutSeconds: 20, execAttempts: 3, retryDelaySeconds: 0, kubeProxySettleSeconds: 2 };
const curl = (url: string) => execStep(target, inDemo, curlProbe(url, timeouts));

describe.concurrent("waiting for a Service's endpoint", () => {
  const wait = waitForEndpointStep(target, "netlab", "svc-clusterip-nginx", "10.244.1.11");

  it("returns once the endpoint is listed as ready, after kube-proxy's moment", async ({ expect }) => {
    const script = buildRunnerScript([wait], { ...options, kubeProxySettleSeconds: 1 });
    const [step] = parseRunnerOutput(await runWithFakeKubectl(script, "healthy"));
    expect(step).toMatchObject({
      kubectlExit: 0,
      attempts: 1,
      timedOut: false,
      stdout: "10.244.1.11=true\n10.244.1.11@\nchanged=\n",
    });
    expect(step?.durationMs).toBeGreaterThanOrEqual(950);
  });

  it("gives kube-proxy its moment after a recent change of the endpoints", async ({ expect }) => {
    const script = buildRunnerScript([wait], { ...options, kubeProxySettleSeconds: 1 });
    const changed = new Date(Date.now() - 5_000).toISOString().replace(/\.\d+Z$/, "Z");
    const [step] = parseRunnerOutput(
      await runWithFakeKubectl(script, "healthy", { FAKE_KUBECTL_ENDPOINTS_CHANGED: changed }),
    );
    expect(step?.stdout).toBe(`10.244.1.11=true\n10.244.1.11@\nchanged=${changed}\n`);
    expect(step?.durationMs).toBeGreaterThanOrEqual(950);
  });

  it("gives none when the endpoints last changed long ago, as on a rerun", async ({ expect }) => {
    const script = buildRunnerScript([wait], { ...options, kubeProxySettleSeconds: 5 });
    const changed = new Date(Date.now() - (SETTLED_AFTER_SECONDS + 10) * 1000).toISOString();
    const [step] = parseRunnerOutput(
      await runWithFakeKubectl(script, "healthy", {
        FAKE_KUBECTL_ENDPOINTS_CHANGED: changed.replace(/\.\d+Z$/, "Z"),
      }),
    );
    expect(step).toMatchObject({ kubectlExit: 0, attempts: 1, timedOut: false });
    expect(step?.durationMs).toBeLessThan(4000);
  });

  it("gives up at its deadline when the endpoint never shows, polling meanwhile", async ({ expect }) => {
    const script = buildRunnerScript([wait], { ...options, execTimeoutSeconds: 2 });
    const [step] = parseRunnerOutput(
      await runWithFakeKubectl(script, "healthy", { FAKE_KUBECTL_NO_ENDPOINTS: "1" }),
    );
    expect(step?.timedOut).toBe(true);
    expect(step?.attempts).toBeGreaterThan(1);
    expect(step?.durationMs).toBeGreaterThanOrEqual(2000);
    expect(step?.durationMs).toBeLessThan(15_000);
  });

  it("is bounded even when kubectl hangs", async ({ expect }) => {
    const script = buildRunnerScript([wait], { ...options, execTimeoutSeconds: 1 });
    const started = Date.now();
    const [step] = parseRunnerOutput(await runWithFakeKubectl(script, "hang"));
    expect(step?.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe.concurrent("buildRunnerScript with a kubectl that answers", () => {
  it("returns the probe's real output and exit code 0", async ({ expect }) => {
    const [step] = parseRunnerOutput(
      await runWithFakeKubectl(buildRunnerScript([curl("http://localhost:80/")], options), "healthy"),
    );
    expect(step).toMatchObject({ kubectlExit: 0, remoteExit: 0, attempts: 1, timedOut: false });
    expect(step?.stdout).toBe(capture("curl", "httpd-it-works").stdout);
    expect(step?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("reports the remote exit code of a refused connection and never retries it", async ({ expect }) => {
    const output = await runWithFakeKubectl(
      buildRunnerScript([curl("http://localhost:8081/")], options),
      "healthy",
    );
    const [step] = parseRunnerOutput(output);
    expect(step).toMatchObject({ kubectlExit: 7, remoteExit: 7, attempts: 1, timedOut: false });
    expect(step?.stderr).toBe(capture("curl", "refused").stderr);
  });

  it("treats an object the API does not have as an answer, not a transport error", async ({ expect }) => {
    const get = getFieldStep(target, "service", "no-such", "kube-system", ".spec.clusterIP");
    const [step] = parseRunnerOutput(await runWithFakeKubectl(buildRunnerScript([get], options), "healthy"));
    expect(step).toMatchObject({ kubectlExit: 1, remoteExit: 1, attempts: 1 });
    expect(step?.stderr).toContain("NotFound");
  });

  it("runs the probes of one container in one exec, each with its own result", async ({ expect }) => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), "netlab-runner-")), "argv");
    const script = buildRunnerScript([curl("http://localhost:80/"), curl("http://localhost:8081/")], options);
    const steps = parseRunnerOutput(await runWithFakeKubectl(script, "healthy", { FAKE_KUBECTL_LOG: log }));
    expect(steps.map((s) => [s.kubectlExit, s.remoteExit, s.attempts, s.timedOut])).toEqual([
      [0, 0, 1, false],
      [7, 7, 1, false],
    ]);
    expect(steps[0]?.stdout).toBe(capture("curl", "httpd-it-works").stdout);
    expect(steps[1]?.stderr).toBe(capture("curl", "refused").stderr);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0] ?? "[]")).toContain("netlab-batch");
  });

  it("runs a container's probes one exec each when the container cannot run the batch", async ({
    expect,
  }) => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), "netlab-runner-")), "argv");
    const script = buildRunnerScript([curl("http://localhost:80/"), curl("http://localhost:8081/")], options);
    const env = { FAKE_KUBECTL_LOG: log, FAKE_KUBECTL_NO_BATCH: "1" };
    const steps = parseRunnerOutput(await runWithFakeKubectl(script, "healthy", env));
    expect(steps.map((s) => [s.remoteExit, s.attempts])).toEqual([
      [0, 1],
      [7, 1],
    ]);
    const calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as string[]);
    expect(calls.map((argv) => argv.includes("netlab-batch"))).toEqual([true, false, false]);
  });

  it("waits for a Service's endpoint before the probes, and shares a step two checks need", async ({
    expect,
  }) => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), "netlab-runner-")), "argv");
    const wait = waitForEndpointStep(target, "netlab", "svc-clusterip-nginx", "10.244.1.11");
    const kubeDns = getFieldStep(target, "service", "kube-dns", "kube-system", ".spec.clusterIP");
    const probe = execStep(target, { ...inDemo, pod: "pod-nginx", container: "cntr-nginx" }, [
      "cat",
      "/etc/resolv.conf",
    ]);
    const script = buildRunnerScript([wait, kubeDns, probe], { ...options, kubeProxySettleSeconds: 0 });
    const steps = parseRunnerOutput(await runWithFakeKubectl(script, "healthy", { FAKE_KUBECTL_LOG: log }));
    expect(steps.map((s) => s.kubectlExit)).toEqual([0, 0, 0]);
    expect(steps[1]?.stdout).toBe("10.96.0.10");
    const calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as string[]);
    expect(calls[0]).toContain("endpointslices.discovery.k8s.io");
    expect(calls.slice(1).map((argv) => argv.includes("exec") || argv.includes("get"))).toEqual([true, true]);
  });

  it("passes every argument to kubectl verbatim, whatever it contains", async ({ expect }) => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), "netlab-runner-")), "argv");
    const nasty = execStep(target, { ...inDemo, pod: "pod 'x' $(id)" }, ["echo", "a;b", "`id`", "*"]);
    await runWithFakeKubectl(buildRunnerScript([nasty], options), "healthy", { FAKE_KUBECTL_LOG: log });
    expect(JSON.parse(readFileSync(log, "utf8").trim())).toEqual(nasty.argv.slice(1));
  });
});

describe.concurrent("buildRunnerScript when kubectl itself fails", () => {
  it("retries transport errors, a bounded number of times", async ({ expect }) => {
    const [step] = parseRunnerOutput(
      await runWithFakeKubectl(buildRunnerScript([curl("http://localhost/")], options), "transport"),
    );
    expect(step).toMatchObject({ kubectlExit: 1, remoteExit: undefined, attempts: 3, timedOut: false });
    expect(step?.stderr).toContain("unable to upgrade connection");
  });

  it("does not retry what retrying cannot change: a tool missing from the image", async ({ expect }) => {
    const missing = execStep(target, inDemo, ["no-such-tool"]);
    const [step] = parseRunnerOutput(
      await runWithFakeKubectl(buildRunnerScript([missing], options), "healthy"),
    );
    expect(step).toMatchObject({ kubectlExit: 1, remoteExit: undefined, attempts: 1 });
    expect(step?.stderr).toContain("executable file not found");
  });

  it("gives every probe of a batch the exec's failure when kubectl cannot reach the pod", async ({
    expect,
  }) => {
    const script = buildRunnerScript([curl("http://localhost/"), curl("http://localhost:8081/")], options);
    const steps = parseRunnerOutput(await runWithFakeKubectl(script, "transport"));
    expect(steps.map((s) => [s.kubectlExit, s.remoteExit, s.attempts, s.timedOut])).toEqual([
      [1, undefined, 3, false],
      [1, undefined, 3, false],
    ]);
    for (const step of steps) expect(step.stderr).toContain("unable to upgrade connection");
  });

  it("kills a batch that hangs at the deadline and says so for each of its probes", async ({ expect }) => {
    const script = buildRunnerScript([curl("http://localhost/"), curl("http://localhost:8081/")], {
      ...options,
      execTimeoutSeconds: 1,
      execAttempts: 1,
    });
    const steps = parseRunnerOutput(await runWithFakeKubectl(script, "hang"));
    expect(steps.map((s) => [s.remoteExit, s.attempts, s.timedOut])).toEqual([
      [undefined, 1, true],
      [undefined, 1, true],
    ]);
  });

  it("kills a kubectl that hangs at the deadline and says so", async ({ expect }) => {
    const script = buildRunnerScript([curl("http://localhost/")], {
      ...options,
      execTimeoutSeconds: 1,
      execAttempts: 2,
    });
    const [step] = parseRunnerOutput(await runWithFakeKubectl(script, "hang"));
    expect(step).toMatchObject({ remoteExit: undefined, attempts: 2, timedOut: true });
  });
});

describe("parseRunnerOutput", () => {
  it("rejects output that is not the runner's", () => {
    expect(() => parseRunnerOutput("hello")).toThrow(/missing "netlab-check-result v1" header/);
    expect(() => parseRunnerOutput(`${ENVELOPE_HEADER}\nstep nonsense`)).toThrow(/unexpected line/);
  });

  it("rejects a step reported twice or not at all", () => {
    const record = "step:0 kubectl_exit=0 attempts=1 duration_ms=5 timed_out=0\nstdout=\nstderr=";
    expect(() => parseRunnerOutput(`${ENVELOPE_HEADER}\n${record}\n${record}`)).toThrow(
      /step 0 reported twice/,
    );
    expect(() => parseRunnerOutput(`${ENVELOPE_HEADER}\n${record.replace("step:0", "step:1")}`)).toThrow(
      /no result for step\(s\) 0/,
    );
  });

  it("reads an envelope with no steps", () => {
    expect(parseRunnerOutput(`${ENVELOPE_HEADER}\n`)).toEqual([]);
  });
});
