// `pulumi up` runs the program through ts-node the way @pulumi/pulumi's cmd/run registers it: the project's
// tsconfig (Pulumi.yaml's runtime.options.tsconfig), transpile-only when that tsconfig says noCheck, and the
// transpiler its "ts-node" section names. Type errors are `npx tsc --noEmit`'s job; this checks that the
// program's files come out of that transpiler as JavaScript Node can load.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Script } from "node:vm";
import { create } from "ts-node";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = path.resolve(__dirname, "..");
const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
  runtime: { options: { typescript: boolean; tsconfig: string } };
};
const tsconfigPath = path.join(root, project.runtime.options.tsconfig);
const tsconfig = ts.getParsedCommandLineOfConfigFile(
  tsconfigPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  },
);

// As Pulumi's runner creates it: noCheck makes it transpile-only; the rest comes from the tsconfig.
const service = create({ project: tsconfigPath, transpileOnly: true });

const programFiles = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return programFiles(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });

describe("the transpiler pulumi up uses", () => {
  it("is swc, transpile-only, from the tsconfig Pulumi.yaml names", () => {
    expect(project.runtime.options.typescript).toBe(true);
    expect(tsconfig?.options.noCheck).toBe(true);
    expect(service.options.swc).toBe(true);
  });

  it("turns every file of the program into JavaScript Node can load, with a source map", () => {
    const files = ["index.ts", ...programFiles("components"), ...programFiles("lib")];
    expect(files).toEqual(expect.arrayContaining(["index.ts", "components/ConnectivityChecks.ts"]));
    expect(tsconfig?.fileNames.map((file) => path.relative(root, file)).sort()).toEqual([...files].sort());
    for (const file of files) {
      const absolute = path.join(root, file);
      const output = service.compile(readFileSync(absolute, "utf8"), absolute);
      // Compiled, not run: a syntax the transpiler left behind (a type annotation, `import type`) throws here.
      expect(() => new Script(output, { filename: absolute }), file).not.toThrow();
      expect(output, file).toMatch(/\/\/# sourceMappingURL=data:application\/json/);
    }
  });
});
