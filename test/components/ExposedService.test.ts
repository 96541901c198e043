import { beforeAll, describe, expect, it } from "vitest";
import { ExposedService } from "../../components/ExposedService";
import { serviceDnsNames } from "../../lib/dns";
import { MockCluster, valueOf } from "../support/pulumiMocks";

let cluster: MockCluster;
beforeAll(() => {
  cluster = new MockCluster();
  cluster.install();
});

const selector = { "k8s-networking-lab/pod": "pod-httpd" };

describe("ExposedService", () => {
  it("is what kubectl expose --type=NodePort creates", async () => {
    const svc = new ExposedService("svc-nodeport-httpd", {
      namespace: "netlab",
      serviceName: "svc-nodeport-httpd",
      type: "NodePort",
      port: 3050,
      targetPort: 80,
      nodePort: 31000,
      selector,
      clusterDomain: "cluster.local",
    });
    expect(await valueOf(svc.clusterIP)).toBe("10.96.41.17");
    expect(cluster.byName("kubernetes:core/v1:Service", "svc-nodeport-httpd").inputs.spec).toEqual({
      type: "NodePort",
      selector,
      ports: [{ name: "http", protocol: "TCP", port: 3050, targetPort: 80, nodePort: 31000 }],
    });
    expect(await valueOf(svc.clusterIP)).toBe("10.96.41.17");
    expect(await valueOf(svc.nodePort)).toBe(31000);
    expect(await valueOf(svc.dnsNames)).toEqual({
      short: "svc-nodeport-httpd",
      namespaced: "svc-nodeport-httpd.netlab",
      fqdn: "svc-nodeport-httpd.netlab.svc.cluster.local",
    });
  });

  it("gets a node port from the cluster when none is given", async () => {
    const svc = new ExposedService("picked", {
      namespace: "netlab",
      serviceName: "picked",
      type: "NodePort",
      port: 80,
      targetPort: 80,
      selector,
      clusterDomain: "cluster.local",
    });
    expect(await valueOf(svc.nodePort)).toBe(30500);
  });

  it("has no node port as a ClusterIP service", async () => {
    const svc = new ExposedService("internal", {
      namespace: "netlab",
      serviceName: "internal",
      type: "ClusterIP",
      port: 80,
      targetPort: 8080,
      selector,
      clusterDomain: "k8s.example",
    });
    expect(await valueOf(svc.nodePort)).toBeUndefined();
    expect((await valueOf(svc.dnsNames)).fqdn).toBe("internal.netlab.svc.k8s.example");
    expect(
      () =>
        new ExposedService("bad", {
          namespace: "netlab",
          serviceName: "bad",
          type: "ClusterIP",
          port: 80,
          targetPort: 80,
          nodePort: 30001,
          selector,
          clusterDomain: "cluster.local",
        }),
    ).toThrow("service bad: only a NodePort service has a node port");
  });

  it("names a service the way pods resolve it", () => {
    expect(serviceDnsNames("web", "default", "cluster.local")).toEqual({
      short: "web",
      namespaced: "web.default",
      fqdn: "web.default.svc.cluster.local",
    });
  });
});
