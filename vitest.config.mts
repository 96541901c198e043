import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Program tests run every check's script through sh against the fake kubectl.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Most of a test file's cost is loading Pulumi and the Kubernetes SDK: files share a worker and its
    // loaded modules instead of starting afresh. Each file still installs its own mocks (and program tests
    // re-import the program); test/support/setup.ts keeps one file's registrations out of the next.
    isolate: false,
    setupFiles: ["test/support/setup.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    // Vitest's default is one worker fewer than the CPUs, a single worker on 2 cores; program tests spend
    // part of their time waiting on the check scripts they run, so use every CPU.
    maxWorkers: Math.max(2, availableParallelism()),
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-results.json" },
  },
});
