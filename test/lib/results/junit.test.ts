import { readFileSync } from "node:fs";
import * as path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import type { CheckResult } from "../../../lib/checks/types";
import { formatJUnit, junitCounts, seconds } from "../../../lib/results/junit";
import { labFixture, RESULTS_FIXTURES_DIR } from "./fixtures";

// The Jenkins xUnit plugin's JUnit schema, committed as is (see test/fixtures/results/README.md).
const JUNIT_XSD = readFileSync(path.join(RESULTS_FIXTURES_DIR, "schema", "junit-10.xsd"), "utf8");

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: "junit.xml", contents: xml }],
    schema: [{ fileName: "junit-10.xsd", contents: JUNIT_XSD }],
  });
  return result.valid ? [] : result.errors.map((error) => error.rawMessage);
}

interface Parsed {
  testsuites: Attributes & {
    testsuite: Attributes & {
      properties?: { property: Attributes[] };
      testcase: (Attributes & {
        failure?: Element;
        error?: Element;
        skipped?: Element;
        "system-out"?: string;
      })[];
    };
  };
}
type Attributes = Record<`@${string}`, string>;
type Element = Attributes & { "#text"?: string };

function parse(xml: string): Parsed {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    trimValues: false,
    htmlEntities: true,
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => name === "testcase" || name === "property",
  });
  return parser.parse(xml) as Parsed;
}

const passing = labFixture("lab-passing").results;
const failing = labFixture("lab-with-failures").results;
const awkward = labFixture("awkward-values").results;

describe("formatJUnit on a fully passing default lab", () => {
  const xml = formatJUnit(passing);
  const suite = parse(xml).testsuites.testsuite;

  it("is valid against the JUnit schema", async () => {
    expect(await schemaErrors(xml)).toEqual([]);
  });

  it("has one suite with one testcase per check, named by id, classed by section, timed in seconds", () => {
    expect(suite["@name"]).toBe("k8s-networking-lab");
    expect(suite.testcase.map((testcase) => testcase["@name"])).toEqual(passing.map((r) => r.id));
    expect(suite.testcase.map((testcase) => testcase["@classname"])).toEqual(passing.map((r) => r.section));
    expect(suite.testcase[0]).toMatchObject({
      "@name": "pod-demo.localhost",
      "@classname": "pod-demo",
      "@time": "1.255",
    });
    expect(suite).toMatchObject({ "@tests": "24", "@failures": "0", "@errors": "0", "@skipped": "0" });
    const total = passing.reduce((sum, r) => sum + r.durationMs, 0);
    expect(suite["@time"]).toBe((total / 1000).toFixed(3));
  });

  it("shows what each check observed and how to rerun it", () => {
    const out = suite.testcase[6]?.["system-out"] ?? "";
    expect(out).toContain("observed: <html><body><h1>It works!</h1></body></html>");
    expect(out).toContain("rerun:    kubectl --kubeconfig /var/lib/netlab-e2e/kubeconfig");
  });
});

describe("formatJUnit on a lab with failures and skipped checks", () => {
  const xml = formatJUnit(failing, {
    timestamp: "2026-11-27T15:18:53",
    hostname: "ci-runner",
    properties: { namespace: "netlab", context: "kind-kind" },
  });
  const parsed = parse(xml);
  const suite = parsed.testsuites.testsuite;
  const byName = (name: string) => {
    const testcase = suite.testcase.find((t) => t["@name"] === name);
    if (testcase === undefined) throw new Error(`no testcase ${name}`);
    return testcase;
  };

  it("is valid against the JUnit schema", async () => {
    expect(await schemaErrors(xml)).toEqual([]);
  });

  it("counts failures, errors (probes that could not run) and skipped checks", () => {
    expect(junitCounts(failing)).toEqual({ tests: 24, failures: 4, errors: 1, skipped: 2 });
    expect(suite).toMatchObject({
      "@tests": "24",
      "@failures": "4",
      "@errors": "1",
      "@skipped": "2",
      "@timestamp": "2026-11-27T15:18:53",
      "@hostname": "ci-runner",
    });
    expect(parsed.testsuites).toMatchObject({ "@tests": "24", "@failures": "4", "@errors": "1" });
    expect(suite.properties?.property).toEqual([
      { "@name": "namespace", "@value": "netlab" },
      { "@name": "context", "@value": "kind-kind" },
    ]);
  });

  it("gives a failure its kind as type, and what was expected, observed and to rerun", () => {
    const refused = byName("service.svc-clusterip-nginx.cluster-ip");
    const result = failing.find((r) => r.id === "service.svc-clusterip-nginx.cluster-ip") as CheckResult;
    expect(refused.failure?.["@type"]).toBe("refused");
    expect(refused.failure?.["@message"]).toBe(
      `refused: expected the page contains "Welcome to nginx!"; observed ${result.observed}; rerun: ${result.command}`,
    );
    expect(refused.failure?.["#text"]).toBe(
      [
        "claim:    A pod reaches a Service by its DNS name and port.",
        "from:     pod-demo/cntr-centos",
        "to:       svc-clusterip-nginx:80 -> pod-nginx/cntr-nginx:8080",
        `expected: the page contains "Welcome to nginx!"`,
        `observed: ${result.observed}`,
        `rerun:    ${result.command}`,
        "attempts: 1",
      ].join("\n"),
    );
    expect(byName("pod-to-pod.pod-httpd.pod-nginx").failure?.["@type"]).toBe("timeout");
    expect(byName("dns.svc-nodeport-httpd.fqdn").failure?.["@type"]).toBe("dns-failure");
    expect(byName("dns.resolv-conf.pod-nginx").failure?.["@type"]).toBe("wrong-answer");
  });

  it("reports a probe that could not run as an error, not a failure", () => {
    const testcase = byName("pod-demo.shared-network");
    expect(testcase.failure).toBeUndefined();
    expect(testcase.error?.["@type"]).toBe("exec-error");
    expect(testcase.error?.["#text"]).toContain("attempts: 3");
  });

  it("gives a skipped check its reason", () => {
    const testcase = byName("service.svc-nodeport-httpd.node-port");
    expect(testcase.skipped?.["@message"]).toBe(
      "the node probe cannot run: namespace netlab does not allow hostNetwork pods (Pod Security level baseline)",
    );
    expect(testcase["@time"]).toBe("0.000");
    expect(testcase.failure).toBeUndefined();
  });
});

