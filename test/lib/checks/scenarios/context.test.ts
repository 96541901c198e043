import { describe, expect, it } from "vitest";
import { pathBetween, pathByName } from "../../../../lib/checks/scenarios/context";

describe("pathBetween", () => {
  it("tells one node from two, and says any-node when it cannot know", () => {
    expect(pathBetween("n1", ["n1"])).toBe("same-node");
    expect(pathBetween("n1", ["n2"])).toBe("cross-node");
    expect(pathBetween("n1", ["n1", "n2"])).toBe("any-node");
    expect(pathBetween(undefined, ["n1"])).toBe("any-node");
  });
});

describe("pathByName", () => {
  it("counts the DNS hop of a request by name", () => {
    expect(pathByName("n1", "n1", ["n1"])).toBe("same-node");
    expect(pathByName("n2", "n2", ["n1"])).toBe("cross-node");
    expect(pathByName("n1", "n2", ["n1"])).toBe("cross-node");
    expect(pathByName("n1", "n1", ["n1", "n2"])).toBe("any-node");
    expect(pathByName("n1", "n1", [])).toBe("any-node");
  });
});
