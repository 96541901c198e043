// On outputs captured on the e2e cluster (test/fixtures/evidence/capture.sh, CAPTURED.txt).
import { describe, expect, it } from "vitest";
import { parseEndpointLines, parseRouteGet } from "../../../../lib/checks/evidence/parsers";
import { capture } from "../../../support/fixtures";

const stdoutOf = (name: string) => capture("evidence", name).stdout;

describe("parseRouteGet", () => {
  it("reads a pod's route to its own IP as local, on lo", () => {
    expect(parseRouteGet(stdoutOf("route-to-own-ip"))).toEqual({
      type: "local",
      destination: "10.244.0.4",
      device: "lo",
      via: undefined,
      source: "10.244.0.4",
    });
  });

  it("reads a direct route on the node's bridge, and a route through a gateway", () => {
    expect(parseRouteGet(stdoutOf("route-same-node"))).toMatchObject({
      type: "unicast",
      destination: "10.244.0.3",
      device: "eth0",
      via: undefined,
    });
    expect(parseRouteGet(stdoutOf("route-cross-node"))).toMatchObject({ via: "10.244.0.1", device: "eth0" });
    expect(parseRouteGet(stdoutOf("route-node-to-pod-cross-node"))).toMatchObject({
      destination: "10.244.0.4",
      via: "10.250.0.1",
      source: "10.250.0.2",
    });
  });

  it("reads nothing from an empty answer", () => {
    expect(parseRouteGet(stdoutOf("route-no-ip-command"))).toBeUndefined();
  });
});

describe("parseEndpointLines", () => {
  it("reads each endpoint's readiness and node as the wait step prints them", () => {
    expect(parseEndpointLines(stdoutOf("endpoints-ready"))).toEqual([
      { address: "10.244.0.3", ready: true, node: "netlab-e2e-node" },
    ]);
  });

  it("keeps an endpoint that is not ready, or whose slice names no node, and ignores the change times", () => {
    expect(
      parseEndpointLines("10.244.1.10=true\n10.244.1.10@node-1\n10.244.0.9=false\n10.244.0.9@\nchanged=\n"),
    ).toEqual([
      { address: "10.244.1.10", ready: true, node: "node-1" },
      { address: "10.244.0.9", ready: false, node: undefined },
    ]);
    expect(parseEndpointLines("changed=\n")).toEqual([]);
  });
});
