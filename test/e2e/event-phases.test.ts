// The phases of `pulumi up`, read from real engine event logs (test/fixtures/pulumi-events, see CAPTURE.md):
// local commands shaped like the lab, "pod-a" (2 s) and "pod-b" (4 s) at once, "svc-a" (1 s) after pod-a,
// "checks-a" (1 s) after pod-a and svc-a, "checks-b" (2 s) after pod-b and svc-a.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  formatBreakdown,
  formatPhaseSpread,
  LAB_PHASES,
  median,
  parseEventLog,
  phaseBreakdown,
  phaseRows,
  type PhaseSpec,
} from "../../e2e/lab/event-phases";
import { FIXTURES_DIR } from "../support/fixtures";

function capture(name: string) {
  const dir = path.join(FIXTURES_DIR, "pulumi-events");
  const [start, end] = readFileSync(path.join(dir, `${name}.times`), "utf8")
    .trim()
    .split(" ")
    .map(Number);
  return {
    events: parseEventLog(readFileSync(path.join(dir, `${name}.events.json`), "utf8")),
    startMs: start as number,
    endMs: end as number,
  };
}

/** The capture's stand-ins for the lab's phases. */
const PHASES: PhaseSpec[] = [
  { name: "pods ready", type: "command:local:Command", namePrefix: "pod-" },
  { name: "services ready", type: "command:local:Command", namePrefix: "svc-" },
  { name: "checks done", type: "command:local:Command", namePrefix: "checks-" },
];

describe("parseEventLog", () => {
  it("reads every event of a real log, in sequence order", () => {
    const { events } = capture("up-ok");
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i));
    expect(events.filter((e) => e.preludeEvent !== undefined)).toHaveLength(1);
    expect(events.filter((e) => e.summaryEvent !== undefined)).toHaveLength(1);
    const created = events.filter((e) => e.resOutputsEvent?.metadata.type === "command:local:Command");
    expect(created).toHaveLength(5);
  });

  it("names the line that is not an engine event", () => {
    expect(() => parseEventLog('{"sequence":0,"timestamp":1}\n\nnot json\n')).toThrow(
      /^event log line 3: not JSON/,
    );
    expect(() => parseEventLog('{"sequence":0,"timestamp":1}\n{"stdoutEvent":{}}')).toThrow(
      "event log line 2: not an engine event (no sequence and timestamp)",
    );
  });
});

describe("phaseBreakdown", () => {
  it("marks when the program's first resource came and when each phase's last resource finished", () => {
    const { events, startMs, endMs } = capture("up-ok");
    const breakdown = phaseBreakdown(events, startMs, endMs, PHASES);
    const first = breakdown.firstResourceSeconds as number;
    expect(first).toBeGreaterThanOrEqual(0);
    const [pods, services, checks] = breakdown.phases;
    expect(pods).toMatchObject({ name: "pods ready", resources: 2, failed: 0 });
    expect(services).toMatchObject({ name: "services ready", resources: 1, failed: 0 });
    expect(checks).toMatchObject({ name: "checks done", resources: 2, failed: 0 });
    // The commands' own sleeps, give or take the engine's one-second timestamps.
    expect((pods?.atSeconds as number) - first).toBeGreaterThanOrEqual(3);
    expect((pods?.atSeconds as number) - first).toBeLessThanOrEqual(6);
    expect((services?.atSeconds as number) - first).toBeGreaterThanOrEqual(2);
    expect(services?.atSeconds as number).toBeLessThanOrEqual(pods?.atSeconds as number);
    expect((checks?.atSeconds as number) - (pods?.atSeconds as number)).toBeGreaterThanOrEqual(1);
    expect(checks?.atSeconds as number).toBeLessThanOrEqual(Math.ceil(breakdown.totalSeconds));
    expect(breakdown.totalSeconds).toBeCloseTo((endMs - startMs) / 1000);
    expect(breakdown.summary?.result).toBe("succeeded");
  });

  it("counts a resource that failed, and the engine's failed result", () => {
    const { events, startMs, endMs } = capture("up-failed");
    const breakdown = phaseBreakdown(events, startMs, endMs, PHASES);
    expect(breakdown.phases.find((p) => p.name === "checks done")).toMatchObject({
      resources: 2,
      failed: 1,
    });
    expect(breakdown.summary?.result).toBe("failed");
  });

  it("leaves a phase with no resource unmarked: the lab's phases on the capture's commands", () => {
    const { events, startMs, endMs } = capture("up-ok");
    const breakdown = phaseBreakdown(events, startMs, endMs, LAB_PHASES);
    const checks = phaseBreakdown(events, startMs, endMs, PHASES).phases[2];
    expect(breakdown.phases).toEqual([
      { name: "pods ready", atSeconds: undefined, resources: 0, failed: 0 },
      { name: "services ready", atSeconds: undefined, resources: 0, failed: 0 },
      { name: "checks done", atSeconds: checks?.atSeconds, resources: 2, failed: 0 },
    ]);
  });
});

