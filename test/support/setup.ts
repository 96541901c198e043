// Runs before every test file. Test files share their worker (and Pulumi's global state) with the files
// before and after them, so a file that used Pulumi waits at its end until every registration it started
// has finished: none can reach the mocks of the next file.
import { createRequire } from "node:module";
import { afterAll } from "vitest";

const require = createRequire(__filename);

afterAll(async () => {
  // Only when this worker has loaded Pulumi: pure tests do not pay for importing it.
  if (require.cache[require.resolve("@pulumi/pulumi")] === undefined) return;
  const pulumi = await import("@pulumi/pulumi");
  await pulumi.runtime.disconnect();
});
