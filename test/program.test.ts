// index.ts with its default config, under mocks: the resource graph must be the tutorial's.
import { beforeAll, describe, expect, it } from "vitest";
import { POD_SELECTOR_LABEL } from "../lib/labels";
import { type MockCluster, type Program, runProgram, valueOf } from "./support/pulumiMocks";

type Fields = Record<string, unknown>;
interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  ports?: { containerPort: number }[];
  securityContext?: Fields;
}
interface PodInputs {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { containers: Container[]; hostNetwork?: boolean; nodeName?: string };
}
interface ServiceInputs {
  metadata: { name: string; namespace: string };
  spec: {
    type: string;
    selector: Record<string, string>;
    ports: { port: number; targetPort: number; nodePort?: number; protocol: string }[];
  };
}

let cluster: MockCluster;
let program: Program;

beforeAll(async () => {
  ({ cluster, program } = await runProgram());
});

const pod = (name: string) => cluster.byName("kubernetes:core/v1:Pod", name).inputs as unknown as PodInputs;
const service = (name: string) =>
  cluster.byName("kubernetes:core/v1:Service", name).inputs as unknown as ServiceInputs;
const container = (podName: string, name: string) => {
  const found = pod(podName).spec.containers.find((c) => c.name === name);
  if (found === undefined) throw new Error(`${podName} has no container ${name}`);
  return found;
};

describe("the lab's namespace and provider", () => {
  it("creates the netlab namespace", () => {
    const namespaces = cluster.ofType("kubernetes:core/v1:Namespace");
    expect(namespaces.map((n) => (n.inputs.metadata as Fields).name)).toEqual(["netlab"]);
  });

  it("puts every object in it", () => {
    const objects = [
      ...cluster.ofType("kubernetes:core/v1:Pod"),
      ...cluster.ofType("kubernetes:core/v1:Service"),
      ...cluster.ofType("kubernetes:apps/v1:DaemonSet"),
    ];
    expect(objects.length).toBe(8);
    for (const object of objects) expect((object.inputs.metadata as Fields).namespace).toBe("netlab");
  });

  it("creates every pod after the namespace", () => {
    for (const request of cluster.requests.filter((r) => r.type === "kubernetes:core/v1:Pod")) {
      expect(request.dependencies, request.name).toContainEqual(
        expect.stringMatching(/kubernetes:core\/v1:Namespace::lab-namespace$/),
      );
    }
  });

  it("deploys every Kubernetes object through the lab's explicit provider", () => {
    const provider = cluster.request("pulumi:providers:kubernetes", "cluster");
    expect(provider).toBeDefined();
    const kubernetesRequests = cluster.requests.filter((r) => r.type.startsWith("kubernetes:"));
    expect(kubernetesRequests.length).toBe(9);
    for (const request of kubernetesRequests) expect(request.provider).toMatch(/::cluster::cluster-id$/);
  });
});

describe("eg1: pod-demo", () => {
  it("has the tutorial's two containers", () => {
    expect(pod("pod-demo").spec.containers.map((c) => c.name)).toEqual(["cntr-httpd", "cntr-centos"]);
    expect(container("pod-demo", "cntr-httpd")).toMatchObject({
      image: "httpd:latest",
      ports: [{ containerPort: 80 }],
    });
    expect(container("pod-demo", "cntr-centos")).toMatchObject({
      image: "centos",
      command: ["/bin/bash", "-c"],
    });
    expect(container("pod-demo", "cntr-centos").ports).toBeUndefined();
  });

  it("runs the tutorial's curl loop in cntr-centos", () => {
    const [loop] = container("pod-demo", "cntr-centos").args ?? [];
    expect(loop).toMatch(/^while true ; do\n\s+date\n\s+curl http:\/\/localhost\n\s+sleep 10\ndone\n$/);
  });

  it("carries the tutorial's label and its own selector label", () => {
    expect(pod("pod-demo").metadata.labels).toMatchObject({
      component: "centos",
      [POD_SELECTOR_LABEL]: "pod-demo",
    });
  });

  it("exports name, IP, node and which container owns which port", async () => {
    const pods = await valueOf(program.pods);
    expect(pods[0]).toEqual({
      name: "pod-demo",
      ip: "10.244.0.7",
      node: "node-1",
      hostIP: "172.18.0.2",
      containers: ["cntr-httpd", "cntr-centos"],
      portOwners: { "80": "cntr-httpd" },
    });
  });
});

