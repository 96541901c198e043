// Pulumi.dev.yaml documents every key with its default: it must stay true.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_KEYS, parseLabConfig, projectKeys } from "../lib/config";

const file = path.resolve(__dirname, "..", "Pulumi.dev.yaml");
const text = readFileSync(file, "utf8");
const stack = parse(text) as { config: Record<string, unknown> };
const options = { fileExists: () => true };

/** What Pulumi hands the program: strings, with structured values as JSON. */
function asPulumiConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      typeof value === "object" ? JSON.stringify(value) : String(value),
    ]),
  );
}

describe("Pulumi.dev.yaml", () => {
  it("sets the defaults, so the dev stack is the tutorial's lab", () => {
    const raw = projectKeys(asPulumiConfig(stack.config), "k8s-networking-lab");
    expect(parseLabConfig(raw, options)).toEqual(parseLabConfig({}, options));
  });

  it("shows every key, the two without a default as comments", () => {
    const shown = CONFIG_KEYS.filter((key) =>
      new RegExp(`^ *#? *k8s-networking-lab:${key}:`, "m").test(text),
    );
    expect(shown).toEqual([...CONFIG_KEYS]);
    const set = Object.keys(stack.config).map((key) => key.replace("k8s-networking-lab:", ""));
    expect(CONFIG_KEYS.filter((key) => !set.includes(key))).toEqual(["kubeconfig", "context"]);
  });

  it("has a comment above every key", () => {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (/^ {2}k8s-networking-lab:/.test(line)) expect(lines[i - 1], line).toMatch(/^ {2}#/);
    });
  });
});
