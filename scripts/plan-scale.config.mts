// `npm run bench:plan`: runs scripts/plan-scale.ts alone, with the unit tests' setup (the mocks' script host
// and shared script outputs), one worker so that nothing else competes for the CPU while it times.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["scripts/plan-scale.ts"],
    testTimeout: 3_600_000,
    setupFiles: ["test/support/setup.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    maxWorkers: 1,
    reporters: ["default"],
  },
});
