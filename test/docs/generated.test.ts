// The docs that repeat the code (docs/checks.md, docs/configuration.md) are generated from it by
// scripts/gen-docs.ts: regenerated here in memory, each must equal the committed file.
import { describe, expect, it } from "vitest";
import {
  BEGIN,
  configurationSection,
  END,
  GENERATED_DOCS,
  regenerate,
  renderDoc,
} from "../../scripts/gen-docs";

describe("the generated docs", () => {
  it.each(GENERATED_DOCS)("$file is up to date", (doc) => {
    const { committed, expected } = regenerate(doc);
    expect(committed === expected, `${doc.file} is stale: run npm run docs`).toBe(true);
  });

  it("replaces only the part between the markers, and keeps the prose around it", () => {
    const doc = `# Title\n\nProse before.\n\n${BEGIN}\n\nold\n\n${END}\n\nProse after.\n`;
    expect(renderDoc("docs/x.md", doc, "new")).toBe(
      `# Title\n\nProse before.\n\n${BEGIN}\n\nnew\n\n${END}\n\nProse after.\n`,
    );
    expect(() => renderDoc("docs/x.md", "# No markers\n", "new")).toThrow(/lacks the markers/);
  });

  it("fails on a key the schema reads and Pulumi.yaml does not declare", () => {
    const yaml = 'config:\n  namespace: { type: string, default: netlab, description: "the namespace" }\n';
    expect(() => configurationSection(yaml)).toThrow(/Pulumi.yaml does not declare createNamespace/);
  });
});
