// Pulumi.yaml declares every key, Pulumi.dev.yaml shows every key with its default, and docs/configuration.md
// lists them: all three must agree with the schema in lib/config.ts.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_KEYS, CONFIG_SPEC, parseLabConfig, projectKeys } from "../lib/config";

const PROJECT = "k8s-networking-lab";
const read = (name: string) => readFileSync(path.resolve(__dirname, "..", name), "utf8");
const text = read("Pulumi.dev.yaml");
const stack = parse(text) as { config: Record<string, unknown> };
const project = parse(read("Pulumi.yaml")) as {
  name: string;
  config: Record<string, { type?: string; default?: unknown; description?: string }>;
};
const options = { fileExists: () => true };

/** What Pulumi hands the program: strings, with structured values as JSON. */
const asPulumiValue = (value: unknown) => (typeof value === "object" ? JSON.stringify(value) : String(value));
const asPulumiConfig = (config: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(config).map(([key, value]) => [key, asPulumiValue(value)]));

/** The engine's type check of a stack value (sdk/go/common/workspace: ValidateConfigValue): scalars arrive as text. */
function engineAccepts(type: string | undefined, value: unknown): boolean {
  if (type === "object") return typeof value === "object" && value !== null && !Array.isArray(value);
  if (typeof value === "object") return false;
  const scalar = String(value);
  if (type === "integer") return /^[-+]?\d+$/.test(scalar);
  if (type === "boolean") return scalar === "true" || scalar === "false";
  return type === "string";
}

describe("Pulumi.yaml", () => {
  it("declares exactly the schema's keys, in its order", () => {
    expect(project.name).toBe(PROJECT);
    expect(Object.keys(project.config)).toEqual(CONFIG_KEYS);
  });

  it.each(CONFIG_KEYS)(
    "declares %s with a description, the schema's type and a default it accepts",
    (key) => {
      const declared = project.config[key];
      const spec = CONFIG_SPEC[key];
      expect(declared?.description?.trim().length, "description").toBeGreaterThan(20);
      expect(declared?.type).toBe(spec.type);
      expect(declared?.default, "default").toEqual(spec.default);
      expect(engineAccepts(declared?.type, declared?.default)).toBe(true);
      expect(spec.schema.safeParse(declared?.default).success, "typed default").toBe(true);
      expect(
        spec.schema.safeParse(asPulumiValue(declared?.default)).success,
        "default as Pulumi passes it",
      ).toBe(true);
    },
  );

  it("gives, with every default filled in by the engine, the same lab as no configuration at all", () => {
    const filled = Object.fromEntries(
      Object.entries(project.config).map(([key, declared]) => [key, asPulumiValue(declared.default)]),
    );
    expect(parseLabConfig(filled, options)).toEqual(parseLabConfig({}, options));
  });
});

describe("Pulumi.dev.yaml", () => {
  it("sets the defaults, so the dev stack is the tutorial's lab", () => {
    const raw = projectKeys(asPulumiConfig(stack.config), PROJECT);
    expect(parseLabConfig(raw, options)).toEqual(parseLabConfig({}, options));
  });

  it("holds values of the types Pulumi.yaml declares, which the engine checks", () => {
    for (const [key, value] of Object.entries(stack.config)) {
      const declared = project.config[key.replace(`${PROJECT}:`, "")];
      expect(engineAccepts(declared?.type, value), `${key}: ${JSON.stringify(value)}`).toBe(true);
    }
  });

  it("shows every key, the two that mean 'unset' as comments", () => {
    const shown = CONFIG_KEYS.filter((key) => new RegExp(`^ *#? *${PROJECT}:${key}:`, "m").test(text));
    expect(shown).toEqual([...CONFIG_KEYS]);
    const set = Object.keys(stack.config).map((key) => key.replace(`${PROJECT}:`, ""));
    expect(CONFIG_KEYS.filter((key) => !set.includes(key))).toEqual(["kubeconfig", "context"]);
  });

  it("has a comment above every key", () => {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (/^ {2}k8s-networking-lab:/.test(line)) expect(lines[i - 1], line).toMatch(/^ {2}#/);
    });
  });
});

describe("docs/configuration.md's tables", () => {
  const doc = read("docs/configuration.md");
  const section = doc.slice(doc.indexOf("## Every key"), doc.indexOf("## Rules between keys"));
  const rows = section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.split("|").map((cell) => cell.trim()));

  it("has a row for every key, in the schema's order", () => {
    const keys = rows.map(([, key]) => /^`([A-Za-z]+)/.exec(key ?? "")?.[1]);
    expect([...new Set(keys)]).toEqual(CONFIG_KEYS);
  });

  it("shows each plain key's default as Pulumi.yaml declares it", () => {
    for (const key of CONFIG_KEYS.filter((k) => CONFIG_SPEC[k].type !== "object")) {
      const row = rows.find(([, name]) => name === `\`${key}\``);
      const fallback = String(CONFIG_SPEC[key].default);
      expect(row?.[2], key).toBe(fallback === "" ? '`""`' : `\`${fallback}\``);
    }
  });
});
