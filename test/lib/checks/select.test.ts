import { describe, expect, it } from "vitest";
import { globMatcher, selectChecks } from "../../../lib/checks/select";
import defaultCheckIds from "../../support/default-check-ids.json";

const ids: string[] = defaultCheckIds;

describe("globMatcher", () => {
  it("matches * across dots and ? as one character, everything else literally", () => {
    expect(globMatcher("dns.*")("dns.svc-nodeport-httpd.short.tcp")).toBe(true);
    expect(globMatcher("dns.*")("dnsXkube")).toBe(false);
    expect(globMatcher("pod-to-pod.pod-?????.pod-nginx")("pod-to-pod.pod-httpd.pod-nginx")).toBe(true);
    expect(globMatcher("*.tcp")("dns.web.fqdn.tcp")).toBe(true);
    expect(globMatcher("pod-demo")("pod-demo.localhost")).toBe(false);
  });

  // What lib/config.ts lets through: letters, digits, `._-`, `*` and `?`; and what it does not, read as text.
  it.each([
    ["dns?kube", ["dns.kube"], []],
    ["dns.*tcp", ["dns.tcp", "dns.a.b.tcp"], ["dns.tcpx"]],
    ["*", [".a", "a.b"], []],
    ["**", ["a.b.c"], []],
    ["a.b", ["a.b"], ["a.b.c", "xa.b"]],
    ["a_B-9", ["a_B-9"], ["a_b-9"]],
    ["{a,b}", ["{a,b}"], ["a", "b"]],
    ["!a", ["!a"], ["b"]],
    ["+(a)", ["+(a)"], ["a", "aa"]],
  ])("%s matches %j and not %j", (pattern, matching, other) => {
    const matches = globMatcher(pattern);
    expect(matching.filter((id) => !matches(id))).toEqual([]);
    expect(other.filter(matches)).toEqual([]);
  });
});

describe("selectChecks", () => {
  it("runs everything when no pattern is given", () => {
    expect(selectChecks(ids, [], [])).toEqual({ selected: ids, leftOut: [], problems: [] });
  });

  it("keeps only what matches checksOnly, in plan order", () => {
    const { selected, leftOut } = selectChecks(ids, ["dns.*tcp", "pod-demo.localhost"], []);
    expect(selected).toEqual([
      "pod-demo.localhost",
      "dns.svc-nodeport-httpd.short.tcp",
      "dns.svc-nodeport-httpd.namespaced.tcp",
      "dns.svc-nodeport-httpd.fqdn.tcp",
      "dns.svc-clusterip-nginx.short.tcp",
      "dns.svc-clusterip-nginx.namespaced.tcp",
      "dns.svc-clusterip-nginx.fqdn.tcp",
    ]);
    expect(leftOut).toHaveLength(ids.length - 7);
  });

  it("drops what matches checksSkip, also from what checksOnly kept", () => {
    const { selected } = selectChecks(ids, ["dns.*"], ["*.tcp", "dns.resolv-conf.*"]);
    expect(selected.every((id) => id.startsWith("dns.") && !id.endsWith(".tcp"))).toBe(true);
    expect(selected).toContain("dns.kube-dns-service");
    expect(selected).not.toContain("dns.resolv-conf.pod-demo");
  });

  it("names each pattern that matches nothing, with the ids there are", () => {
    const { problems } = selectChecks(["a.b", "a.c"], ["a.*", "dsn.*"], ["x"]);
    expect(problems).toEqual([
      { key: "checksOnly", message: 'pattern "dsn.*" matches no check; the checks are: a.b, a.c.' },
      { key: "checksSkip", message: 'pattern "x" matches no check; the checks are: a.b, a.c.' },
    ]);
  });
});
