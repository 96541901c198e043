// eg2, pod-to-pod networking: pod-httpd and pod-nginx reach each other by pod IP.
import { urlHost } from "../../network";
import { PAGE_MARKERS } from "../lab";
import { testedPod } from "../tested";
import type { CheckPlan } from "../types";
import { label, podEnd, type Scenario } from "./context";

export const podToPod: Scenario = {
  section: "pod-to-pod",
  title: "From pod to pod",
  plan: (context) => {
    const { pair } = context.topology;
    if (pair === undefined) return [];
    const directions = [
      [pair.first, pair.second],
      [pair.second, pair.first],
    ] as const;
    return directions.map(([from, to]): CheckPlan => {
      const marker = PAGE_MARKERS[to.kind];
      const address = context.podIP(to.pod);
      return {
        id: `pod-to-pod.${from.pod}.${to.pod}`,
        claim: "Pods reach each other by pod IP.",
        source: label(from),
        target: `${label(to)} via ${urlHost(address)}:${to.port}`,
        steps: [context.httpFrom(from.tool, from, address, to.port)],
        evidenceSteps: context.routeFrom(from, address),
        expected: `the page contains "${marker}"`,
        expectation: { type: "http", tool: from.tool, marker },
        tests: [testedPod(from.pod), testedPod(to.pod)],
        from: podEnd(from),
        to: podEnd(to),
        via: "pod-ip",
        ...context.between(context.nodeOf(from.pod), context.nodeOf(to.pod)),
      };
    });
  },
};
