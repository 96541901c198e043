import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BATCH_HEADER, BATCH_NO_TMP_EXIT, batchCommand, parseBatchOutput } from "../../../lib/checks/batch";

/** Runs a batch with this machine's sh, as `kubectl exec` runs it in a container. */
function runBatch(
  probes: string[][],
  env: Record<string, string> = {},
): Promise<{ stdout: Buffer; stderr: string; exit: number }> {
  const [shell, ...args] = batchCommand(probes) as [string, ...string[]];
  return new Promise((resolve) => {
    execFile(shell, args, { encoding: "buffer", env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ stdout, stderr: stderr.toString("utf8"), exit: error === null ? 0 : Number(error.code) }),
    );
  });
}

describe.concurrent("the batch script, run by sh", () => {
  it("gives each probe its own exact stdout, stderr and exit code", async ({ expect }) => {
    const { stdout, exit } = await runBatch([
      ["printf", "it's $HOME `id`\nno newline at the end"],
      ["sh", "-c", "echo to stderr >&2; exit 3"],
      ["printf", "\\0\\377binary\\n"],
    ]);
    expect(exit).toBe(0);
    const probes = parseBatchOutput(stdout);
    expect([...(probes?.keys() ?? [])]).toEqual([0, 1, 2]);
    expect(probes?.get(0)).toMatchObject({
      exit: 0,
      stdout: "it's $HOME `id`\nno newline at the end",
      stderr: "",
    });
    expect(probes?.get(1)).toMatchObject({ exit: 3, stdout: "", stderr: "to stderr\n" });
    expect(probes?.get(2)?.stdout).toBe(Buffer.from([0, 0xff, ...Buffer.from("binary\n")]).toString("utf8"));
  });

  it("runs the probes side by side and times each one", async ({ expect }) => {
    const started = Date.now();
    const { stdout } = await runBatch([
      ["sleep", "1"],
      ["sleep", "1"],
      ["sleep", "1"],
    ]);
    expect(Date.now() - started).toBeLessThan(2500);
    for (const probe of parseBatchOutput(stdout)?.values() ?? []) {
      expect(probe.durationMs).toBeGreaterThanOrEqual(950);
    }
  });

  it("reports a program the container lacks as sh does, exit 127", async ({ expect }) => {
    const probes = parseBatchOutput((await runBatch([["no-such-tool-netlab"], ["true"]])).stdout);
    expect(probes?.get(0)?.exit).toBe(127);
    expect(probes?.get(0)?.stderr).toMatch(/no-such-tool-netlab: .*not found/);
    expect(probes?.get(1)?.exit).toBe(0);
  });

  it("says so and exits 97 without a writable temporary directory, running nothing", async ({ expect }) => {
    const marker = mkdtempSync(path.join(tmpdir(), "netlab-batch-"));
    const result = await runBatch([["touch", path.join(marker, "ran")]], { TMPDIR: "/nonexistent/netlab" });
    expect(result.exit).toBe(BATCH_NO_TMP_EXIT);
    expect(result.stderr).toBe("netlab-batch: no writable temporary directory\n");
    expect(parseBatchOutput(result.stdout)).toBeUndefined();
    expect(readdirSync(marker)).toEqual([]);
  });

  it("leaves no files behind", async ({ expect }) => {
    const dir = mkdtempSync(path.join(tmpdir(), "netlab-batch-"));
    await runBatch(
      [
        ["echo", "a"],
        ["echo", "b"],
      ],
      { TMPDIR: dir },
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("parseBatchOutput", () => {
  const frame = (i: number, out: string, err = "") =>
    `probe ${i} exit=0 ms=-1 out=${Buffer.byteLength(out)} err=${Buffer.byteLength(err)}\n${out}${err}`;

  it("counts bytes, not characters", () => {
    const probes = parseBatchOutput(Buffer.from(`${BATCH_HEADER}\n${frame(0, "né\n")}${frame(1, "x")}`));
    expect(probes?.get(0)).toEqual({ exit: 0, durationMs: undefined, stdout: "né\n", stderr: "" });
    expect(probes?.get(1)?.stdout).toBe("x");
  });

  it("keeps the probes that reported before output cut short", () => {
    const whole = `${BATCH_HEADER}\n${frame(0, "a\n")}${frame(1, "0123456789")}`;
    const probes = parseBatchOutput(Buffer.from(whole.slice(0, -3)));
    expect([...(probes?.keys() ?? [])]).toEqual([0]);
  });

  it("is undefined for output that is not a batch's", () => {
    expect(parseBatchOutput(Buffer.from("OCI runtime exec failed\n"))).toBeUndefined();
    expect(parseBatchOutput(Buffer.from(""))).toBeUndefined();
  });
});