describe("formatJUnit with values that need escaping", () => {
  const xml = formatJUnit(awkward, { suiteName: `lab <"one"> & 'two'` });
  const suite = parse(xml).testsuites.testsuite;

  it("is valid against the JUnit schema", async () => {
    expect(await schemaErrors(xml)).toEqual([]);
  });

  it("keeps markup, quotes and non-ASCII text as text", () => {
    expect(suite["@name"]).toBe(`lab <"one"> & 'two'`);
    expect(suite.testcase[0]?.["@name"]).toBe(`quotes."double" & 'single'`);
    const failure = suite.testcase[0]?.failure;
    expect(failure?.["@message"]).toContain(`expected the page contains "<h1>It works!</h1>"`);
    expect(failure?.["@message"]).toContain(`curl -sS "http://10.244.0.10:80/?a=1&b=<2>"`);
    expect(failure?.["#text"]).toContain("— naïve ☕ 😀");
    expect(suite.testcase[1]?.skipped?.["@message"]).toBe(
      `skipped because "reasons" <vary> & so on; ünïcødé`,
    );
    expect(xml).not.toContain("<![CDATA[");
    expect(xml).toContain("&lt;![CDATA[ not cdata ]]&gt;");
  });

  it("keeps property values as given, quotes, tabs, line breaks and a plain true too", () => {
    const properties = { context: `a"b'<c>&\td\r\n`, strict: "true", bell: "ding\u0007" };
    const withProperties = formatJUnit(awkward, { properties });
    expect(parse(withProperties).testsuites.testsuite.properties?.property).toEqual([
      { "@name": "context", "@value": `a"b'<c>&\td\r\n` },
      { "@name": "strict", "@value": "true" },
      { "@name": "bell", "@value": "ding\\x07" },
    ]);
  });

  it("shows control characters and lone surrogates, which XML 1.0 cannot hold, as escapes", () => {
    const body = suite.testcase[0]?.failure?.["#text"] ?? "";
    expect(body).toContain("exit 7: \\x1B[31mcurl: (7)\\x1B[0m Failed\\x00 to connect]]> to");
    expect(body).toContain("😀 \\uD800 tab\there\r\nline two");
    // The one-line message collapses whitespace, including the tab and line break.
    expect(suite.testcase[0]?.failure?.["@message"]).toContain("\\uD800 tab here line two");
  });
});

describe("seconds", () => {
  it("writes milliseconds as seconds with three decimals, never negative", () => {
    expect(seconds(1255)).toBe("1.255");
    expect(seconds(0)).toBe("0.000");
    expect(seconds(10021)).toBe("10.021");
    expect(seconds(-5)).toBe("0.000");
    expect(seconds(Number.NaN)).toBe("0.000");
  });
});

describe("the schema check", () => {
  it("rejects a report the schema does not allow", async () => {
    const errors = await schemaErrors(
      '<?xml version="1.0"?>\n<testsuite name="x" tests="1"><testcase/></testsuite>\n',
    );
    expect(errors.join("\n")).toMatch(/failures|errors|name/);
  });
});

describe("formatJUnit on the results of a real two-node run", () => {
  const real = JSON.parse(
    readFileSync(path.join(RESULTS_FIXTURES_DIR, "e2e-two-node-checks.json"), "utf8"),
  ) as CheckResult[];
  const xml = formatJUnit(real);

  it("is valid against the JUnit schema, one testcase per check, classed by section", async () => {
    expect(await schemaErrors(xml)).toEqual([]);
    const suite = parse(xml).testsuites.testsuite;
    expect(suite.testcase.map((testcase) => [testcase["@name"], testcase["@classname"]])).toEqual(
      real.map((r) => [r.id, r.id.split(".")[0]]),
    );
    expect(suite).toMatchObject({ "@tests": "32", "@failures": "0", "@errors": "0", "@skipped": "0" });
  });
});
