// Safe pieces of Markdown (CommonMark, with GitHub's tables): text from the cluster or the checks, shown as
// text and never read as markup, whatever characters it holds.

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
}

/**
 * Control characters other than tab and line breaks (a terminal's colour codes, NUL) become spaces, and
 * a lone half of a surrogate pair, which no encoding can write, the replacement character.
 */
function clean(text: string): string {
  return text.replace(/(?![\t\n\r])\p{Cc}/gu, " ").replace(/\p{Cs}/gu, "\uFFFD");
}

const oneLine = (text: string): string => clean(text).replace(/\s+/g, " ").trim();

/**
 * Plain text on one line, for inside a paragraph or a heading: the characters that could start markup there
 * (code, emphasis, links, HTML and entities, table cells, strikethrough) are escaped, so `<pod name>` stays
 * text.
 */
export function mdText(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>|&~]/g, (char) => `\\${char}`);
}

/** Text as inline code, on one line: its fence is longer than any backtick run inside it. */
export function mdCode(text: string): string {
  const line = oneLine(text);
  const fence = "`".repeat(longestBacktickRun(line) + 1);
  // A code span that starts or ends with a backtick needs a space between it and its fence.
  const pad = line.startsWith("`") || line.endsWith("`") ? " " : "";
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A fenced code block of `text` (its lines as they are), with a fence no line inside can close. */
export function mdBlock(text: string, language = ""): string[] {
  const body = clean(text).replace(/\r\n?/g, "\n");
  const fence = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
  return [`${fence}${language}`, ...body.split("\n"), fence];
}

/** A table row of cells already written as Markdown: a pipe not yet escaped would end its cell. */
export function mdRow(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replace(/(?<!\\)\|/g, "\\|")).join(" | ")} |`;
}
