import { describe, expect, it } from "vitest";
import { mdBlock, mdCode, mdRow, mdText } from "../../../lib/results/markdown";

describe("Markdown pieces", () => {
  it("keep text as text: HTML, emphasis, links, code and table cells escaped, on one line", () => {
    expect(mdText("curl http://<pod name> works")).toBe("curl http://\\<pod name\\> works");
    expect(mdText("a *b* _c_ [d](e) `f` g|h &amp; ~~i~~ \\")).toBe(
      "a \\*b\\* \\_c\\_ \\[d\\](e) \\`f\\` g\\|h \\&amp; \\~\\~i\\~\\~ \\\\",
    );
    expect(mdText("two\nlines\tand\u001b[31m colour\u0000")).toBe("two lines and \\[31m colour");
  });

  it("fence inline code past any backticks inside it", () => {
    expect(mdCode("kubectl get pods")).toBe("`kubectl get pods`");
    expect(mdCode("a `b` c")).toBe("``a `b` c``");
    expect(mdCode("`x`")).toBe("`` `x` ``");
    expect(mdCode("a\r\nb \ud800")).toBe("`a b \ufffd`");
  });

  it("fence a block past any fence inside it, its lines as they are", () => {
    expect(mdBlock("a\n  b", "sh")).toEqual(["```sh", "a", "  b", "```"]);
    expect(mdBlock("```\ninside\n```")).toEqual(["````", "```", "inside", "```", "````"]);
    expect(mdBlock("tab\there\r\nCRLF")).toEqual(["```", "tab\there", "CRLF", "```"]);
  });

  it("keep a pipe inside a table cell", () => {
    expect(mdRow(["`a|b`", mdText("c|d"), "e"])).toBe("| `a\\|b` | c\\|d | e |");
  });
});
