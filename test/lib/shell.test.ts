import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BATCH_SCRIPT } from "../../lib/checks/batch";
import { execStep } from "../../lib/checks/kubectl";
import { bashTcpProbe, largeTransferProbe, networkIdentityProbe } from "../../lib/checks/probes";
import { STRICT_GATE_SCRIPT } from "../../lib/checks/report";
import { buildRunnerScript } from "../../lib/checks/runner";
import { TIMING_PREFIX } from "../../lib/checks/timing";
import { UNRESOLVED_FACTS } from "../../lib/checks/lab";
import { planNetworkReads } from "../../lib/checks/network";
import { discoveryCommand } from "../../lib/clusterReads";
import { parseLabConfig } from "../../lib/config";
import { labTopology } from "../../lib/topology";
import { readScript, shellAssignments, shellFunction, shellJoin, shellQuote } from "../../lib/shell";

const LIB = path.resolve(__dirname, "..", "..", "lib");

describe("shellQuote", () => {
  it("leaves plain words readable", () => {
    expect(shellQuote("pod-demo")).toBe("pod-demo");
    expect(shellQuote("http://10.244.0.7:80/")).toBe("http://10.244.0.7:80/");
    expect(shellQuote("--request-timeout=30s")).toBe("--request-timeout=30s");
  });

  it("quotes everything else so that sh sees one literal word", () => {
    const nasty = ["", "a b", "it's", "$(reboot)", "`id`", "a;b", "x\ny", '"q"', "*", "~/x", "a\\b"];
    for (const word of nasty) {
      const echoed = execFileSync("sh", ["-c", `printf '%s' ${shellQuote(word)}`], { encoding: "utf8" });
      expect(echoed).toBe(word);
    }
  });

  it("joins argument vectors", () => {
    const argv = ["printf", "%s|", "one word", "it's", "$HOME"];
    expect(execFileSync("sh", ["-c", shellJoin(argv)], { encoding: "utf8" })).toBe("one word|it's|$HOME|");
  });
});

describe("shellAssignments and shellFunction", () => {
  it("set variables to exactly these values, on one line", () => {
    const line = shellAssignments({ a: "it's $HOME", b: 97, c: "" });
    expect(line).not.toContain("\n");
    const printed = execFileSync("sh", ["-c", `${line}\nprintf '%s|' "$a" "$b" "$c"`], { encoding: "utf8" });
    expect(printed).toBe("it's $HOME|97||");
  });

  it("define a function that runs the command line, passing its arguments verbatim", () => {
    const line = shellFunction("say", ["printf", "%s|", "one word", "`id`"]);
    expect(line).toBe("say() { printf '%s|' 'one word' '`id`'; }");
    expect(execFileSync("sh", ["-c", `${line}\nsay`], { encoding: "utf8" })).toBe("one word|`id`|");
  });

  it("refuse names sh would not read as one", () => {
    expect(() => shellAssignments({ "a b": "x" })).toThrow(/not a shell variable name/);
    expect(() => shellFunction("f;g", ["true"])).toThrow(/not a shell function name/);
  });
});

describe("readScript", () => {
  it("keeps a script's code and drops its comment lines and blank lines", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "netlab-shell-")), "x.sh");
    writeFileSync(file, "# shellcheck shell=sh\n# why\n\nf() {\n  # inside\n  echo '#1' # after\n}\nf\n");
    expect(readScript(file)).toBe("f() {\n  echo '#1' # after\n}\nf");
  });
});

describe("the scripts under lib/", () => {
  const target = { kubeconfig: "/tmp/kube config", context: "kind-kind", requestTimeoutSeconds: 30 };
  const step = execStep(target, { namespace: "netlab", pod: "pod-demo", container: "c" }, ["true"]);
  const probeTimeouts = { connectTimeoutSeconds: 5, maxTimeSeconds: 10 };
  const runner = { execTimeoutSeconds: 20, execAttempts: 3, retryDelaySeconds: 0, kubeProxySettleSeconds: 2 };
  // Each script and the command that carries it, as the program builds it.
  const embedded: Record<string, string> = {
    "checks/batch.sh": BATCH_SCRIPT,
    "checks/runner.sh": buildRunnerScript([step], runner),
    "checks/strict-gate.sh": STRICT_GATE_SCRIPT,
    "discovery.sh": discoveryCommand(target, "netlab"),
    // Run inside the pods as one `-c` argument.
    "checks/http-get.bash": shellJoin(bashTcpProbe("10.244.1.11", 80, probeTimeouts)),
    "checks/network-identity.sh": shellJoin(networkIdentityProbe()),
    "checks/transfer.bash": shellJoin(
      largeTransferProbe("http://10.244.1.31:8080/echo", 49152, probeTimeouts),
    ),
    "checks/network-facts.sh": shellJoin(
      planNetworkReads(labTopology(parseLabConfig({}, { fileExists: () => true })), {
        ...UNRESOLVED_FACTS,
        nodeProbes: { "node-1": "netlab-node-probe-x" },
      }).steps[0]?.argv ?? [],
    ),
  };
  const scripts = (dir: string): string[] =>
    readdirSync(path.join(LIB, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return scripts(relative);
      return /\.(sh|bash)$/.test(entry.name) ? [relative] : [];
    });

  it("are each embedded, as they are in the file, in the command that runs them", () => {
    expect(
      scripts(".")
        .map((file) => path.posix.normalize(file))
        .sort(),
    ).toEqual(Object.keys(embedded).sort());
    for (const [file, command] of Object.entries(embedded)) {
      const code = readScript(path.join(LIB, file)).replaceAll("@TIMING_PREFIX@", TIMING_PREFIX);
      expect(code, file).toMatch(/\S/);
      const oneLine = code.split("\n").join("; ");
      const quoted = (text: string) => text.replaceAll("'", `'\\''`);
      expect(
        [code, quoted(oneLine)].some((form) => command.includes(form)),
        file,
      ).toBe(true);
    }
  });

  it("say to shellcheck which shell they are for: POSIX sh, or bash where the file says so", () => {
    for (const file of Object.keys(embedded)) {
      const shell = file.endsWith(".bash") ? "bash" : "sh";
      expect(readFileSync(path.join(LIB, file), "utf8"), file).toMatch(
        new RegExp(`^# shellcheck shell=${shell}\n`),
      );
    }
  });
});
