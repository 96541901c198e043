import { describe, expect, it } from "vitest";
import { clip, EXCERPT_WIDTH, excerpt, oneLine } from "../../lib/text";

describe("oneLine", () => {
  it("folds every run of whitespace into one space and trims both ends", () => {
    expect(oneLine("  a\n  b\tc\r\n")).toBe("a b c");
    expect(oneLine("\n\t ")).toBe("");
  });

  it("folds Unicode spaces too and keeps everything else", () => {
    expect(oneLine("a\u00a0\u2028b — naïve ☕ 😀")).toBe("a b — naïve ☕ 😀");
  });
});

describe("clip", () => {
  it("keeps a text that fits, whitespace and all", () => {
    expect(clip("a\nb", 3)).toBe("a\nb");
    expect(clip("", 0)).toBe("");
  });

  it("cuts a longer text to the width, its last character an ellipsis", () => {
    expect(clip("abcdef", 4)).toBe("abc…");
    expect(clip("abcdef", 4)).toHaveLength(4);
    expect(clip("a  b", 3)).toBe("a …");
  });

  it("never cuts with an infinite width", () => {
    expect(clip("x".repeat(10_000), Number.POSITIVE_INFINITY)).toHaveLength(10_000);
  });
});

describe("excerpt", () => {
  it("flattens and shortens", () => {
    expect(excerpt("a\n  b\tc")).toBe("a b c");
    expect(excerpt("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("clips after folding, to EXCERPT_WIDTH by default", () => {
    expect(excerpt(`${"x ".repeat(100)}\n${"y".repeat(100)}`)).toHaveLength(EXCERPT_WIDTH);
    expect(excerpt(`a${" ".repeat(300)}b`, 4)).toBe("a b");
  });
});
