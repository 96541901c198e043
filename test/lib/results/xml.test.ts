import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { escapeXmlAttribute, escapeXmlText, legalXmlChars, serializeXml } from "../../../lib/results/xml";

describe("legalXmlChars", () => {
  it("keeps tabs, line breaks and every legal non-ASCII character", () => {
    const text = "a\tb\nc\r ü ☕ 😀 \u{10FFFF} \uE000 \uFFFD";
    expect(legalXmlChars(text)).toBe(text);
  });

  it("makes control characters, lone surrogates and U+FFFE/U+FFFF visible", () => {
    expect(legalXmlChars("\u0000\u0007\u001b[31m\u001f")).toBe("\\x00\\x07\\x1B[31m\\x1F");
    expect(legalXmlChars("x\ud800y\udfffz")).toBe("x\\uD800y\\uDFFFz");
    expect(legalXmlChars("\uFFFE\uFFFF")).toBe("\\uFFFE\\uFFFF");
  });
});

describe("escapeXmlText", () => {
  it("escapes markup and carriage returns, not quotes", () => {
    expect(escapeXmlText(`<a href="x">&amp;</a> ]]> 'q'\r\n`)).toBe(
      `&lt;a href="x"&gt;&amp;amp;&lt;/a&gt; ]]&gt; 'q'&#13;\n`,
    );
  });
});

describe("escapeXmlAttribute", () => {
  it("escapes quotes, markup, tabs and line breaks", () => {
    expect(escapeXmlAttribute(`"a" & 'b' <c>\t\r\n`)).toBe(
      "&quot;a&quot; &amp; &apos;b&apos; &lt;c&gt;&#9;&#13;&#10;",
    );
  });
});

describe("serializeXml", () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    trimValues: false,
    htmlEntities: true,
  });

  it("round-trips any text and attribute value through a real parser", () => {
    const nasty = `<&>"' ]]> \t tab\r\ncrlf ü 😀 #35; &amp;`;
    const xml = serializeXml({
      name: "root",
      attributes: { value: nasty, skipped: undefined, count: 3 },
      children: [{ name: "text", children: [nasty] }],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = parser.parse(xml) as { root: { "@value": string; "@count": string; text: string } };
    expect(parsed.root["@value"]).toBe(nasty);
    expect(parsed.root["@count"]).toBe("3");
    expect(parsed.root.text).toBe(nasty);
    expect(xml).not.toContain("skipped");
  });

  it("writes a declaration, nested elements indented, empty elements closed", () => {
    expect(
      serializeXml({
        name: "a",
        children: [
          { name: "b", attributes: { x: "1" } },
          { name: "c", children: ["t"] },
        ],
      }),
    ).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<a>\n  <b x="1"/>\n  <c>t</c>\n</a>\n');
  });

  it("refuses element and attribute names that are not XML names", () => {
    expect(() => serializeXml({ name: "a b" })).toThrow(/not an XML name/);
    expect(() => serializeXml({ name: "a", attributes: { 'x="1" y': "2" } })).toThrow(/not an XML name/);
  });
});
