// Several probes in one container through one `kubectl exec`: each kubectl process and each exec costs far
// more CPU than the probe it carries, and a check group often runs many probes in the same container.
//
// The probes run side by side inside the container (each bounds its own time), with their outputs kept in a
// temporary directory there, then come back as length-prefixed frames, so any output, binary or not, is
// read back exactly. A container that cannot run the batch (no sh, no writable temporary directory) prints
// no batch header; the runner then runs its probes one exec each.
import * as path from "node:path";
import { readScript, shellAssignments, shellJoin } from "../shell";

export const BATCH_HEADER = "netlab-batch v1";

/** The exit code the batch script gives when the container has no writable temporary directory. */
export const BATCH_NO_TMP_EXIT = 97;

/**
 * The sh script run inside the container (batch.sh): `sh -c BATCH_SCRIPT netlab-batch '<probe 0>' '<probe 1>'
 * ...`, each probe a command line quoted for sh. Prints BATCH_HEADER, then per probe a line
 * `probe <i> exit=<code> ms=<duration or -1> out=<bytes> err=<bytes>` followed by its stdout and stderr.
 */
export const BATCH_SCRIPT = [
  shellAssignments({ netlab_header: BATCH_HEADER, netlab_no_tmp_exit: BATCH_NO_TMP_EXIT }),
  readScript(path.join(__dirname, "batch.sh")),
].join("\n");

/** The command `kubectl exec` runs in the container for these probes. */
export function batchCommand(probes: readonly (readonly string[])[]): string[] {
  return ["sh", "-c", BATCH_SCRIPT, "netlab-batch", ...probes.map((argv) => shellJoin(argv))];
}

export interface ProbeOutput {
  exit: number;
  /** Measured in the container; undefined where its `date` cannot give milliseconds. */
  durationMs: number | undefined;
  stdout: string;
  stderr: string;
}

const PROBE_LINE = /^probe (\d+) exit=(-?\d+) ms=(-?\d+) out=(\d+) err=(\d+)$/;

/**
 * Reads a batch's output back: one entry per probe that reported, by index. Returns undefined when the
 * output does not start with the batch header (the batch did not run); stops at the first frame that is
 * cut short (the exec was stopped before the batch finished).
 */
export function parseBatchOutput(output: Buffer): Map<number, ProbeOutput> | undefined {
  const header = Buffer.from(`${BATCH_HEADER}\n`);
  if (!output.subarray(0, header.length).equals(header)) return undefined;
  const probes = new Map<number, ProbeOutput>();
  let at = header.length;
  while (at < output.length) {
    const lineEnd = output.indexOf(0x0a, at);
    if (lineEnd < 0) break;
    const match = PROBE_LINE.exec(output.subarray(at, lineEnd).toString("utf8"));
    if (match === null) break;
    const [outBytes, errBytes] = [Number(match[4]), Number(match[5])];
    const body = lineEnd + 1;
    if (body + outBytes + errBytes > output.length) break;
    const ms = Number(match[3]);
    probes.set(Number(match[1]), {
      exit: Number(match[2]),
      durationMs: ms >= 0 ? ms : undefined,
      stdout: output.subarray(body, body + outBytes).toString("utf8"),
      stderr: output.subarray(body + outBytes, body + outBytes + errBytes).toString("utf8"),
    });
    at = body + outBytes + errBytes;
  }
  return probes;
}
