import { describe, expect, it } from "vitest";
import { UNRESOLVED_FACTS } from "../../../../lib/checks/lab";
import { podDemo } from "../../../../lib/checks/scenarios/podDemo";
import { lastCommand, placement, planOf, probeTool } from "./lab";

describe("the pod-demo scenario", () => {
  const plans = planOf(podDemo);

  it("plans the tutorial's six claims about one pod", () => {
    expect(Object.keys(plans)).toEqual([
      "pod-demo.localhost",
      "pod-demo.pod-ip",
      "pod-demo.pod-name",
      "pod-demo.hostname",
      "pod-demo.shared-network",
      "pod-demo.closed-port",
    ]);
  });

  it("curls from the tutorial's client container, to localhost, the pod's IP and its name", () => {
    expect(probeTool(plans["pod-demo.localhost"])).toBe("curl -sS --connect-timeout");
    expect(lastCommand(plans["pod-demo.localhost"])).toMatch(
      /pod-demo --container cntr-centos -- curl .* http:\/\/localhost:80\/$/,
    );
    expect(lastCommand(plans["pod-demo.pod-ip"])).toMatch(/ http:\/\/10\.244\.0\.7:80\/$/);
    expect(lastCommand(plans["pod-demo.pod-name"])).toMatch(/ http:\/\/pod-demo:80\/$/);
    expect(plans["pod-demo.pod-name"]?.expectation).toEqual({
      type: "http-by-name",
      name: "pod-demo",
      address: "10.244.0.7",
      marker: "It works!",
    });
  });

  it("reads every container's identity and network, one step per container", () => {
    for (const id of ["pod-demo.hostname", "pod-demo.shared-network"]) {
      expect(plans[id]?.steps.map((step) => step.argv[step.argv.indexOf("--container") + 1])).toEqual([
        "cntr-httpd",
        "cntr-centos",
      ]);
    }
  });

  it("expects the closed port to be refused", () => {
    expect(plans["pod-demo.closed-port"]?.expectation).toEqual({ type: "refused", tool: "curl" });
    expect(lastCommand(plans["pod-demo.closed-port"])).toMatch(/ http:\/\/localhost:8081\/$/);
  });

  it("keeps its traffic inside the pod", () => {
    for (const plan of Object.values(plans)) expect(placement(plan)).toBe("same-pod node-1>node-1");
  });

  it("plans nothing without eg1, and the same checks whatever the facts", () => {
    expect(planOf(podDemo, undefined, { labs: "eg2" })).toEqual({});
    expect(Object.keys(planOf(podDemo, UNRESOLVED_FACTS))).toEqual(Object.keys(plans));
  });
});