describe("eg2: pod-httpd and pod-nginx", () => {
  it("are the tutorial's single-container servers", () => {
    expect(pod("pod-httpd").spec.containers).toHaveLength(1);
    expect(container("pod-httpd", "cntr-httpd")).toMatchObject({
      image: "httpd:latest",
      ports: [{ containerPort: 80 }],
    });
    expect(pod("pod-nginx").spec.containers).toHaveLength(1);
    expect(container("pod-nginx", "cntr-nginx")).toMatchObject({
      image: "nginx:latest",
      ports: [{ containerPort: 80 }],
    });
  });

  it("export both pod IPs", async () => {
    const pods = await valueOf(program.pods);
    expect(pods.map((p) => [p.name, p.ip])).toEqual([
      ["pod-demo", "10.244.0.7"],
      ["pod-httpd", "10.244.1.10"],
      ["pod-nginx", "10.244.1.11"],
    ]);
  });
});

describe("kubectl expose: the services", () => {
  it("exposes pod-httpd as the follow-on post's NodePort service", () => {
    expect(service("svc-nodeport-httpd").spec).toMatchObject({
      type: "NodePort",
      ports: [{ port: 3050, targetPort: 80, nodePort: 31000, protocol: "TCP" }],
    });
  });

  it("exposes pod-nginx as a ClusterIP service on port 80", () => {
    const spec = service("svc-clusterip-nginx").spec;
    expect(spec).toMatchObject({ type: "ClusterIP", ports: [{ port: 80, targetPort: 80 }] });
    expect(spec.ports[0]?.nodePort).toBeUndefined();
  });

  it("adds pod-nginx's dual-stack Service for the IPv6 checks, and leaves the tutorial's as kubectl expose makes them", () => {
    const spec = service("svc-dualstack-nginx").spec as Record<string, unknown>;
    expect(spec).toMatchObject({
      type: "ClusterIP",
      ipFamilyPolicy: "PreferDualStack",
      ports: [{ port: 80, targetPort: 80 }],
    });
    for (const name of ["svc-nodeport-httpd", "svc-clusterip-nginx"]) {
      expect((service(name).spec as Record<string, unknown>).ipFamilyPolicy).toBeUndefined();
    }
  });

  it.each([
    ["svc-nodeport-httpd", "pod-httpd"],
    ["svc-clusterip-nginx", "pod-nginx"],
    ["svc-dualstack-nginx", "pod-nginx"],
  ])("%s selects exactly %s", (serviceName, podName) => {
    const selector = service(serviceName).spec.selector;
    const selected = cluster
      .ofType("kubernetes:core/v1:Pod")
      .map((p) => p.inputs as unknown as PodInputs)
      .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels[k] === v))
      .map((p) => p.metadata.name);
    expect(selected).toEqual([podName]);
  });

  it("exports addresses, ports and DNS names", async () => {
    expect(await valueOf(program.serviceEndpoints)).toEqual([
      {
        name: "svc-nodeport-httpd",
        clusterIP: "10.96.41.17",
        port: 3050,
        targetPort: 80,
        nodePort: 31000,
        dnsNames: {
          short: "svc-nodeport-httpd",
          namespaced: "svc-nodeport-httpd.netlab",
          fqdn: "svc-nodeport-httpd.netlab.svc.cluster.local",
        },
      },
      {
        name: "svc-clusterip-nginx",
        clusterIP: "10.96.203.5",
        port: 80,
        targetPort: 80,
        nodePort: undefined,
        dnsNames: {
          short: "svc-clusterip-nginx",
          namespaced: "svc-clusterip-nginx.netlab",
          fqdn: "svc-clusterip-nginx.netlab.svc.cluster.local",
        },
      },
      {
        name: "svc-dualstack-nginx",
        clusterIP: "10.96.91.153",
        port: 80,
        targetPort: 80,
        nodePort: undefined,
        dnsNames: {
          short: "svc-dualstack-nginx",
          namespaced: "svc-dualstack-nginx.netlab",
          fqdn: "svc-dualstack-nginx.netlab.svc.cluster.local",
        },
      },
    ]);
  });
});