describe("phaseRows", () => {
  it("is a timeline: phases in the order they ended, each timed from the one before", () => {
    const { events, startMs, endMs } = capture("up-ok");
    const rows = phaseRows(phaseBreakdown(events, startMs, endMs, PHASES));
    expect(rows.map((r) => r.name)).toEqual([
      "start-up until the first resource",
      "services ready",
      "pods ready",
      "checks done",
      "after the last phase, until pulumi exits",
    ]);
    const marks = rows.slice(0, -1);
    marks.forEach((row, i) => {
      expect(row.seconds).toBe(
        (row.atSeconds as number) - (i === 0 ? 0 : (marks[i - 1]?.atSeconds as number)),
      );
    });
    const total = rows.reduce((sum, row) => sum + (row.seconds as number), 0);
    expect(total).toBeCloseTo((endMs - startMs) / 1000);
  });

  it("puts phases that were never reached last", () => {
    const { events, startMs, endMs } = capture("up-ok");
    const rows = phaseRows(phaseBreakdown(events, startMs, endMs, LAB_PHASES));
    expect(rows.map((r) => [r.name, r.seconds])).toEqual([
      ["start-up until the first resource", rows[0]?.atSeconds],
      ["checks done", (rows[1]?.atSeconds as number) - (rows[0]?.atSeconds as number)],
      ["pods ready", undefined],
      ["services ready", undefined],
      ["after the last phase, until pulumi exits", expect.any(Number)],
    ]);
  });
});

describe("formatBreakdown and formatPhaseSpread", () => {
  it("prints a table that says how precise it is", () => {
    const { events, startMs, endMs } = capture("up-failed");
    const text = formatBreakdown(phaseBreakdown(events, startMs, endMs, PHASES));
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "pulumi up phases (from the engine's event log; its timestamps are whole seconds, so each figure is +-1 s):",
    );
    expect(text).toMatch(/^ {2}checks done {2,}\d+ s {2}\(at \d+ s; 2 resources, 1 failed\)$/m);
    expect(text).toMatch(/^ {2}services ready {2,}\d+ s {2}\(at \d+ s; 1 resource\)$/m);
    expect(lines.at(-1)).toMatch(
      /^ {2}after the last phase, until pulumi exits {2,}\d+\.\d s {2}\(at \d+\.\d s; engine result: failed\)$/,
    );
    const unreached = formatBreakdown(phaseBreakdown(events, startMs, endMs, LAB_PHASES));
    expect(unreached).toMatch(/^ {2}pods ready {2,}not reached {2}\(0 resources\)$/m);
  });

  it("gives the median and spread of every phase over rounds", () => {
    const ok = capture("up-ok");
    const failed = capture("up-failed");
    const text = formatPhaseSpread([
      phaseBreakdown(ok.events, ok.startMs, ok.endMs, PHASES),
      phaseBreakdown(failed.events, failed.startMs, failed.endMs, LAB_PHASES),
    ]);
    expect(text.split("\n")[0]).toBe("pulumi up phases over 2 rounds (median, min-max; each figure +-1 s):");
    expect(text).toMatch(/^ {2}pods ready {2,}median (\d+\.\d) s, \1-\1 s; not reached in 1 round$/m);
    expect(text).toMatch(/^ {2}checks done {2,}median \d+\.\d s, \d+\.\d-\d+\.\d s$/m);
  });

  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
