import { beforeAll, describe, expect, it } from "vitest";
import { PodPair } from "../../components/PodPair";
import { SERVER_CONTAINER_RESOURCES } from "../../lib/labels";
import { MockCluster, valueOf } from "../support/pulumiMocks";

let cluster: MockCluster;
beforeAll(() => {
  cluster = new MockCluster();
  cluster.install();
});

type Container = { name: string; image: string; ports: { containerPort: number }[]; resources: unknown };
const containersOf = (name: string) =>
  (cluster.byName("kubernetes:core/v1:Pod", name).inputs.spec as { containers: Container[] }).containers;

describe("PodPair", () => {
  it("defaults to the tutorial's pod-httpd and pod-nginx", async () => {
    const pair = new PodPair("eg2", { namespace: "lab" });
    expect(await valueOf(pair.first.podIP)).toBe("10.244.1.10");
    expect(await valueOf(pair.second.podIP)).toBe("10.244.1.11");
    expect(containersOf("pod-httpd")).toMatchObject([
      { name: "cntr-httpd", image: "httpd:latest", ports: [{ containerPort: 80 }] },
    ]);
    expect(containersOf("pod-nginx")).toMatchObject([
      { name: "cntr-nginx", image: "nginx:latest", ports: [{ containerPort: 80 }] },
    ]);
    // Web servers, sized as such: nginx starts a worker per CPU of the node.
    for (const pod of ["pod-httpd", "pod-nginx"]) {
      expect(containersOf(pod)[0]?.resources).toEqual(SERVER_CONTAINER_RESOURCES);
    }
    expect(cluster.request("kubernetes:core/v1:Pod", "pod-httpd").parent).toMatch(
      /netlab:index:PodPair\$netlab:index:MultiContainerPod::pod-httpd$/,
    );
  });

  it("takes other servers", async () => {
    const pair = new PodPair("other", {
      namespace: "lab",
      first: { podName: "web-a", image: "httpd:2.4" },
      second: { podName: "web-b", containerName: "b", port: 8080 },
    });
    expect(pair.first.portOwners).toEqual({ "80": "cntr-httpd" });
    expect(pair.second.portOwners).toEqual({ "8080": "b" });
    await valueOf(pair.first.podIP);
    expect(containersOf("web-a")[0]?.image).toBe("httpd:2.4");
  });

  it("refuses one name for both pods", () => {
    expect(
      () => new PodPair("same", { namespace: "lab", first: { podName: "x" }, second: { podName: "x" } }),
    ).toThrow("a PodPair needs two pods with different names, got x twice");
  });
});
