import { describe, expect, it } from "vitest";
import { parseLabConfig } from "../../lib/config";
import { foreignObjects, labObjects, leftoverProblem, type NamespaceObject } from "../../lib/leftovers";
import { labTopology } from "../../lib/topology";

const own = { key: "app.kubernetes.io/part-of", value: "k8s-networking-lab" };
const lab = (labs = "eg1,eg2,services") => labTopology(parseLabConfig({ labs }, { fileExists: () => true }));

describe("labObjects", () => {
  it("lists the namespace, pods, Services and node probe DaemonSet the lab would create", () => {
    expect(labObjects(lab(), true, true)).toEqual([
      { kind: "Namespace", name: "netlab" },
      { kind: "Pod", name: "pod-demo" },
      { kind: "Pod", name: "pod-httpd" },
      { kind: "Pod", name: "pod-nginx" },
      { kind: "Service", name: "svc-nodeport-httpd" },
      { kind: "Service", name: "svc-clusterip-nginx" },
      { kind: "Service", name: "svc-dualstack-nginx" },
      { kind: "Pod", name: "netlab-dns-probe" },
      { kind: "DaemonSet", name: "netlab-node-probe" },
    ]);
  });

  it("leaves out a namespace it does not create, the probes when the checks are off, and the labs not chosen", () => {
    expect(labObjects(lab("eg2"), false, false)).toEqual([
      { kind: "Pod", name: "pod-httpd" },
      { kind: "Pod", name: "pod-nginx" },
    ]);
  });
});

describe("foreignObjects", () => {
  const wanted = labObjects(lab(), true, true);
  const found = (kind: string, name: string, labels: Record<string, string> = {}) =>
    ({ kind, name, labels }) as NamespaceObject;

  it("finds objects of the lab's names without the lab's label", () => {
    expect(
      foreignObjects(
        wanted,
        [
          found("Pod", "pod-httpd", { app: "httpd" }),
          found("Pod", "pod-demo", { [own.key]: own.value }),
          found("Service", "pod-httpd"),
          found("Pod", "someone-else"),
          found("Service", "svc-clusterip-nginx"),
        ],
        own,
      ),
    ).toEqual([
      { kind: "Pod", name: "pod-httpd" },
      { kind: "Service", name: "svc-clusterip-nginx" },
    ]);
  });

  it("finds nothing in an empty namespace or one holding only the lab's own objects", () => {
    expect(foreignObjects(wanted, [], own)).toEqual([]);
    expect(foreignObjects(wanted, [found("Pod", "pod-nginx", { [own.key]: own.value })], own)).toEqual([]);
  });
});

describe("leftoverProblem", () => {
  const namespace = { kind: "Namespace", name: "netlab" } as const;
  const pod = { kind: "Pod", name: "pod-httpd" } as const;
  const service = { kind: "Service", name: "svc-nodeport-httpd" } as const;

  it("has nothing to say when nothing is in the way", () => {
    expect(leftoverProblem("netlab", [], false, own)).toBeUndefined();
  });

  it("names the objects, the command that deletes them, and why they cannot be adopted", () => {
    expect(leftoverProblem("netlab", [pod, service], false, own)).toBe(
      "pod pod-httpd, service svc-nodeport-httpd already exist in namespace netlab, not made by the lab (no " +
        "label app.kubernetes.io/part-of=k8s-networking-lab), so the lab cannot create its own. Delete them: " +
        "kubectl delete --namespace netlab pod/pod-httpd service/svc-nodeport-httpd (the lab cannot adopt " +
        "them: a pod's containers cannot change once it exists, and a Service or DaemonSet made by hand keeps " +
        "the fields kubectl set).",
    );
  });

  it("offers a namespace made by hand to be used as it is or adopted, never deleted", () => {
    const problem = leftoverProblem("netlab", [namespace], false, own);
    expect(problem).toBe(
      "namespace netlab already exists, not made by the lab (no label " +
        "app.kubernetes.io/part-of=k8s-networking-lab), so the lab cannot create its own. Use namespace netlab " +
        "as it is: pulumi config set createNamespace false; or let the lab adopt it: pulumi config set " +
        "upsertExisting true.",
    );
    expect(problem).not.toContain("kubectl delete");
  });

  it("lets upsertExisting adopt the namespace, but not what is in it", () => {
    expect(leftoverProblem("netlab", [namespace], true, own)).toBeUndefined();
    expect(leftoverProblem("netlab", [namespace, pod, service], true, own)).toMatch(
      /^pod pod-httpd, service svc-nodeport-httpd already exist in namespace netlab, .* Delete them: kubectl delete --namespace netlab pod\/pod-httpd service\/svc-nodeport-httpd \(/,
    );
  });

  it("speaks of one object in the singular", () => {
    expect(leftoverProblem("netlab", [service], false, own)).toMatch(
      /^service svc-nodeport-httpd already exists in namespace netlab, .* Delete it: .* \(the lab cannot adopt it: /,
    );
  });
});
