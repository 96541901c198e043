// Quoting for POSIX shells: every value that reaches a command line goes through here.

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
