import { describe, expect, it } from "vitest";
import { parseEndpointLines } from "../../../../lib/checks/evidence/parsers";

describe("parseEndpointLines", () => {
  it("reads each endpoint's readiness and node, and ignores the slices' change times", () => {
    expect(
      parseEndpointLines("10.244.1.10=true\n10.244.1.10@node-1\n10.244.0.9=false\n10.244.0.9@\nchanged=\n"),
    ).toEqual([
      { address: "10.244.1.10", ready: true, node: "node-1" },
      { address: "10.244.0.9", ready: false, node: undefined },
    ]);
    expect(parseEndpointLines("changed=\n")).toEqual([]);
  });
});
