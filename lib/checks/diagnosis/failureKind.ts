// The last rule: no other check of the run points at a cause, so the diagnosis says in plain words what the
// failure was and points at the check's own rerun.
import type { FailureKind } from "../types";
import type { DiagnosisRule } from "./run";

const WORDS: Record<FailureKind, { what: string; summary: string }> = {
  timeout: { what: "nothing answered before the probe's time limit", summary: "no answer in time" },
  refused: {
    what: "the connection was refused: the address was reached, but nothing listens on that port",
    summary: "connection refused",
  },
  unreachable: { what: "the network reported no route to the address", summary: "no route" },
  "dns-failure": { what: "the name did not resolve", summary: "the name did not resolve" },
  "wrong-answer": { what: "an answer came back, but not the one expected", summary: "wrong answer" },
  "exec-error": {
    what: "the probe itself could not run (kubectl, or the command in the pod, failed), so the network was not tested",
    summary: "the probe could not run",
  },
  "no-endpoint": {
    what: "the Service never listed the pod as a ready endpoint",
    summary: "no ready endpoint",
  },
};

export const failureKind: DiagnosisRule = {
  name: "failure-kind",
  shared: false,
  explain(failed) {
    const words = failed.failure === undefined ? undefined : WORDS[failed.failure];
    return {
      cause: `${words?.what ?? "the check failed"}, and no other check of this run shows why: rerun it and read what it prints`,
      summary: words?.summary ?? "failed",
      see: failed.command,
    };
  },
};
