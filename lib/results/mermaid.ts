// Safe pieces of Mermaid flowchart text: node ids that cannot clash with syntax, and quoted labels.

/**
 * Mermaid reads `#name;` and `#123;` in a label as an entity; everything that could end a quoted label,
 * start markup or a comment, or be read as an entity is written as a numeric entity. Line breaks and
 * other control characters become spaces.
 */
const MERMAID_ENTITIES: Record<string, string> = {
  "#": "#35;",
  '"': "#quot;",
  "&": "#amp;",
  "<": "#lt;",
  ">": "#gt;",
  "`": "#96;",
  "|": "#124;",
  "%": "#37;",
  "\\": "#92;",
};

/**
 * Before parsing, Mermaid drops the last `;` of any line where `style` or `classDef` is followed by
 * `:` and `#` (meant for colours), which would break an entity in a label on that line. Spelling the
 * first letter of those words as an entity keeps user text from triggering it.
 */
const STYLE_WORDS = /style|classDef/g;

/** Text for inside a double-quoted Mermaid label. */
export function mermaidText(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/[#"&<>`|%\\]/g, (char) => MERMAID_ENTITIES[char] as string)
    .replace(STYLE_WORDS, (word) => `#${word.charCodeAt(0)};${word.slice(1)}`);
}

/** A double-quoted label of lines, each escaped; lines are joined with Mermaid's `<br/>`. */
export function mermaidLabel(...lines: string[]): string {
  return `"${lines.map(mermaidText).join("<br/>")}"`;
}

/** Hands out node ids made of letters, digits and `_` only, readable, unique, never a keyword. */
export class MermaidIds {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>();

  /** The id for `key` (the same key always gets the same id), built from a prefix and a name. */
  id(prefix: string, name: string): string {
    const key = `${prefix}\u0000${name}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const base = `${prefix}_${name}`
      .replace(/[^A-Za-z0-9_]+/g, "_")
      .replace(/_+$/, "")
      .replace(STYLE_WORDS, (word) => `${word.slice(0, 1)}_${word.slice(1)}`);
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    this.byKey.set(key, id);
    return id;
  }
}
