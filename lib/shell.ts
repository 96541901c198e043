// Quoting for POSIX shells: every value that reaches a command line goes through here. And the scripts
// under lib/: sh lives in .sh files that shellcheck reads, embedded in the commands that run them.
import { readFileSync } from "node:fs";

const SAFE_WORD = /^[A-Za-z0-9_/.:=@%+,-]+$/;

/** Quotes one word for sh, leaving plain words as they are so that commands stay readable. */
export function shellQuote(word: string): string {
  if (word !== "" && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argument vector into one sh command line. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One sh line that sets these variables to these values, quoted: how a script gets its data. */
export function shellAssignments(variables: Record<string, string | number>): string {
  return Object.entries(variables)
    .map(([name, value]) => {
      if (!SHELL_NAME.test(name)) throw new Error(`not a shell variable name: ${JSON.stringify(name)}`);
      return `${name}=${shellQuote(String(value))}`;
    })
    .join(" ");
}

/**
 * The code of a sh script, to embed in a command: its lines without the comment lines and blank lines, which
 * are for the reader of the file (and shellcheck's directives) and would only lengthen the command that
 * Pulumi records and kubectl carries. The scripts have no here-documents, so no such line is data.
 */
export function readScript(file: string): string {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
    .join("\n");
}

/** One sh line that defines a function running this command line: how a script gets a command to run. */
export function shellFunction(name: string, argv: readonly string[]): string {
  if (!SHELL_NAME.test(name)) throw new Error(`not a shell function name: ${JSON.stringify(name)}`);
  return `${name}() { ${shellJoin(argv)}; }`;
}

/** A script's code as one line, its lines joined by "; ": for a script passed as `sh -c` or `bash -c`. */
export function readScriptLine(file: string): string {
  return readScript(file).split("\n").join("; ");
}
