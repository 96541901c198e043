import { defineConfig } from "vitest/config";

// The browser render tests: slow (one headless chromium per diagram), so apart from `npm test`.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.spec.ts"],
    testTimeout: 180_000,
    reporters: ["verbose"],
  },
});
