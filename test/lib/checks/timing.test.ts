import { describe, expect, it } from "vitest";
import { connectLatency, latencyPathOf, splitTiming } from "../../../lib/checks/timing";
import type { CheckResult } from "../../../lib/checks/types";
import { capture } from "../../support/fixtures";

describe("splitTiming on real probe outputs", () => {
  it("takes curl's --write-out line off the page and reads it in milliseconds", () => {
    const { body, timing } = splitTiming(capture("curl", "httpd-it-works-timed").stdout);
    expect(body).toBe("<html><body><h1>It works!</h1></body></html>\n");
    expect(timing).toEqual({ connectMs: 2.385, totalMs: 10.745 });
  });

  it("reads the bash probe's own timing, measured around its connect", () => {
    const { body, timing } = splitTiming(capture("bash-tcp", "httpd-it-works-timed").stdout);
    expect(body).toMatch(/^HTTP\/1\.0 200 OK\r\n[\s\S]*<h1>It works!<\/h1><\/body><\/html>\n$/);
    expect(timing).toEqual({ connectMs: 0.36, totalMs: 6.252 });
  });

  it("gives a refused connection a zero connect time, and leaves output without a timing line alone", () => {
    expect(splitTiming(capture("curl", "refused-timed").stdout)).toEqual({
      body: "",
      timing: { connectMs: 0, totalMs: 0.12 },
    });
    const plain = capture("curl", "httpd-it-works").stdout;
    expect(splitTiming(plain)).toEqual({ body: plain });
  });
});

describe("connectLatency", () => {
  const result = (over: Partial<CheckResult>): CheckResult => ({
    id: "x.y",
    section: "x",
    claim: "",
    source: "",
    target: "",
    command: "",
    expected: "",
    observed: "",
    outcome: "passed",
    from: { kind: "pod", pod: "a" },
    to: { kind: "pod", pod: "b" },
    via: "pod-ip",
    path: "same-node",
    durationMs: 1,
    attempts: 1,
    ...over,
  });

  it("sorts checks into kinds of path", () => {
    expect(latencyPathOf(result({ via: "localhost", path: "same-pod" }))).toBe("localhost");
    expect(latencyPathOf(result({ path: "cross-node" }))).toBe("pod-ip-cross-node");
    expect(latencyPathOf(result({ from: { kind: "node", node: "n" } }))).toBe("node-to-pod");
    expect(latencyPathOf(result({ via: "dns" }))).toBeUndefined();
  });

  it("gives the median connect time of the passed checks of each kind, with the number of samples", () => {
    const timed = (connectMs: number, over: Partial<CheckResult> = {}) =>
      result({ timing: { connectMs, totalMs: connectMs + 1 }, ...over });
    expect(
      connectLatency([
        timed(0.4, { path: "cross-node" }),
        timed(0.6, { path: "cross-node" }),
        timed(9, { path: "cross-node", outcome: "failed", failure: "timeout" }),
        timed(0.1),
        timed(0.3),
        timed(0.2),
      ]),
    ).toEqual({
      "pod-ip-same-node": { medianConnectMs: 0.2, samples: 3 },
      "pod-ip-cross-node": { medianConnectMs: 0.5, samples: 2 },
    });
  });
});
