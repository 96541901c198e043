import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellJoin, shellQuote } from "../../lib/shell";

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
