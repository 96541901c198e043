// Pod objects under test/fixtures/pods are constructed from the Kubernetes API types and the kubelet's
// messages, not captured (see test/fixtures/pods/CONSTRUCTED.md).
import { describe, expect, it } from "vitest";
import { formatPodFailure, podFailure, podListFailures, type PodJson } from "../../lib/podFailure";
import { fixtureText } from "../support/fixtures";

const pod = (name: string): PodJson => JSON.parse(fixtureText("pods", `${name}.json`)) as PodJson;

describe("podFailure", () => {
  it.each(["running", "container-creating"])("finds nothing wrong with a pod that is %s", (name) => {
    expect(podFailure(pod(name))).toBeUndefined();
  });

  it.each([
    [
      "err-image-pull",
      "cntr-httpd",
      "httpd:no-such-tag",
      "ErrImagePull",
      /^rpc error: code = NotFound desc = failed to pull/,
    ],
    [
      "image-pull-backoff",
      "cntr-httpd",
      "httpd:no-such-tag",
      "ImagePullBackOff",
      /^Back-off pulling image "httpd:no-such-tag"/,
    ],
    [
      "err-image-never-pull",
      "cntr-httpd",
      "localhost/netlab/httpd:e2e",
      "ErrImageNeverPull",
      /is not present with pull policy of Never$/,
    ],
    ["invalid-image-name", "cntr-httpd", "HTTPD:latest", "InvalidImageName", /must be lowercase$/],
    [
      "create-container-config-error",
      "cntr-httpd",
      "httpd:latest",
      "CreateContainerConfigError",
      /^configmap "httpd-config" not found$/,
    ],
    [
      "crash-loop-backoff",
      "cntr-centos",
      "centos",
      "CrashLoopBackOff",
      /^back-off 40s restarting failed container=cntr-centos /,
    ],
  ])("%s: %s (%s) is %s", (name, container, image, reason, message) => {
    const failure = podFailure(pod(name));
    expect(failure).toMatchObject({
      pod: "pod-demo",
      namespace: "netlab",
      container,
      image,
      reason,
      initContainer: false,
    });
    expect(failure?.message).toMatch(message);
  });

  it("names the first container of the spec, not of the status list (which the kubelet sorts by name)", () => {
    const p = pod("image-pull-backoff");
    const statuses = p.status?.containerStatuses ?? [];
    expect(statuses.map((s) => s.name)).toEqual(["cntr-centos", "cntr-httpd"]);
    // Both stuck: the spec's first container, cntr-httpd, is the one named.
    const centos = statuses[0];
    if (centos === undefined) throw new Error("fixture changed");
    centos.state = { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s restarting failed" } };
    expect(podFailure(p)?.container).toBe("cntr-httpd");
  });

  it("keeps the last run's exit code and the restarts of a crash loop", () => {
    expect(podFailure(pod("crash-loop-backoff"))).toMatchObject({
      restartCount: 4,
      lastExit: { code: 7, reason: "Error" },
    });
    expect(podFailure(pod("image-pull-backoff"))?.lastExit).toBeUndefined();
  });

  it("takes a failing init container before the containers it holds back", () => {
    const p = pod("image-pull-backoff");
    p.spec = { ...p.spec, initContainers: [{ name: "setup", image: "busybox:no-such-tag" }] };
    p.status = {
      ...p.status,
      initContainerStatuses: [
        {
          name: "setup",
          image: "busybox:no-such-tag",
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: "ErrImagePull", message: "not found" } },
        },
      ],
    };
    expect(podFailure(p)).toMatchObject({ container: "setup", initContainer: true, reason: "ErrImagePull" });
  });

  it("counts a container that stopped with an error, before any back-off, but not one that completed", () => {
    const p = pod("running");
    const httpd = p.status?.containerStatuses?.find((s) => s.name === "cntr-httpd");
    if (httpd === undefined) throw new Error("fixture changed");
    httpd.state = { terminated: { exitCode: 1, reason: "Error" } };
    expect(podFailure(p)).toMatchObject({
      container: "cntr-httpd",
      reason: "Error",
      message: "exited with code 1",
    });
    httpd.state = { terminated: { exitCode: 0, reason: "Completed" } };
    expect(podFailure(p)).toBeUndefined();
  });

  it("reads a pod list, one failure per stuck pod", () => {
    const list = { items: [pod("running"), pod("err-image-pull"), pod("crash-loop-backoff")] };
    expect(podListFailures(list).map((f) => f.reason)).toEqual(["ErrImagePull", "CrashLoopBackOff"]);
    expect(podListFailures({})).toEqual([]);
  });

  it("copes with a pod that has no status yet", () => {
    expect(podFailure({ metadata: { name: "new" } })).toBeUndefined();
  });
});

describe("formatPodFailure", () => {
  const line = (name: string) => {
    const failure = podFailure(pod(name));
    if (failure === undefined) throw new Error(`${name}: no failure`);
    return formatPodFailure(failure);
  };

  it("says which pod, container and image, why, and what to run for an image that cannot be had", () => {
    expect(line("err-image-never-pull")).toBe(
      "pod netlab/pod-demo cannot start: container cntr-httpd (image localhost/netlab/httpd:e2e) ErrImageNeverPull: " +
        'Container image "localhost/netlab/httpd:e2e" is not present with pull policy of Never; ' +
        "check the image name and that the node has it or can pull it: kubectl -n netlab describe pod pod-demo",
    );
  });

  it("points at the previous run's logs for a crash loop", () => {
    expect(line("crash-loop-backoff")).toMatch(
      /^pod netlab\/pod-demo cannot start: container cntr-centos \(image centos\) CrashLoopBackOff: back-off 40s restarting failed container=cntr-centos pod=pod-demo_netlab\([0-9a-f-]+\) \(last run exited 7 Error, 4 restart\(s\)\); see its output: kubectl -n netlab logs pod-demo -c cntr-centos --previous$/,
    );
  });

  it("points at the events for a configuration error", () => {
    expect(line("create-container-config-error")).toMatch(
      /CreateContainerConfigError: configmap "httpd-config" not found; see the pod's events: kubectl -n netlab describe pod pod-demo$/,
    );
  });

  it("stays on one line and shortens the runtime's long messages", () => {
    for (const name of ["err-image-pull", "image-pull-backoff", "invalid-image-name"]) {
      const text = line(name);
      expect(text).not.toMatch(/\n/);
      expect(text.length).toBeLessThan(520);
    }
    const failure = podFailure(pod("err-image-pull"));
    if (failure === undefined) throw new Error("fixture changed");
    const long = formatPodFailure({ ...failure, message: "x".repeat(2000) });
    expect(long).toContain(`ErrImagePull: ${"x".repeat(299)}…; check the image name`);
  });
});
