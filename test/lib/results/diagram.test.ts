import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../../lib/checks/types";
import { arrowLabel, edgeLabel, formatDiagram, shortLabel } from "../../../lib/results/diagram";
import { MermaidIds, mermaidLabel, mermaidText } from "../../../lib/results/mermaid";
import { labFixture, RESULTS_FIXTURES_DIR } from "./fixtures";

/** The lines of the flowchart (after the front matter), without indentation. */
function body(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf("flowchart TB");
  expect(start).toBeGreaterThan(0);
  return lines.slice(start + 1).map((line) => line.trim());
}

const EDGE = /^(\w+) (-->|==>|-\.->|-\.-)(?:\|"([^"]*)"\|)? (\w+)$/;

function edges(text: string) {
  return body(text).flatMap((line) => {
    const match = EDGE.exec(line);
    return match === null ? [] : [{ from: match[1], arrow: match[2], label: match[3], to: match[4] }];
  });
}

/** linkStyle index -> style, from `linkStyle 1,3 stroke:...` lines. */
function linkStyles(text: string): Map<number, string> {
  const styles = new Map<number, string>();
  for (const line of body(text)) {
    const match = /^linkStyle ([\d,]+) (.+)$/.exec(line);
    if (match === null) continue;
    for (const index of (match[1] as string).split(",")) styles.set(Number(index), match[2] as string);
  }
  return styles;
}

