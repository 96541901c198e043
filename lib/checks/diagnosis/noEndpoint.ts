// A Service never listed its pod as a ready endpoint: what it listed says whether its selector matches no
// pod, another pod, or the pod while it is not ready.
import type { CheckResult } from "../types";
import { andThen, type DiagnosisRule, kubectl, type Run, throughService } from "./run";

/** The endpoints the judge saw the Service list: "10.244.1.10=false, 10.244.1.12=true", or none. */
function listedEndpoints(observed: string): { address: string; ready: boolean }[] {
  const seen = /its endpoints: ([^;]*)/.exec(observed)?.[1]?.trim() ?? "none";
  if (seen === "none" || seen === "") return [];
  return seen.split(", ").map((entry) => {
    const [address = "", ready = ""] = entry.split("=");
    return { address, ready: ready === "true" };
  });
}

function why(failed: CheckResult, run: Run, service: string): { cause: string; summary: string } {
  const pod = run.lab.services.find((s) => s.name === service)?.target.pod;
  const podIP = pod === undefined ? undefined : run.facts.podIPs[pod];
  const endpoints = listedEndpoints(failed.observed);
  const mine = endpoints.find((endpoint) => endpoint.address === podIP);
  const start = `the Service ${service} has no ready endpoint`;
  if (mine !== undefined) {
    return {
      cause: `${start}: it selects ${pod} (${podIP}), but that pod is not ready`,
      summary: `${pod} is not ready`,
    };
  }
  if (endpoints.length > 0) {
    const others = endpoints.map((e) => e.address).join(", ");
    return {
      cause: `${start}: its selector matches other pods (${others}), not ${pod ?? "the lab's pod"}${podIP === undefined ? "" : ` (${podIP})`}`,
      summary: `the selector of ${service} matches other pods`,
    };
  }
  return {
    cause: `${start}: its selector matches no running pod`,
    summary: `the selector of ${service} matches no running pod`,
  };
}

export const noEndpoint: DiagnosisRule = {
  name: "no-endpoint",
  shared: true,
  explain(failed, run) {
    const service = throughService(failed);
    if (failed.failure !== "no-endpoint" || service === undefined) return undefined;
    const { namespace } = run.lab;
    return {
      ...why(failed, run, service),
      // The Service's selector and endpoints, beside the pods' labels.
      see: andThen(
        kubectl(run.lab, "describe", "service", service, "--namespace", namespace),
        kubectl(run.lab, "get", "pods", "--namespace", namespace, "--show-labels", "--output", "wide"),
      ),
    };
  },
};
