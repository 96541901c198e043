import { describe, expect, it } from "vitest";
import { boundedKubectl, displayCommand, execStep, globalFlags } from "../../../lib/checks/kubectl";
import { CURL_TIMING_FORMAT, curlProbe } from "../../../lib/checks/probes";
import { shellQuote } from "../../../lib/shell";

const target = { kubeconfig: "/tmp/kube config", context: "kind-kind", requestTimeoutSeconds: 30 };
const inDemo = { namespace: "netlab", pod: "pod-demo", container: "cntr-centos" };
const timeouts = { connectTimeoutSeconds: 3, maxTimeSeconds: 10 };
const curl = (url: string) => execStep(target, inDemo, curlProbe(url, timeouts));

describe("displayCommand", () => {
  it("gives the command a user can paste, quoted", () => {
    expect(displayCommand([curl("http://localhost:80/")])).toBe(
      "kubectl --kubeconfig '/tmp/kube config' --context kind-kind --request-timeout=30s exec --namespace netlab " +
        "pod-demo --container cntr-centos -- curl -sS --connect-timeout 3 --max-time 10 --write-out " +
        `${shellQuote(CURL_TIMING_FORMAT)} http://localhost:80/`,
    );
  });

  it("joins the steps of a check with &&, each a plain kubectl command line", () => {
    const steps = [curl("http://localhost:80/"), curl("http://localhost:8081/")];
    const shown = displayCommand(steps).split(" && ");
    expect(shown).toHaveLength(2);
    for (const line of shown) expect(line).toMatch(/^kubectl .* exec /);
  });
});

describe("boundedKubectl", () => {
  it("bounds kubectl with timeout, a little past its own request timeout", () => {
    expect(boundedKubectl(target, ["get", "nodes"])).toEqual([
      "timeout",
      "35",
      "kubectl",
      ...globalFlags(target),
      "get",
      "nodes",
    ]);
  });

  it("leaves out the kubeconfig and context when the lab uses kubectl's own", () => {
    expect(boundedKubectl({ requestTimeoutSeconds: 10 }, ["version"])).toEqual([
      "timeout",
      "15",
      "kubectl",
      "--request-timeout=10s",
      "version",
    ]);
  });
});