describe("formatDiagram on a passing default lab", () => {
  const input = labFixture("lab-passing");
  const text = formatDiagram(input);

  it("starts with front matter whose title sums up the checks", () => {
    expect(text.split("\n").slice(0, 3)).toEqual([
      "---",
      "title: k8s-networking-lab 24/24 checks passed",
      "config:",
    ]);
  });

  it("draws the node with its host network and its pods, each pod with its containers and IP", () => {
    const lines = body(text);
    const at = (line: string) => {
      const index = lines.indexOf(line);
      expect(index, line).toBeGreaterThanOrEqual(0);
      return index;
    };
    const node = at('subgraph node_netlab_e2e["node netlab-e2e"]');
    const host = at('host_netlab_e2e[("host network<br/>10.0.2.15")]');
    const demo = at('subgraph pod_pod_demo["pod pod-demo · 10.244.0.73"]');
    const httpd = at('ctr_pod_demo_cntr_httpd["cntr-httpd"]');
    const centos = at('ctr_pod_demo_cntr_centos["cntr-centos"]');
    expect(node < host && host < demo && demo < httpd && httpd < centos).toBe(true);
    at('subgraph pod_pod_httpd["pod pod-httpd · 10.244.0.74"]');
    at('subgraph pod_pod_nginx["pod pod-nginx · 10.244.0.75"]');
    // The DNS probe is not among the lab's pods: it is drawn from the checks, on their source node.
    const probe = at('subgraph pod_netlab_dns_probe["pod netlab-dns-probe"]');
    expect(probe).toBeGreaterThan(node);
    expect(lines.filter((line) => line.startsWith("subgraph node_"))).toHaveLength(1);
  });

  it("draws the services with ClusterIP and ports, kube-dns and the API", () => {
    const lines = body(text);
    expect(lines).toContain(
      'svc_netlab_svc_nodeport_httpd("svc-nodeport-httpd<br/>NodePort 10.96.191.234<br/>port 3050 → 80<br/>node port 31000")',
    );
    expect(lines).toContain(
      'svc_netlab_svc_clusterip_nginx("svc-clusterip-nginx<br/>ClusterIP 10.96.150.17<br/>port 80 → 80")',
    );
    expect(lines).toContain('subgraph ns_netlab["services in netlab"]');
    expect(lines).toContain(
      'svc_kube_system_kube_dns("kube-dns<br/>in kube-system<br/>ClusterIP 10.96.0.10<br/>port 53")',
    );
    expect(lines).toContain('api[/"Kubernetes API<br/>10.96.0.1"/]');
  });

  it("draws one solid arrow per pair of boxes checks go between, marked ✓, after the selections", () => {
    const all = edges(text);
    const selections = all.filter((edge) => edge.arrow === "-.-");
    expect(selections).toEqual([
      {
        from: "svc_netlab_svc_nodeport_httpd",
        arrow: "-.-",
        label: undefined,
        to: "ctr_pod_httpd_cntr_httpd",
      },
      {
        from: "svc_netlab_svc_clusterip_nginx",
        arrow: "-.-",
        label: undefined,
        to: "ctr_pod_nginx_cntr_nginx",
      },
    ]);
    // 24 checks, 14 arrows: checks between the same two boxes share one, in the order of their first check.
    const checks = all.slice(selections.length);
    expect(checks).toHaveLength(14);
    expect(checks.every((edge) => edge.arrow === "-->" && edge.label?.startsWith("✓ "))).toBe(true);
    expect(checks.map((edge) => edge.label)).toEqual([
      "✓ 3 pod-demo checks: 3 passed",
      "✓ 2 pod-demo checks: 2 passed",
      "✓ closed-port",
      "✓ node-to-pod",
      "✓ pod-to-pod",
      "✓ pod-to-pod",
      "✓ kube-dns-service",
      "✓ resolv-conf",
      "✓ resolv-conf",
      "✓ resolv-conf",
      "✓ 8 dns checks: 8 passed",
      "✓ cluster-ip",
      "✓ node-port",
      "✓ cluster-ip",
    ]);
    expect(checks[0]).toMatchObject({ from: "ctr_pod_demo_cntr_centos", to: "ctr_pod_demo_cntr_httpd" });
    // A check of the pod as a whole (several containers) starts and ends at the pod's network.
    expect(checks[1]).toMatchObject({ from: "net_pod_demo", to: "net_pod_demo" });
    expect(checks[2]).toMatchObject({ from: "ctr_pod_demo_cntr_centos", to: "net_pod_demo" });
    expect(checks[3]).toMatchObject({ from: "host_netlab_e2e", to: "ctr_pod_demo_cntr_httpd" });
    expect(checks[6]).toMatchObject({ from: "api", to: "svc_kube_system_kube_dns" });
    // The probe's resolv.conf check and its seven lookups go the same way: one arrow.
    expect(checks[10]).toMatchObject({ from: "ctr_netlab_dns_probe_probe", to: "svc_kube_system_kube_dns" });
    expect(checks[12]).toMatchObject({ from: "host_netlab_e2e", to: "svc_netlab_svc_nodeport_httpd" });
  });

  it("styles every edge by its index", () => {
    const styles = linkStyles(text);
    expect(styles.size).toBe(16);
    expect(styles.get(0)).toMatch(/^stroke:#8c959f/);
    for (let i = 2; i < 16; i++) expect(styles.get(i)).toMatch(/^stroke:#1a7f37/);
  });
});

describe("formatDiagram on a lab with failures", () => {
  const input = labFixture("lab-with-failures");
  const text = formatDiagram(input);
  const checks = edges(text).filter((edge) => edge.arrow !== "-.-");
  const styles = linkStyles(text);

  it("sums up the outcomes in the title", () => {
    expect(text.split("\n")[1]).toBe("title: k8s-networking-lab 17/24 checks passed, 5 failed, 2 skipped");
  });

  it("draws one subgraph per node, each pod inside its own node", () => {
    const lines = body(text);
    const worker2 = lines.indexOf('subgraph node_kind_worker2["node kind-worker2"]');
    expect(lines.indexOf('subgraph node_kind_worker["node kind-worker"]')).toBeLessThan(worker2);
    expect(lines.indexOf('subgraph pod_pod_httpd["pod pod-httpd · 10.244.1.8"]')).toBeLessThan(worker2);
    expect(lines.indexOf('subgraph pod_pod_nginx["pod pod-nginx · 10.244.2.5"]')).toBeGreaterThan(worker2);
    expect(lines.indexOf('subgraph pod_netlab_dns_probe["pod netlab-dns-probe"]')).toBeGreaterThan(worker2);
  });

  it("tells failed, skipped and passed edges apart by line, mark and colour", () => {
    const byLabel = (label: string) => {
      const index = checks.findIndex((edge) => edge.label === label);
      expect(index, label).toBeGreaterThanOrEqual(0);
      return { edge: checks[index], style: styles.get(index + 2) };
    };
    const timeout = byLabel("✗ pod-to-pod: timeout");
    expect(timeout.edge).toMatchObject({
      arrow: "==>",
      from: "ctr_pod_httpd_cntr_httpd",
      to: "ctr_pod_nginx_cntr_nginx",
    });
    expect(timeout.style).toMatch(/^stroke:#cf222e,stroke-width:3\.5px/);
    expect(byLabel("✗ cluster-ip: refused").edge?.arrow).toBe("==>");
    // A failure among checks that share an arrow makes the arrow failed, and its label names it.
    const lookups = byLabel("✗ 8 dns checks: 1 failed (svc-nodeport-httpd.fqdn: dns-failure), 7 passed");
    expect(lookups.edge).toMatchObject({
      arrow: "==>",
      from: "ctr_netlab_dns_probe_probe",
      to: "svc_kube_system_kube_dns",
    });
    expect(lookups.style).toMatch(/^stroke:#cf222e/);
    expect(byLabel("✗ resolv-conf: wrong-answer").edge?.arrow).toBe("==>");
    expect(byLabel("✗ 2 pod-demo checks: 1 failed (shared-network: exec-error), 1 passed").edge?.arrow).toBe(
      "==>",
    );
    const skipped = byLabel("– node-port: skipped");
    expect(skipped.edge).toMatchObject({
      arrow: "-.->",
      from: "host_kind_worker",
      to: "svc_netlab_svc_nodeport_httpd",
    });
    expect(skipped.style).toMatch(/^stroke:#8c959f/);
    expect(byLabel("– node-to-pod: skipped").edge?.arrow).toBe("-.->");
    expect(byLabel("✓ pod-to-pod").style).toMatch(/^stroke:#1a7f37/);
    expect(checks.filter((edge) => edge.arrow === "==>")).toHaveLength(5);
    expect(checks.filter((edge) => edge.arrow === "-.->")).toHaveLength(2);
    expect(checks.filter((edge) => edge.arrow === "-->")).toHaveLength(7);
  });

  it("is the same text for the same input", () => {
    expect(formatDiagram(labFixture("lab-with-failures"))).toBe(text);
  });
});

describe("formatDiagram with values that need escaping", () => {
  const text = formatDiagram(labFixture("awkward-values"));

  it("quotes every label and writes Mermaid's special characters as entities", () => {
    const lines = body(text);
    expect(lines).toContain(`subgraph node_node_1_two_35_end["node node #lt;1#gt; #amp; 'two' #35;35; end"]`);
    expect(lines).toContain('ctr_end_a_b["a#124;b"]');
    expect(lines).toContain('ctr_caf_na_ve["naïve 😀"]');
    expect(lines).toContain(
      `ctr_end_graph ==>|"✗ #quot;double#quot; #amp; 'single': refused"| ctr_caf_na_ve`,
    );
    expect(lines).toContain(
      'svc_lab_friends_svc_md_comment("svc#96;md#96; #37;#37;comment<br/>ClusterIP 10.96.0.99<br/>port 80 → http#lt;#gt;")',
    );
  });

  it("keeps user text from looking like a style line to Mermaid", () => {
    expect(text).toContain('ctr_end_s_tyle_x_y["#115;tyle:x#35;y;"]');
    expect(text).toContain('"✗ #99;lassDef:#35;fff;: exec-error"');
    // Only the diagram's own style lines mention style or classDef.
    const styleLines = body(text).filter((line) => /style|classDef/.test(line));
    expect(styleLines.every((line) => /^(linkStyle|classDef) /.test(line))).toBe(true);
  });

  it("uses ids of letters, digits and underscores only, none of them a keyword", () => {
    const ids = new Set(
      body(text).flatMap((line) => [...line.matchAll(/^(?:subgraph )?(\w+)[[(]/g)].map((m) => m[1])),
    );
    expect(ids.size).toBeGreaterThan(8);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(_\w+)?$/);
    expect(ids).not.toContain("end");
  });
});

describe("mermaidText", () => {
  it("writes quotes, markup, entities' #, pipes, backticks, % and backslashes as entities", () => {
    expect(mermaidText(`a "b" <c> & #d; |e| \`f\` %%g \\h`)).toBe(
      "a #quot;b#quot; #lt;c#gt; #amp; #35;d; #124;e#124; #96;f#96; #37;#37;g #92;h",
    );
  });

  it("turns line breaks and control characters into spaces, keeps non-ASCII", () => {
    expect(mermaidText("a\nb\r\n\tc\u0000d\u2028e ü 😀")).toBe("a b c d e ü 😀");
  });

  it("joins escaped lines with <br/> in one quoted label", () => {
    expect(mermaidLabel("a<b", "c")).toBe('"a#lt;b<br/>c"');
  });
});

describe("MermaidIds", () => {
  it("gives the same key the same id, and different keys different ids", () => {
    const ids = new MermaidIds();
    expect(ids.id("pod", "pod-demo")).toBe("pod_pod_demo");
    expect(ids.id("pod", "pod.demo")).toBe("pod_pod_demo_2");
    expect(ids.id("pod", "pod-demo")).toBe("pod_pod_demo");
    expect(ids.id("svc", "netlab/style")).toBe("svc_netlab_s_tyle");
    expect(ids.id("api", "")).toBe("api");
  });
});

describe("shortLabel and edgeLabel", () => {
  const result = (patch: Partial<CheckResult>): CheckResult => ({
    ...(labFixture("lab-passing").results[0] as CheckResult),
    ...patch,
  });

  it("drops the section and the names of the two ends, falling back to the section", () => {
    expect(shortLabel(result({ id: "pod-demo.localhost", section: "pod-demo" }))).toBe("localhost");
    expect(
      shortLabel(
        result({
          id: "pod-to-pod.pod-httpd.pod-nginx",
          section: "pod-to-pod",
          from: { kind: "pod", pod: "pod-httpd" },
          to: { kind: "pod", pod: "pod-nginx" },
        }),
      ),
    ).toBe("pod-to-pod");
    expect(
      shortLabel(
        result({
          id: "service.svc-a.cluster-ip",
          section: "service",
          to: { kind: "service", service: "svc-a" },
        }),
      ),
    ).toBe("cluster-ip");
  });

  it("marks the outcome and names the failure kind", () => {
    expect(edgeLabel(result({ outcome: "passed" }))).toBe("✓ localhost");
    expect(edgeLabel(result({ outcome: "failed", failure: "timeout" }))).toBe("✗ localhost: timeout");
    expect(edgeLabel(result({ outcome: "skipped", skipReason: "one node" }))).toBe("– localhost: skipped");
  });
});

describe("formatDiagram with little to go on", () => {
  it("draws an empty lab as a title and nothing else", () => {
    const text = formatDiagram({ nodes: [], pods: [], services: [], results: [] });
    expect(text.split("\n")[1]).toBe("title: k8s-networking-lab 0/0 checks passed");
    expect(body(text).filter((line) => line !== "" && !line.startsWith("classDef"))).toEqual([]);
  });

  it("draws a pod without a node outside every node, and ends the facts do not know from the checks", () => {
    const check = labFixture("lab-passing").results[0] as CheckResult;
    const text = formatDiagram({
      nodes: [],
      pods: [{ name: "pending", containers: ["app"] }],
      services: [],
      results: [
        {
          ...check,
          from: { kind: "pod", pod: "pending", container: "app" },
          to: { kind: "service", service: "unknown", namespace: "elsewhere" },
          sourceNode: undefined,
          targetNode: undefined,
        },
      ],
    });
    const lines = body(text);
    expect(lines.slice(0, 4)).toEqual([
      'subgraph pod_pending["pod pending"]',
      'ctr_pending_app["app"]',
      "end",
      'svc_elsewhere_unknown("unknown<br/>in elsewhere")',
    ]);
    expect(lines).toContain('ctr_pending_app -->|"✓ localhost"| svc_elsewhere_unknown');
  });
});

describe("formatDiagram on the results of a real two-node run", () => {
  it("draws both nodes and one solid arrow per pair of boxes its 32 passed checks go between", () => {
    const results = JSON.parse(
      readFileSync(path.join(RESULTS_FIXTURES_DIR, "e2e-two-node-checks.json"), "utf8"),
    ) as CheckResult[];
    const text = formatDiagram({
      namespace: "netlab",
      nodes: [
        { name: "netlab-e2e-node", internalIP: "10.250.0.1" },
        { name: "netlab-e2e-node-2", internalIP: "10.250.0.2" },
      ],
      pods: [],
      services: [],
      results,
    });
    const arrows = text.split("\n").filter((line) => /\s(-->|==>|-\.->)\|/.test(line));
    expect(arrows).toHaveLength(17);
    expect(arrows.every((line) => line.includes("-->|"))).toBe(true);
    expect(text).toContain(
      'ctr_netlab_dns_probe_probe -->|"✓ 13 dns checks: 13 passed"| svc_kube_system_kube_dns',
    );
    expect(text.split("\n")[1]).toBe("title: k8s-networking-lab 32/32 checks passed");
    expect(text).toContain("netlab-e2e-node-2");
  });
});

describe("formatDiagram with many checks between the same two boxes", () => {
  const lab = labFixture("lab-passing");
  const lookup = lab.results.find((r) => r.id === "dns.svc-nodeport-httpd.short") as CheckResult;
  /** `n` DNS lookups of the probe, each of another name, all into kube-dns. */
  const lookups = (n: number, patch: (i: number) => Partial<CheckResult> = () => ({})) =>
    Array.from({ length: n }, (_, i): CheckResult => ({ ...lookup, id: `dns.name-${i}`, ...patch(i) }));
  const draw = (results: CheckResult[]) => {
    const text = formatDiagram({ ...lab, results });
    const checks = edges(text).filter((edge) => edge.arrow !== "-.-");
    const styles = linkStyles(text);
    const selections = edges(text).length - checks.length;
    return { text, checks, style: (i: number) => styles.get(selections + i) };
  };

  it("draws 14 DNS lookups into kube-dns as one arrow that counts them, the title still per check", () => {
    const { text, checks, style } = draw(lookups(14));
    expect(checks).toEqual([
      {
        from: "ctr_netlab_dns_probe_probe",
        arrow: "-->",
        label: "✓ 14 dns checks: 14 passed",
        to: "svc_kube_system_kube_dns",
      },
    ]);
    expect(style(0)).toMatch(/^stroke:#1a7f37/);
    expect(text.split("\n")[1]).toBe("title: k8s-networking-lab 14/14 checks passed");
  });

  it("draws a mixed group as its worst outcome, failures first and named, at most two of them", () => {
    const notPassed: Record<number, Partial<CheckResult>> = {
      3: { outcome: "failed", failure: "dns-failure" },
      4: { outcome: "skipped", skipReason: "one node" },
      5: { outcome: "failed", failure: "timeout" },
      6: { outcome: "failed", failure: "timeout" },
    };
    const { text, checks, style } = draw(lookups(14, (i) => notPassed[i] ?? {}));
    expect(checks).toEqual([
      {
        from: "ctr_netlab_dns_probe_probe",
        arrow: "==>",
        label:
          "✗ 14 dns checks: 3 failed (name-3: dns-failure, name-5: timeout, +1 more), 1 skipped, 10 passed",
        to: "svc_kube_system_kube_dns",
      },
    ]);
    expect(style(0)).toMatch(/^stroke:#cf222e,stroke-width:3\.5px/);
    expect(text.split("\n")[1]).toBe("title: k8s-networking-lab 10/14 checks passed, 3 failed, 1 skipped");
  });

  it("draws a group with skipped but no failed checks dotted and grey", () => {
    const { checks, style } = draw(lookups(3, (i) => (i === 2 ? { outcome: "skipped" } : {})));
    expect(checks).toMatchObject([{ arrow: "-.->", label: "– 3 dns checks: 1 skipped, 2 passed" }]);
    expect(style(0)).toMatch(/^stroke:#8c959f,stroke-width:1\.5px/);
  });

  it("counts checks of several sections as checks", () => {
    const other = { ...lookup, id: "service.name-0", section: "service" };
    expect(draw([...lookups(2), other]).checks).toMatchObject([{ label: "✓ 3 checks: 3 passed" }]);
  });

  it("keeps a lone check's label, and the boxes' ids, as they were", () => {
    const { text, checks } = draw([
      lookup,
      {
        ...lookup,
        outcome: "failed",
        failure: "refused",
        from: { kind: "pod", pod: "pod-demo", container: "cntr-centos" },
      },
    ]);
    expect(checks.map((edge) => edge.label)).toEqual([
      "✓ svc-nodeport-httpd.short",
      "✗ svc-nodeport-httpd.short: refused",
    ]);
    expect(text).toContain('ctr_netlab_dns_probe_probe["probe"]');
    expect(checks[1]).toMatchObject({ from: "ctr_pod_demo_cntr_centos", to: "svc_kube_system_kube_dns" });
  });
});

describe("arrowLabel", () => {
  const check = labFixture("lab-with-failures").results;

  it("is the edge label of a lone check, whatever its outcome", () => {
    for (const result of check) expect(arrowLabel([result])).toBe(edgeLabel(result));
  });

  it("names a failed check without a failure kind as failed", () => {
    const [first] = check as [CheckResult];
    const failed = { ...first, outcome: "failed" as const, failure: undefined };
    expect(arrowLabel([failed, first])).toBe("✗ 2 pod-demo checks: 1 failed (localhost: failed), 1 passed");
  });
});
