// Where the time of a `pulumi up` goes, read from the engine's own event log (`pulumi up --event-log FILE`,
// one JSON engine event per line): start-up until the program registers its first resource, then the moment
// the last resource of each phase (pods, services, checks) reported its outputs.
//
// The engine stamps every event with whole Unix seconds, so each mark here is good to about one second.
// No Pulumi imports, no I/O: e2e/lab/up-phases.ts reads the files and prints.

/** The part of an engine event's step metadata that says which resource it is about. */
interface StepMetadata {
  op: string;
  urn: string;
  type: string;
}

/** One line of the event log (apitype.EngineEvent): exactly one of the optional fields is set. */
export interface EngineEvent {
  sequence: number;
  /** Unix time in whole seconds. */
  timestamp: number;
  preludeEvent?: object;
  resourcePreEvent?: { metadata: StepMetadata };
  resOutputsEvent?: { metadata: StepMetadata };
  resOpFailedEvent?: { metadata: StepMetadata; status: number; steps: number };
  summaryEvent?: { durationSeconds: number; result?: string };
  cancelEvent?: object;
}

/** A phase ends when the last resource it covers has reported its outputs (or failed). */
export interface PhaseSpec {
  name: string;
  /** Resource type token, e.g. `kubernetes:core/v1:Pod`. */
  type: string;
  /** Only resources whose name (the URN's last part) starts with this. */
  namePrefix?: string;
}

/** The lab's phases in the order they normally complete. */
export const LAB_PHASES: readonly PhaseSpec[] = [
  { name: "pods ready", type: "kubernetes:core/v1:Pod" },
  { name: "services ready", type: "kubernetes:core/v1:Service" },
  { name: "checks done", type: "command:local:Command", namePrefix: "checks-" },
];

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Parses an event log; names the line of anything that is not an engine event. */
export function parseEventLog(text: string): EngineEvent[] {
  const events: EngineEvent[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch (error) {
      throw new Error(`event log line ${index + 1}: not JSON (${(error as Error).message})`);
    }
    const fields = event as Partial<EngineEvent> | null;
    if (typeof fields?.sequence !== "number" || typeof fields.timestamp !== "number") {
      throw new Error(`event log line ${index + 1}: not an engine event (no sequence and timestamp)`);
    }
    events.push(fields as EngineEvent);
  });
  return events.sort((a, b) => a.sequence - b.sequence);
}

export interface PhaseMark {
  name: string;
  /** Seconds from the start of `pulumi up` to the phase's last resource; undefined if none finished. */
  atSeconds: number | undefined;
  /** Resources of the phase that finished (outputs or failure), and how many of them failed. */
  resources: number;
  failed: number;
}

export interface PhaseBreakdown {
  /** Seconds from the start to the stack resource: the language runtime is up and loads the program. */
  programStartSeconds: number | undefined;
  /** Seconds from the start to the first resource the program registered (the stack itself aside). */
  firstResourceSeconds: number | undefined;
  phases: PhaseMark[];
  /** Seconds from the start to the end of `pulumi up` as the caller timed it (milliseconds precision). */
  totalSeconds: number;
  /** The engine's own result and duration, from its summary event, when there is one. */
  summary: { result: string | undefined; durationSeconds: number } | undefined;
}

const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

function matches(spec: PhaseSpec, metadata: StepMetadata): boolean {
  return (
    metadata.type === spec.type &&
    (spec.namePrefix === undefined || nameOf(metadata.urn).startsWith(spec.namePrefix))
  );
}

/**
 * Marks of one `pulumi up`: `startMs` and `endMs` are the caller's own clock (Unix milliseconds) around the
 * command; event times are whole seconds, so marks are counted in whole seconds from the start's second.
 */
export function phaseBreakdown(
  events: readonly EngineEvent[],
  startMs: number,
  endMs: number,
  phases: readonly PhaseSpec[] = LAB_PHASES,
): PhaseBreakdown {
  const startSecond = Math.floor(startMs / 1000);
  const since = (timestamp: number) => timestamp - startSecond;
  const stack = events.find((e) => e.resourcePreEvent?.metadata.type === STACK_TYPE);
  const firstResource = events.find(
    (e) => e.resourcePreEvent !== undefined && e.resourcePreEvent.metadata.type !== STACK_TYPE,
  );
  const summary = events.find((e) => e.summaryEvent !== undefined)?.summaryEvent;
  return {
    programStartSeconds: stack === undefined ? undefined : since(stack.timestamp),
    firstResourceSeconds: firstResource === undefined ? undefined : since(firstResource.timestamp),
    phases: phases.map((spec) => {
      let last: number | undefined;
      let resources = 0;
      let failed = 0;
      for (const event of events) {
        const done = event.resOutputsEvent ?? event.resOpFailedEvent;
        if (done === undefined || !matches(spec, done.metadata)) continue;
        resources += 1;
        if (event.resOpFailedEvent !== undefined) failed += 1;
        last = Math.max(last ?? event.timestamp, event.timestamp);
      }
      return { name: spec.name, atSeconds: last === undefined ? undefined : since(last), resources, failed };
    }),
    totalSeconds: (endMs - startMs) / 1000,
    summary:
      summary === undefined
        ? undefined
        : { result: summary.result, durationSeconds: summary.durationSeconds },
  };
}

