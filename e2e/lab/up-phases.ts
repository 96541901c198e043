// Prints where the time of `pulumi up` went, from the engine's event logs, for e2e/lab/bench.sh.
//
//   npx ts-node --transpile-only e2e/lab/up-phases.ts [--spread-only] <start-ms> <end-ms> <event-log> [...]
//
// <start-ms> and <end-ms> are Unix milliseconds taken just before and after the command; <event-log> is the
// file given to `pulumi up --event-log`. Prints each round's breakdown, then, for several rounds, the
// median and spread of every phase (only those with --spread-only).
import { readFileSync } from "node:fs";
import { formatBreakdown, formatPhaseSpread, parseEventLog, phaseBreakdown } from "./event-phases";

const spreadOnly = process.argv[2] === "--spread-only";
const args = process.argv.slice(spreadOnly ? 3 : 2);
if (args.length === 0 || args.length % 3 !== 0) {
  console.error(
    "usage: up-phases.ts [--spread-only] <start-ms> <end-ms> <event-log> [<start-ms> <end-ms> <event-log>]...",
  );
  process.exit(2);
}
const breakdowns = [];
for (let i = 0; i < args.length; i += 3) {
  const [start, end, file] = args.slice(i, i + 3) as [string, string, string];
  const breakdown = phaseBreakdown(parseEventLog(readFileSync(file, "utf8")), Number(start), Number(end));
  breakdowns.push(breakdown);
  if (spreadOnly) continue;
  if (args.length > 3) console.log(`round ${i / 3 + 1} (${file}):`);
  console.log(formatBreakdown(breakdown));
}
if (breakdowns.length > 1 || spreadOnly) console.log(formatPhaseSpread(breakdowns));
