import { describe, expect, it } from "vitest";
import {
  CHECK_DEFAULTS,
  DEFAULT_IMAGES,
  DEFAULT_INGRESS,
  DEFAULT_SERVICES,
  CONFIG_KEYS,
  CONFIG_SPEC,
  LabConfigError,
  parseLabConfig,
  projectKeys,
  type ConfigProblem,
} from "../../lib/config";

const exists = { fileExists: (p: string) => p === "/home/lab/.kube/config" };
const parse = (raw: Record<string, string>) => parseLabConfig(raw, exists);

function problemsOf(raw: Record<string, string>): ConfigProblem[] {
  try {
    parse(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(LabConfigError);
    return [...(error as LabConfigError).problems];
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

function expectProblem(raw: Record<string, string>, key: string, message: RegExp) {
  const problems = problemsOf(raw);
  expect(problems.map((p) => p.key)).toContain(key);
  expect(problems.find((p) => p.key === key)?.message).toMatch(message);
}

describe("parseLabConfig defaults", () => {
  it("builds the tutorial's lab when nothing is set", () => {
    const config = parse({});
    expect(config).toEqual({
      namespace: "netlab",
      createNamespace: true,
      podSecurity: undefined,
      upsertExisting: false,
      kubeconfig: undefined,
      context: undefined,
      clusterDomain: "cluster.local",
      labs: ["eg1", "eg2", "services"],
      imagePullPolicy: "IfNotPresent",
      podStartTimeoutSeconds: 120,
      placement: "auto",
      nodeProbes: "needed",
      images: DEFAULT_IMAGES,
      services: DEFAULT_SERVICES,
      ingress: { ...DEFAULT_INGRESS, className: undefined, gatewayClassName: undefined, address: undefined },
      checks: { ...CHECK_DEFAULTS, only: [], skip: [] },
    });
    expect(config.images).toMatchObject({ httpd: "httpd:latest", nginx: "nginx:latest", client: "centos" });
    expect(config.services.httpd).toEqual({
      name: "svc-nodeport-httpd",
      type: "NodePort",
      port: 3050,
      targetPort: 80,
      nodePort: 31000,
    });
    expect(config.services.nginx).toEqual({
      name: "svc-clusterip-nginx",
      type: "ClusterIP",
      port: 80,
      targetPort: 80,
    });
  });

  it("uses the default namespace without creating it", () => {
    expect(parse({ namespace: "default" })).toMatchObject({ namespace: "default", createNamespace: false });
  });

  it("reads every key", () => {
    const config = parse({
      namespace: "lab-2",
      kubeconfig: "/home/lab/.kube/config",
      context: "kind-kind",
      clusterDomain: "k8s.example",
      labs: '["eg2","services"]',
      imagePullPolicy: "Never",
      images: JSON.stringify({
        httpd: "localhost/netlab/httpd:e2e",
        client: "registry.example:5000/tools/curl@sha256:" + "a".repeat(64),
      }),
      services: JSON.stringify({
        httpd: { nodePort: "none", port: "8080" },
        nginx: { type: "NodePort", nodePort: 30080 },
      }),
      checks: "false",
      strict: "true",
      checksRun: "2",
      checkConnectTimeoutSeconds: "2",
      checkMaxTimeSeconds: "5",
      checkExecTimeoutSeconds: "20",
      checkExecAttempts: "1",
      closedPort: "9999",
      createNamespace: "true",
      podSecurity: "baseline",
      upsertExisting: "true",
      podStartTimeoutSeconds: "600",
      placement: "spread",
      checksOnly: "dns.*, pod-demo.localhost",
      checksSkip: "dns.resolv-conf.?od-*",
    });
    expect(config).toMatchObject({
      namespace: "lab-2",
      kubeconfig: "/home/lab/.kube/config",
      context: "kind-kind",
      clusterDomain: "k8s.example",
      labs: ["eg2", "services"],
      imagePullPolicy: "Never",
      images: { httpd: "localhost/netlab/httpd:e2e", nginx: "nginx:latest" },
      checks: {
        enabled: false,
        strict: true,
        run: 2,
        connectTimeoutSeconds: 2,
        maxTimeSeconds: 5,
        execTimeoutSeconds: 20,
        execAttempts: 1,
        closedPort: 9999,
        only: ["dns.*", "pod-demo.localhost"],
        skip: ["dns.resolv-conf.?od-*"],
      },
      createNamespace: true,
      podSecurity: "baseline",
      upsertExisting: true,
      podStartTimeoutSeconds: 600,
      placement: "spread",
    });
    expect(config.services.httpd).toEqual({
      name: "svc-nodeport-httpd",
      type: "NodePort",
      port: 8080,
      targetPort: 80,
    });
    expect(config.services.nginx).toEqual({
      name: "svc-clusterip-nginx",
      type: "NodePort",
      port: 80,
      targetPort: 80,
      nodePort: 30080,
    });
  });

  it("accepts labs as a comma-separated list", () => {
    expect(parse({ labs: "eg1" }).labs).toEqual(["eg1"]);
    expect(parse({ labs: " eg2 , services " }).labs).toEqual(["eg2", "services"]);
  });

  it("creates the namespace unless it is default, or as createNamespace says", () => {
    expect(parse({ createNamespace: "auto" }).createNamespace).toBe(true);
    expect(parse({ createNamespace: "false" }).createNamespace).toBe(false);
    expect(parse({ namespace: "default", createNamespace: "auto" }).createNamespace).toBe(false);
    expect(parse({ namespace: "default", createNamespace: "false" }).createNamespace).toBe(false);
  });

  it("reads each new key's values", () => {
    for (const placement of ["auto", "spread", "together"])
      expect(parse({ placement }).placement).toBe(placement);
    for (const level of ["privileged", "baseline", "restricted"]) {
      expect(parse({ podSecurity: level }).podSecurity).toBe(level);
    }
    expect(parse({ podSecurity: "" }).podSecurity).toBeUndefined();
    expect(parse({ podStartTimeoutSeconds: "10" }).podStartTimeoutSeconds).toBe(10);
    expect(parse({ podStartTimeoutSeconds: "3600" }).podStartTimeoutSeconds).toBe(3600);
    expect(parse({ checksOnly: "", checksSkip: " " }).checks).toMatchObject({ only: [], skip: [] });
    expect(parse({ checksOnly: '["dns.*"]' }).checks.only).toEqual(["dns.*"]);
  });

  it("treats empty kubeconfig and context, the declared defaults, as unset", () => {
    expect(parse({ kubeconfig: "", context: "" })).toMatchObject({
      kubeconfig: undefined,
      context: undefined,
    });
  });

  it("takes the typed values Pulumi.yaml declares as well as the strings Pulumi passes", () => {
    const typed = CONFIG_KEYS.map((key) => [
      key,
      CONFIG_SPEC[key].schema.safeParse(CONFIG_SPEC[key].default),
    ]);
    expect(typed.filter(([, result]) => !(result as { success: boolean }).success)).toEqual([]);
  });

  it("drops the default node port when the httpd service becomes ClusterIP", () => {
    expect(parse({ services: '{"httpd":{"type":"ClusterIP"}}' }).services.httpd.nodePort).toBeUndefined();
  });
});

describe("parseLabConfig errors name the key, the value and what is allowed", () => {
  it.each([
    [{ namespace: "Net_Lab" }, "namespace", /"Net_Lab" is not a DNS-1123 label; allowed: .*lower-case/],
    [{ namespace: "a".repeat(64) }, "namespace", /not a DNS-1123 label/],
    [{ namespace: "kube-system" }, "namespace", /belongs to the cluster/],
    [{ namespace: "default", createNamespace: "true" }, "createNamespace", /must be false/],
    [{ createNamespace: "yes" }, "createNamespace", /"yes" is not a boolean; allowed: true or false/],
    [{ kubeconfig: "/nowhere/config" }, "kubeconfig", /"\/nowhere\/config" does not exist/],
    [
      { kubeconfig: "apiVersion: v1\nkind: Config" },
      "kubeconfig",
      /path of a kubeconfig file \(not its contents\)/,
    ],
    [{ context: "my context; rm -rf /" }, "context", /is not allowed; allowed: letters, digits/],
    [{ clusterDomain: "Cluster.Local" }, "clusterDomain", /is not a DNS domain/],
    [{ labs: "eg1,eg3" }, "labs", /"eg3" is not a lab; allowed: eg1, eg2, services/],
    [{ labs: "eg1,services" }, "labs", /"services" exposes pod-httpd and pod-nginx, so it needs "eg2"/],
    [{ labs: '{"eg1": true}' }, "labs", /is not a list/],
    [
      { imagePullPolicy: "Sometimes" },
      "imagePullPolicy",
      /"Sometimes" is not allowed; allowed: Always, IfNotPresent, Never/,
    ],
    [{ images: '{"httpd":"httpd latest"}' }, "images.httpd", /is not an image reference/],
    [{ images: '{"httpd":"$(reboot)"}' }, "images.httpd", /is not an image reference/],
    [
      { images: '{"apache":"httpd"}' },
      "images.apache",
      /unknown field; allowed fields: httpd, nginx, client, dnsTools/,
    ],
    [{ images: "httpd:2.4" }, "images", /not a structured value/],
    [
      { services: '{"httpd":{"type":"LoadBalancer"}}' },
      "services.httpd.type",
      /"LoadBalancer" is not allowed; allowed: NodePort, ClusterIP/,
    ],
    [{ services: '{"httpd":{"port":0}}' }, "services.httpd.port", /0 is out of range; allowed: 1-65535/],
    [{ services: '{"httpd":{"port":70000}}' }, "services.httpd.port", /70000 is out of range/],
    [
      { services: '{"nginx":{"targetPort":"http"}}' },
      "services.nginx.targetPort",
      /"http" is not a whole number/,
    ],
    [
      { services: '{"httpd":{"nodePort":80}}' },
      "services.httpd.nodePort",
      /80 is out of range; allowed: 30000-32767, or "auto" to let Kubernetes pick a free one/,
    ],
    [{ services: '{"httpd":{"nodePort":32768}}' }, "services.httpd.nodePort", /32768 is out of range/],
    [
      { services: '{"nginx":{"nodePort":30001}}' },
      "services.nginx.nodePort",
      /a ClusterIP service has no node port/,
    ],
    [
      { services: '{"nginx":{"name":"svc-nodeport-httpd"}}' },
      "services.nginx.name",
      /is also the httpd service's name/,
    ],
    [{ services: '{"nginx":{"name":"1svc"}}' }, "services.nginx.name", /is not a DNS-1035 label/],
    [
      { services: '{"nginx":{"type":"NodePort","nodePort":31000}}' },
      "services.nginx.nodePort",
      /is also the httpd service's node port/,
    ],
    [{ services: '{"mysql":{}}' }, "services.mysql", /unknown field/],
    [
      { services: '{"httpd":{"ports":80}}' },
      "services.httpd.ports",
      /unknown field; allowed fields: name, type, port, targetPort, nodePort/,
    ],
    [{ checks: "maybe" }, "checks", /not a boolean/],
    [{ strict: "1" }, "strict", /not a boolean/],
    [{ checksRun: "0" }, "checksRun", /0 is out of range; allowed: 1-1000000/],
    [{ checksRun: "two" }, "checksRun", /"two" is not a whole number/],
    [{ checkMaxTimeSeconds: "0" }, "checkMaxTimeSeconds", /out of range; allowed: 1-120 seconds/],
    [{ checkConnectTimeoutSeconds: "20" }, "checkConnectTimeoutSeconds", /longer than checkMaxTimeSeconds/],
    [{ checkExecTimeoutSeconds: "10" }, "checkExecTimeoutSeconds", /must be longer than checkMaxTimeSeconds/],
    [{ checkExecAttempts: "9" }, "checkExecAttempts", /allowed: 1-5/],
    [{ closedPort: "80" }, "closedPort", /the port cntr-httpd listens on/],
    [{ namspace: "netlab" }, "namspace", /unknown key; known keys: namespace,/],
    [
      { createNamespace: "yes" },
      "createNamespace",
      /"yes" is not a boolean; allowed: true or false, or auto \(create it unless the namespace is "default"\)/,
    ],
    [
      { podSecurity: "strict" },
      "podSecurity",
      /"strict" is not allowed; allowed: privileged, baseline, restricted, or "" to leave the namespace unlabelled/,
    ],
    [
      { namespace: "default", podSecurity: "baseline" },
      "podSecurity",
      /"baseline" applies only to a namespace the lab creates, and it uses "default" as it is/,
    ],
    [{ createNamespace: "false", podSecurity: "restricted" }, "podSecurity", /applies only to a namespace/],
    [{ upsertExisting: "yes" }, "upsertExisting", /"yes" is not a boolean; allowed: true or false/],
    [
      { podStartTimeoutSeconds: "9" },
      "podStartTimeoutSeconds",
      /9 is out of range; allowed: 10-3600 seconds/,
    ],
    [{ podStartTimeoutSeconds: "3601" }, "podStartTimeoutSeconds", /3601 is out of range/],
    [
      { podStartTimeoutSeconds: "2m" },
      "podStartTimeoutSeconds",
      /"2m" is not a whole number; allowed: 10-3600/,
    ],
    [{ placement: "apart" }, "placement", /"apart" is not allowed; allowed: auto, spread, together/],
    [
      { checksOnly: "dns.*,pod demo" },
      "checksOnly",
      /"pod demo" is not a check pattern; allowed: letters, digits and \. _ - with \* and \? as wildcards/,
    ],
    [{ checksSkip: "dns.*;reboot" }, "checksSkip", /"dns.\*;reboot" is not a check pattern/],
    [{ checksSkip: "a,,b" }, "checksSkip", /"" is not a check pattern/],
    [{ labs: "" }, "labs", /"" names no lab; allowed: one or more of eg1, eg2, services/],
    [{ images: "[1]" }, "images", /\[1\] must be an object with fields httpd, nginx, client, dnsTools/],
    [{ services: '{"nginx":[]}' }, "services.nginx", /must be an object with fields name, type, port/],
    [{ services: '{"httpd":{"nodePort":"x"}}' }, "services.httpd.nodePort", /"x" is not a whole number/],
  ])("%j is rejected at %s", (raw, key, message) => {
    expectProblem(raw, key, message);
  });

  it("reports several bad values together, in one message", () => {
    const raw = { namespace: "BAD", labs: "eg9", services: '{"httpd":{"nodePort":1}}', imagePullPolicy: "x" };
    const problems = problemsOf(raw);
    expect(problems.map((p) => p.key)).toEqual([
      "namespace",
      "imagePullPolicy",
      "labs",
      "services.httpd.nodePort",
    ]);
    let message = "";
    try {
      parse(raw);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid lab configuration \(4 problems\):\n {2}- namespace: "BAD"/);
    expect(message).toContain("  - services.httpd.nodePort: 1 is out of range; allowed: 30000-32767");
    expect(message).toContain("nothing was deployed");
  });
});

describe("the combined message", () => {
  it("names every bad value, its key and what is allowed, in the order of the keys", () => {
    const raw = {
      namespace: "Bad_NS",
      checkExecAttempts: "0",
      closedPort: "80",
      labs: "eg1,eg9",
      images: JSON.stringify({ httpd: "httpd;touch /tmp/x" }),
    };
    expect(() => parse(raw)).toThrow(
      new LabConfigError([
        {
          key: "namespace",
          message:
            "\"Bad_NS\" is not a DNS-1123 label; allowed: at most 63 lower-case letters, digits and '-', " +
            "starting and ending with a letter or digit.",
        },
        { key: "labs", message: '"eg9" is not a lab; allowed: eg1, eg2, services, service-depth, ingress.' },
        {
          key: "images.httpd",
          message:
            '"httpd;touch /tmp/x" is not an image reference; allowed: [registry[:port]/]name[:tag][@sha256:digest] ' +
            "in lower case, e.g. httpd:2.4.",
        },
        { key: "checkExecAttempts", message: "0 is out of range; allowed: 1-5." },
        { key: "closedPort", message: "80 is the port cntr-httpd listens on; pick a port nothing serves." },
      ]),
    );
  });

  it("runs a rule across keys only when the keys it reads are valid", () => {
    const keys = problemsOf({ checkMaxTimeSeconds: "500", checkConnectTimeoutSeconds: "50" }).map(
      (p) => p.key,
    );
    expect(keys).toEqual(["checkMaxTimeSeconds"]);
    expect(
      problemsOf({ services: '{"httpd":{"port":0},"nginx":{"name":"svc-nodeport-httpd"}}' }),
    ).toHaveLength(1);
  });
});

describe("projectKeys", () => {
  it("keeps the project's own keys only", () => {
    expect(
      projectKeys(
        { "k8s-networking-lab:namespace": "x", "kubernetes:context": "y", "other:namespace": "z" },
        "k8s-networking-lab",
      ),
    ).toEqual({ namespace: "x" });
  });
});
