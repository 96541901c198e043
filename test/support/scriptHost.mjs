// Runs the check scripts of the program tests for a test worker. Node forks the whole process to spawn one,
// and a test worker holding Pulumi and the Kubernetes SDK is large: forking this small process instead
// makes each of the hundreds of spawns cheap. Messages: { id, script, env, timeout } in, { id, error,
// stdout, stderr } out.
import { execFile } from "node:child_process";
import process from "node:process";

process.on("message", ({ id, script, env, timeout }) => {
  execFile("sh", ["-c", script], { env, timeout }, (error, stdout, stderr) => {
    process.send({
      id,
      error: error ? { code: error.code ?? null, signal: error.signal ?? null } : null,
      stdout,
      stderr,
    });
  });
});
