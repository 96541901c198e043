import { describe, expect, it } from "vitest";
import { services } from "../../../../lib/checks/scenarios/services";
import { lastCommand, placement, planOf, probeTool, TWO_NODES } from "./lab";

describe("the services scenario", () => {
  const plans = planOf(services);

  it("reaches each Service by name from the tutorial's client, after waiting for its endpoint", () => {
    const byName = plans["service.svc-nodeport-httpd.cluster-ip"];
    expect(probeTool(plans["service.svc-clusterip-nginx.cluster-ip"])).toBe("curl -sS --connect-timeout");
    expect(lastCommand(byName)).toMatch(/ http:\/\/svc-nodeport-httpd:3050\/$/);
    expect(byName?.steps[0]?.kind).toBe("wait");
    expect(byName?.steps[0]?.until).toBe("10.244.1.10=true");
  });

  it("reaches the NodePort through the node that runs the pod and through the other", () => {
    expect(lastCommand(plans["service.svc-nodeport-httpd.node-port.same-node"])).toMatch(
      /netlab-node-probe-k7x2p .* http:\/\/172\.18\.0\.2:31000\/$/,
    );
    expect(lastCommand(plans["service.svc-nodeport-httpd.node-port.other-node"])).toMatch(
      /netlab-node-probe-m4q9z .* http:\/\/172\.18\.0\.3:31000\/$/,
    );
    expect(plans["service.svc-clusterip-nginx.node-port.same-node"]).toBeUndefined();
  });

  it("counts the DNS hop of a request by name in its path", () => {
    expect(placement(plans["service.svc-clusterip-nginx.cluster-ip"])).toBe("cross-node node-1>node-2");
    expect(placement(plans["service.svc-nodeport-httpd.node-port.other-node"])).toBe(
      "cross-node node-2>node-1",
    );
  });

  it("uses the other server pod, with bash, as the client without eg1", () => {
    const withoutDemo = planOf(services, TWO_NODES, { labs: "eg2,services" });
    expect(withoutDemo["service.svc-nodeport-httpd.cluster-ip"]?.source).toBe("pod-nginx/cntr-nginx");
    expect(probeTool(withoutDemo["service.svc-nodeport-httpd.cluster-ip"])).toBe("timeout 10 bash");
  });
});
