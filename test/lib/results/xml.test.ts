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
    const xml = serializeXml("root", {
      "@value": nasty,
      "@skipped": undefined,
      "@count": 3,
      text: nasty,
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = parser.parse(xml) as { root: { "@value": string; "@count": string; text: string } };
    expect(parsed.root["@value"]).toBe(nasty);
    expect(parsed.root["@count"]).toBe("3");
    expect(parsed.root.text).toBe(nasty);
    expect(xml).not.toContain("skipped");
  });

  it("makes control characters visible in text and attributes alike, and the document stays valid", () => {
    const control = "a\u0000b\u001b[31mc\ud800d\uFFFE";
    const xml = serializeXml("root", { "@value": control, text: { "@kind": "x", "#text": control } });
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = parser.parse(xml) as { root: { "@value": string; text: { "#text": string } } };
    expect(parsed.root["@value"]).toBe("a\\x00b\\x1B[31mc\\uD800d\\uFFFE");
    expect(parsed.root.text["#text"]).toBe("a\\x00b\\x1B[31mc\\uD800d\\uFFFE");
  });

  it("escapes each value once, and keeps an attribute whose value is true", () => {
    expect(serializeXml("a", { "@x": '&amp; "q"', "@flag": "true", "#text": "&lt;" })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<a x="&amp;amp; &quot;q&quot;" flag="true">&amp;lt;</a>\n',
    );
  });

  it("writes a declaration, nested elements indented, empty elements closed", () => {
    expect(serializeXml("a", { b: { "@x": "1" }, c: "t" })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<a>\n  <b x="1"/>\n  <c>t</c>\n</a>\n',
    );
  });

  it("writes an array as repeated elements, and text over several lines as is", () => {
    expect(
      serializeXml("a", { b: [{ "@n": 1 }, { "@n": 2 }], c: { d: { "@k": "v", "#text": "x\n  y" } } }),
    ).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<a>",
        '  <b n="1"/>',
        '  <b n="2"/>',
        "  <c>",
        '    <d k="v">x',
        "  y</d>",
        "  </c>",
        "</a>",
        "",
      ].join("\n"),
    );
  });

  it("refuses element and attribute names that are not XML names", () => {
    expect(() => serializeXml("a b", {})).toThrow(/not an XML name/);
    expect(() => serializeXml("a", { '@x="1" y': "2" })).toThrow(/not an XML name/);
    expect(() => serializeXml("a", { "b<c": "t" })).toThrow(/not an XML name/);
  });
});