describe("least privilege", () => {
  it("runs no privileged container, allows no privilege escalation, uses the default seccomp profile", () => {
    for (const p of cluster.ofType("kubernetes:core/v1:Pod")) {
      const spec = (p.inputs as unknown as PodInputs).spec as PodInputs["spec"] & {
        securityContext?: unknown;
      };
      expect(spec.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false });
      }
    }
  });

  it("drops every capability of the clients; only the servers keep the runtime's defaults", () => {
    const dropped = cluster
      .ofType("kubernetes:core/v1:Pod")
      .flatMap((p) =>
        (p.inputs as unknown as PodInputs).spec.containers
          .filter(
            (c) =>
              (c.securityContext as { capabilities?: { drop?: string[] } }).capabilities?.drop?.[0] === "ALL",
          )
          .map((c) => `${p.name}/${c.name}`),
      );
    expect(dropped.sort()).toEqual(["netlab-dns-probe/probe", "pod-demo/cntr-centos"]);
  });

  it("uses the host network only for the node probes, one per node, unprivileged", () => {
    const hostNetwork = cluster
      .ofType("kubernetes:core/v1:Pod")
      .filter((p) => (p.inputs as unknown as PodInputs).spec.hostNetwork);
    expect(hostNetwork).toEqual([]);
    const [probes, ...others] = cluster.ofType("kubernetes:apps/v1:DaemonSet");
    expect(others).toEqual([]);
    const template = ((probes?.inputs.spec as Fields).template as Fields).spec as PodInputs["spec"];
    expect(template.hostNetwork).toBe(true);
    expect(template.nodeName).toBeUndefined();
    for (const c of template.containers) {
      expect(c.securityContext).toEqual({
        privileged: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
    }
  });

  it("pulls images with the configured policy", () => {
    for (const p of cluster.ofType("kubernetes:core/v1:Pod")) {
      for (const c of (p.inputs as unknown as PodInputs).spec.containers)
        expect(c.imagePullPolicy).toBe("IfNotPresent");
    }
  });
});

describe("component structure", () => {
  it("registers each component with its type token and parents its children", () => {
    const types = new Set(cluster.requests.map((r) => r.type));
    for (const token of [
      "MultiContainerPod",
      "PodPair",
      "ExposedService",
      "ConnectivityChecks",
      "NodeProbes",
    ]) {
      expect(types).toContain(`netlab:index:${token}`);
    }
    expect(cluster.request("kubernetes:core/v1:Pod", "pod-demo").parent).toMatch(
      /netlab:index:MultiContainerPod::pod-demo$/,
    );
    expect(cluster.request("kubernetes:core/v1:Pod", "pod-httpd").parent).toMatch(
      /netlab:index:PodPair\$netlab:index:MultiContainerPod::pod-httpd$/,
    );
    expect(cluster.request("kubernetes:core/v1:Service", "svc-nodeport-httpd").parent).toMatch(
      /netlab:index:ExposedService::svc-nodeport-httpd$/,
    );
    expect(cluster.request("command:local:Command", "checks-pod/pod-demo").parent).toMatch(
      /netlab:index:ConnectivityChecks::checks$/,
    );
  });
});
