// Cutting text to fit where it is shown: one line of a table, an attribute, a short excerpt in a message.

/** Every run of whitespace (line breaks and tabs too) as one space, none at either end. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** At most `width` characters: a longer text keeps `width - 1` of them and ends with `…`. */
export function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** How long an excerpt of a command's output may be in a message. */
export const EXCERPT_WIDTH = 240;

/** A short excerpt on one line: whitespace folded, then clipped to `width`. */
export function excerpt(text: string, width = EXCERPT_WIDTH): string {
  return clip(oneLine(text), width);
}