/** One row per phase, in the order they ended: how long after the one before it, and when. */
export interface PhaseRow {
  name: string;
  /** Seconds since the previous row's end (the first row: since the start); undefined if never reached. */
  seconds: number | undefined;
  atSeconds: number | undefined;
  detail: string;
}

export function phaseRows(breakdown: PhaseBreakdown): PhaseRow[] {
  const marks = [
    {
      name: "start-up until the first resource",
      at: breakdown.firstResourceSeconds,
      detail:
        breakdown.programStartSeconds === undefined
          ? ""
          : `the program started loading at ${breakdown.programStartSeconds} s`,
    },
    ...breakdown.phases.map((phase) => ({
      name: phase.name,
      at: phase.atSeconds,
      detail: `${phase.resources} ${phase.resources === 1 ? "resource" : "resources"}${phase.failed > 0 ? `, ${phase.failed} failed` : ""}`,
    })),
  ];
  // Phases overlap (a service can be ready before the last pod): a timeline, in the order they ended.
  const reached = marks
    .filter((mark) => mark.at !== undefined)
    .sort((a, b) => (a.at as number) - (b.at as number));
  const rows: PhaseRow[] = [];
  let previous = 0;
  for (const mark of reached) {
    const at = mark.at as number;
    rows.push({ name: mark.name, seconds: at - previous, atSeconds: at, detail: mark.detail });
    previous = at;
  }
  for (const mark of marks.filter((m) => m.at === undefined)) {
    rows.push({ name: mark.name, seconds: undefined, atSeconds: undefined, detail: mark.detail });
  }
  rows.push({
    name: "after the last phase, until pulumi exits",
    seconds: Math.max(0, breakdown.totalSeconds - previous),
    atSeconds: breakdown.totalSeconds,
    detail:
      breakdown.summary === undefined
        ? "no summary event"
        : `engine result: ${breakdown.summary.result ?? "unknown"}`,
  });
  return rows;
}

const seconds = (value: number | undefined, digits = 0) =>
  value === undefined ? "-" : `${value.toFixed(digits)} s`;

/** A table a human reads. */
export function formatBreakdown(breakdown: PhaseBreakdown): string {
  const rows = phaseRows(breakdown);
  const width = Math.max(...rows.map((row) => row.name.length));
  const lines = rows.map((row, index) => {
    const last = index === rows.length - 1;
    const took = row.seconds === undefined ? "not reached" : seconds(row.seconds, last ? 1 : 0);
    const notes = [
      row.atSeconds === undefined ? "" : `at ${seconds(row.atSeconds, last ? 1 : 0)}`,
      row.detail,
    ].filter((note) => note !== "");
    return `  ${row.name.padEnd(width)}  ${took.padStart(11)}  (${notes.join("; ")})`;
  });
  return [
    "pulumi up phases (from the engine's event log; its timestamps are whole seconds, so each figure is +-1 s):",
    ...lines,
  ].join("\n");
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Median and spread of each row over several rounds, by name. */
export function formatPhaseSpread(breakdowns: readonly PhaseBreakdown[]): string {
  const perRound = breakdowns.map(phaseRows);
  const names = perRound[0]?.map((row) => row.name) ?? [];
  const width = Math.max(0, ...names.map((name) => name.length));
  const lines = names.map((name) => {
    const values = perRound
      .map((rows) => rows.find((row) => row.name === name)?.seconds)
      .filter((value): value is number => value !== undefined);
    const spread =
      values.length === 0 ? "" : `, ${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)} s`;
    const unreached = perRound.length - values.length;
    const missing =
      unreached > 0 ? `; not reached in ${unreached} ${unreached === 1 ? "round" : "rounds"}` : "";
    return `  ${name.padEnd(width)}  median ${seconds(median(values), 1)}${spread}${missing}`;
  });
  return [
    `pulumi up phases over ${breakdowns.length} rounds (median, min-max; each figure +-1 s):`,
    ...lines,
  ].join("\n");
}
