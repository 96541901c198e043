import { beforeAll, describe, expect, it } from "vitest";
import { MultiContainerPod } from "../../components/MultiContainerPod";
import { CLIENT_CONTAINER_RESOURCES, POD_SELECTOR_LABEL, SERVER_CONTAINER_RESOURCES } from "../../lib/labels";
import { MockCluster, valueOf } from "../support/pulumiMocks";

let cluster: MockCluster;
beforeAll(() => {
  cluster = new MockCluster();
  cluster.install();
});

describe("MultiContainerPod", () => {
  it("declares one pod with every container, and outputs where it runs", async () => {
    const pod = new MultiContainerPod("pod-demo", {
      namespace: "lab",
      labels: { component: "centos" },
      imagePullPolicy: "Always",
      containers: [
        { name: "web", image: "httpd:2.4", ports: [80, 443] },
        { name: "sidecar", image: "busybox", command: ["sh", "-c"], args: ["sleep 1d"], ports: [9000] },
      ],
    });
    expect(pod.podName).toBe("pod-demo");
    expect(pod.containerNames).toEqual(["web", "sidecar"]);
    expect(pod.portOwners).toEqual({ "80": "web", "443": "web", "9000": "sidecar" });
    expect(pod.selector).toEqual({ [POD_SELECTOR_LABEL]: "pod-demo" });
    expect(await valueOf(pod.podIP)).toBe("10.244.0.7");
    expect(await valueOf(pod.nodeName)).toBe("node-1");
    expect(await valueOf(pod.hostIP)).toBe("172.18.0.2");
    expect(await valueOf(pod.namespace)).toBe("lab");
    expect(await valueOf(pod.uid)).toBe("uid-pod-demo");

    const inputs = cluster.byName("kubernetes:core/v1:Pod", "pod-demo").inputs as {
      metadata: { labels: Record<string, string> };
      spec: { containers: Record<string, unknown>[] };
    };
    expect(inputs.metadata.labels).toEqual({
      component: "centos",
      [POD_SELECTOR_LABEL]: "pod-demo",
      "app.kubernetes.io/part-of": "k8s-networking-lab",
    });
    expect(inputs.spec.containers[1]).toMatchObject({
      name: "sidecar",
      image: "busybox",
      imagePullPolicy: "Always",
      command: ["sh", "-c"],
      args: ["sleep 1d"],
      ports: [{ containerPort: 9000, protocol: "TCP" }],
    });
  });

  it("gives a container that listens a server's requests and limits, and any other a client's", async () => {
    const pod = new MultiContainerPod("sized", {
      namespace: "lab",
      containers: [
        { name: "web", image: "httpd", ports: [80] },
        { name: "loop", image: "centos", command: ["sleep", "infinity"] },
      ],
    });
    await valueOf(pod.uid);
    const spec = cluster.byName("kubernetes:core/v1:Pod", "sized").inputs.spec as {
      containers: { name: string; resources: unknown }[];
    };
    expect(spec.containers).toMatchObject([
      { name: "web", resources: SERVER_CONTAINER_RESOURCES },
      { name: "loop", resources: CLIENT_CONTAINER_RESOURCES },
    ]);
  });

  it("refuses two containers on one port: a pod has one network", () => {
    expect(
      () =>
        new MultiContainerPod("clash", {
          namespace: "lab",
          containers: [
            { name: "a", image: "httpd", ports: [80] },
            { name: "b", image: "nginx", ports: [80] },
          ],
        }),
    ).toThrow("containers a and b both listen on port 80; a pod has one network");
  });

  it("runs in the node's network when asked, pinned to a node", async () => {
    const probe = new MultiContainerPod("probe", {
      namespace: "lab",
      hostNetwork: true,
      nodeName: "node-7",
      containers: [{ name: "probe", image: "centos" }],
    });
    expect(await valueOf(probe.podIP)).toBe(await valueOf(probe.hostIP));
    const spec = cluster.byName("kubernetes:core/v1:Pod", "probe").inputs.spec as Record<string, unknown>;
    expect(spec).toMatchObject({ hostNetwork: true, nodeName: "node-7" });
  });
});
