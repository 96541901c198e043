// Once per `npm test`: a directory where the workers share the outputs of the check scripts they ran
// (test/support/pulumiMocks.ts), removed at the end.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    scriptRunsDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const directory = mkdtempSync(path.join(tmpdir(), "netlab-script-runs-"));
  project.provide("scriptRunsDir", directory);
  return () => rmSync(directory, { recursive: true, force: true });
}
