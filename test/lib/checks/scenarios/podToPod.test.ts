import { describe, expect, it } from "vitest";
import { podToPod } from "../../../../lib/checks/scenarios/podToPod";
import { lastCommand, placement, planOf, probeTool, TWO_NODES } from "./lab";

describe("the pod-to-pod scenario", () => {
  const plans = planOf(podToPod);

  it("fetches each server's page from the other, by pod IP, with bash (the servers have no curl)", () => {
    expect(Object.keys(plans)).toEqual(["pod-to-pod.pod-httpd.pod-nginx", "pod-to-pod.pod-nginx.pod-httpd"]);
    expect(probeTool(plans["pod-to-pod.pod-httpd.pod-nginx"])).toBe("timeout 10 bash");
    expect(lastCommand(plans["pod-to-pod.pod-nginx.pod-httpd"])).toMatch(/ _ 10\.244\.1\.10 80$/);
    expect(plans["pod-to-pod.pod-httpd.pod-nginx"]?.expectation).toEqual({
      type: "http",
      tool: "bash-tcp",
      marker: "Welcome to nginx!",
    });
  });

  it("crosses nodes when the pods run on two", () => {
    expect(placement(plans["pod-to-pod.pod-httpd.pod-nginx"])).toBe("cross-node node-1>node-2");
  });

  it("plans nothing without eg2", () => {
    expect(planOf(podToPod, TWO_NODES, { labs: "eg1" })).toEqual({});
  });
});
