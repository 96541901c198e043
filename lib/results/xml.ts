// XML documents, laid out by fast-xml-builder. Every text and attribute value goes through this module's
// escaper: the builder's own knows neither the characters XML 1.0 cannot hold nor the tabs and line breaks
// a parser would turn into spaces in an attribute.
import XMLBuilder from "fast-xml-builder";

/**
 * An element in the builder's form: a key starting with `@` is an attribute (an undefined value leaves it
 * out), `#text` is the element's text, any other key a child element (an array for several of one name).
 */
export interface XmlElement {
  [key: string]: XmlContent;
}
export type XmlContent = string | number | undefined | XmlElement | XmlElement[];

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

const builder = new XMLBuilder({
  format: true,
  indentBy: "  ",
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  // `<skipped message="..."/>`, not an empty pair of tags.
  suppressEmptyNode: true,
  // An attribute whose value is "true" keeps its value.
  suppressBooleanAttributes: false,
  // The escapers above do it all, once.
  processEntities: false,
  tagValueProcessor: (_name, value) => escapeXmlText(String(value)),
  attributeValueProcessor: (_name, value) => escapeXmlAttribute(String(value)),
  // Called only for a name that is not a valid XML name.
  sanitizeName: (name) => {
    throw new Error(`not an XML name: ${JSON.stringify(name)}`);
  },
});

/** A UTF-8 XML document whose root element is `name`, indented by two spaces. */
export function serializeXml(name: string, root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [name]: root })}`;
}
