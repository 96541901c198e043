// A small XML writer: every value goes through one escaper, so no text or attribute is written raw.

/** An element with attributes and children; a string child is text. */
export interface XmlElement {
  name: string;
  /** Attributes in order; an undefined value leaves the attribute out. */
  attributes?: Record<string, string | number | undefined>;
  children?: (XmlElement | string)[];
}

// Characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// With the u flag a lone surrogate is one code point, outside every allowed range.
const ILLEGAL_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Replaces characters XML 1.0 cannot hold (control characters, lone surrogates) with a visible `\xHH` or `\uHHHH`. */
export function legalXmlChars(value: string): string {
  return value.replace(ILLEGAL_XML_CHAR, (char) => {
    const code = char.codePointAt(0) as number;
    const hex = code.toString(16).toUpperCase();
    return code < 0x100 ? `\\x${hex.padStart(2, "0")}` : `\\u${hex.padStart(4, "0")}`;
  });
}

const TEXT_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };
const ATTRIBUTE_ENTITIES: Record<string, string> = {
  ...TEXT_ENTITIES,
  '"': "&quot;",
  "'": "&apos;",
  // A parser normalizes raw tabs and line breaks in attribute values to spaces; these survive.
  "\t": "&#9;",
  "\n": "&#10;",
};

/** Character data: `&`, `<`, `>` and carriage returns escaped, illegal characters made visible. */
export function escapeXmlText(value: string): string {
  return legalXmlChars(value).replace(/[&<>\r]/g, (char) => TEXT_ENTITIES[char] as string);
}

/** An attribute value for double quotes: also quotes, tabs and line breaks escaped. */
export function escapeXmlAttribute(value: string): string {
  return legalXmlChars(value).replace(/[&<>"'\t\n\r]/g, (char) => ATTRIBUTE_ENTITIES[char] as string);
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

function checkedName(name: string): string {
  if (!XML_NAME.test(name)) throw new Error(`not an XML name: ${JSON.stringify(name)}`);
  return name;
}

function writeElement(element: XmlElement, indent: string, lines: string[]): void {
  const name = checkedName(element.name);
  const attributes = Object.entries(element.attributes ?? {})
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${checkedName(key)}="${escapeXmlAttribute(String(value))}"`)
    .join("");
  const children = element.children ?? [];
  if (children.length === 0) {
    lines.push(`${indent}<${name}${attributes}/>`);
  } else if (children.every((child) => typeof child === "string")) {
    // Text content is written as is, on the element's own line, so no indentation is added to it.
    lines.push(`${indent}<${name}${attributes}>${children.map(escapeXmlText).join("")}</${name}>`);
  } else {
    lines.push(`${indent}<${name}${attributes}>`);
    for (const child of children) {
      if (typeof child === "string") lines.push(escapeXmlText(child));
      else writeElement(child, `${indent}  `, lines);
    }
    lines.push(`${indent}</${name}>`);
  }
}

/** A UTF-8 XML document with `root` as its element, indented by two spaces. */
export function serializeXml(root: XmlElement): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  writeElement(root, "", lines);
  return `${lines.join("\n")}\n`;
}
