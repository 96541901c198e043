// Runs the tests' scripts (the checks' runner scripts, the discovery) for a test worker. Node forks the whole process to spawn one,
// and a test worker holding Pulumi and the Kubernetes SDK is large: forking this small process instead
// makes each of the hundreds of spawns cheap. Messages: { id, script, env, timeout } in, { id, error,
// stdout, stderr } out.
//
// It also answers for the fake kubectl (bin/kubectl) that those scripts call, with bin/fake-kubectl.mjs
// loaded once here: requests come as lines "<argument count>
// <file prefix>" on a FIFO (protocol in bin/kubectl).
import { Buffer } from "node:buffer";
import { execFile, execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { respond, VARIABLES } from "./bin/fake-kubectl.mjs";

const home = mkdtempSync(path.join(tmpdir(), "netlab-fake-kubectl-"));
const requests = path.join(home, "requests");
execFileSync("mkfifo", [requests]);
// Read and write: the FIFO never reports an end when the last client closes it.
const requestStream = new Socket({
  fd: openSync(requests, constants.O_RDWR | constants.O_NONBLOCK),
  readable: true,
  writable: false,
});
requestStream.unref();

function answer(line) {
  const space = line.indexOf(" ");
  const count = Number(line.slice(0, space));
  const prefix = line.slice(space + 1);
  const file = (name) => readFileSync(`${prefix}.${name}`, "utf8");
  const argv = Array.from({ length: count }, (_, i) => file(`arg.${i}`));
  const env = Object.fromEntries(VARIABLES.map((name) => [name, file(name)]));
  const result = respond(argv, env);
  if (result === null) return;
  const stdout = Buffer.from(result.stdout);
  const stderr = Buffer.from(result.stderr);
  if (stdout.length > 0) writeFileSync(`${prefix}.stdout`, stdout);
  if (stderr.length > 0) writeFileSync(`${prefix}.stderr`, stderr);
  // Non-blocking: a client that its watchdog has ended is not waited for.
  const exit = openSync(`${prefix}.exit`, constants.O_WRONLY | constants.O_NONBLOCK);
  writeFileSync(exit, `${result.exit} ${stdout.length} ${stderr.length}\n`);
  closeSync(exit);
}

let pending = "";
requestStream.setEncoding("utf8");
requestStream.on("data", (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    try {
      answer(line);
    } catch (error) {
      // A client its watchdog ended: nothing waits for this answer.
      if (error.code !== "ENXIO") throw error;
    }
  }
});

process.on("exit", () => rmSync(home, { recursive: true, force: true }));
process.on("disconnect", () => process.exit(0));

process.on("message", ({ id, script, env, timeout }) => {
  execFile(
    "sh",
    ["-c", script],
    { env: { ...env, FAKE_KUBECTL_SERVER: requests, FAKE_KUBECTL_VARIABLES: VARIABLES.join(" ") }, timeout },
    (error, stdout, stderr) => {
      process.send({
        id,
        error: error ? { code: error.code ?? null, signal: error.signal ?? null } : null,
        stdout,
        stderr,
      });
    },
  );
});
