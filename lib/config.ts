// The lab's configuration as one zod schema. Pulumi.yaml declares each key's type, default and description
// for the CLI; this schema adds what Pulumi cannot express (names, image references, ranges, rules across
// keys, unknown keys and fields) and turns the stack's raw values into a typed LabConfig, or throws
// LabConfigError listing every problem. Pure: no Pulumi import.
import { isIP } from "node:net";
import { z } from "zod";
import { EXERCISE_NAMES, EXERCISES } from "./exercises";
import { DEFAULT_ROUTE_DOMAIN } from "./ingress";

export const LAB_NAMES = ["eg1", "eg2", "services", "service-depth", "ingress"] as const;
export type LabName = (typeof LAB_NAMES)[number];
/** The tutorial's own labs; the chapters after it are switched on by name. */
export const DEFAULT_LABS: readonly LabName[] = ["eg1", "eg2", "services"];

export const SERVICE_TYPES = ["NodePort", "ClusterIP"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

/** eg2's pods: `auto` prefers different nodes, `spread` requires them, `together` puts both on one node. */
export const PLACEMENTS = ["auto", "spread", "together"] as const;
export type Placement = (typeof PLACEMENTS)[number];
/** Where node probes run: the nodes the checks start from (the lab's pods' and one other), or every node. */
export const NODE_PROBE_SPREADS = ["needed", "all"] as const;
export type NodeProbeSpread = (typeof NODE_PROBE_SPREADS)[number];

/** Pod Security Standards levels; the namespace the lab creates enforces the chosen one. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** The ports the tutorial's containers listen on; the refused-port check must use another one. */
export const TUTORIAL_CONTAINER_PORT = 80;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Registry host[:port]/path[:tag][@digest], the characters a reference may hold.
const IMAGE_REFERENCE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const CONTEXT_NAME = /^[A-Za-z0-9._@:/+=-]{1,253}$/;
// A path, not the file's contents: kubectl in the checks needs a file.
const FILE_PATH = /^[^\0\n\r]{1,4096}$/;
const CHECK_PATTERN = /^[A-Za-z0-9._*?-]+$/;
const RESERVED_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);

// ---- Messages: each names the value and what is allowed; the key is added by problemsOf.

const quote = (value: unknown): string => JSON.stringify(value) ?? String(value);
type Report = (issue: { readonly input?: unknown }) => string;
const isNot =
  (what: string, allowed: string): Report =>
  ({ input }) =>
    `${quote(input)} is not ${what}; allowed: ${allowed}.`;
const notAllowed =
  (allowed: string): Report =>
  ({ input }) =>
    `${quote(input)} is not allowed; ${allowed}.`;
const outOfRange =
  (allowed: string): Report =>
  ({ input }) =>
    `${quote(input)} is out of range; allowed: ${allowed}.`;
/** An issue a rule raises itself, at `path` below the value it checks. */
const problem = (path: PropertyKey[], input: unknown, message: string) =>
  ({ code: "custom", path, input, message }) as const;

// ---- Value types. Pulumi hands the program strings (structured values as JSON); Pulumi.yaml's defaults and
// fields inside structured values may be typed already. Each type accepts both.

/** A string that `test` accepts, with one message for whatever is wrong with it. */
const text = (test: (value: string) => boolean, report: Report) =>
  z.string({ error: report }).refine(test, { error: report });

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: notAllowed(`allowed: ${values.join(", ")}`) });

const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")], {
  error: isNot("a boolean", "true or false"),
});

function wholeNumber(min: number, max: number, unit = "") {
  const allowed = `${min}-${max}${unit}`;
  const notWhole = isNot("a whole number", allowed);
  return z
    .union([z.number(), z.string()], { error: notWhole })
    .transform((value) => String(value).trim())
    .pipe(
      z
        .string()
        .regex(/^-?\d+$/, { error: notWhole })
        .transform(Number),
    )
    .refine((value) => value >= min && value <= max, { error: outOfRange(allowed) });
}

/** An object with these fields only. */
function closed<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field; allowed fields: ${allowed}.`
        : `${quote(issue.input)} must be an object with fields ${allowed}.`,
  });
}

/** An object with these fields only; Pulumi passes it as JSON text. */
function structured<S extends z.ZodRawShape>(key: string, shape: S) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      const fix = `set its fields with --path, e.g. ${key}.<field>`;
      ctx.addIssue(problem([], value, `${quote(value)} is not a structured value; ${fix}.`));
      return z.NEVER;
    }
  }, closed(shape));
}

/** Names separated by commas (or a JSON list), each checked by `item`; reported under the key, one by one. */
function commaList<T>(item: z.ZodType<T>, example: string) {
  return z.string().transform((value, ctx) => {
    let entries: unknown;
    try {
      entries = /^\s*[[{]/.test(value) ? JSON.parse(value) : value.trim() === "" ? [] : value.split(",");
    } catch {
      entries = undefined;
    }
    if (!Array.isArray(entries)) {
      ctx.addIssue(
        problem([], value, `${quote(value)} is not a list; give names separated by commas, e.g. ${example}.`),
      );
      return z.NEVER;
    }
    const list: T[] = [];
    for (const entry of entries) {
      const parsed = item.safeParse(typeof entry === "string" ? entry.trim() : entry);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue(problem([], entry, issue.message));
      } else if (!list.includes(parsed.data)) {
        list.push(parsed.data);
      }
    }
    return list;
  });
}

/** "" (unset) becomes undefined. */
const optionalText = (test: (value: string) => boolean, report: Report) =>
  z.union([z.literal(""), text(test, report)]).transform((value) => (value === "" ? undefined : value));

const port = wholeNumber(1, 65535);
const imageReference = text(
  (value) => value.length <= 512 && IMAGE_REFERENCE.test(value),
  isNot("an image reference", "[registry[:port]/]name[:tag][@sha256:digest] in lower case, e.g. httpd:2.4"),
);

// ---- Defaults (also declared in Pulumi.yaml; a test keeps the two equal).

export const DEFAULT_IMAGES = {
  httpd: "httpd:latest",
  nginx: "nginx:latest",
  /** The tutorial's `cntr-centos` client, also the node probe: needs bash and curl. */
  client: "centos",
  /** The DNS probe: needs nslookup and cat. */
  dnsTools: "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3",
  /** The backends of service-depth: the Kubernetes e2e suite's test server (`agnhost netexec`). */
  agnhost: "registry.k8s.io/e2e-test-images/agnhost:2.56",
};

export const CHECK_DEFAULTS = {
  enabled: true,
  strict: false,
  run: 1,
  connectTimeoutSeconds: 3,
  maxTimeSeconds: 10,
  execTimeoutSeconds: 30,
  execAttempts: 3,
  kubeProxySettleSeconds: 2,
  closedPort: 8081,
};

// ---- Services: fields unset in the stack take the service's own default.

const OR_NONE = ', or "auto" to let Kubernetes pick a free one ("none" does the same)';
const serviceFields = {
  name: text(
    (value) => value.length <= 63 && DNS1035_LABEL.test(value),
    isNot(
      "a DNS-1035 label",
      "at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit",
    ),
  ),
  type: oneOf(SERVICE_TYPES),
  port,
  targetPort: port,
  /** "auto", "none" (or null) let Kubernetes pick a free one: see lib/nodePorts.ts. */
  nodePort: z
    .union(
      [z.literal("none"), z.literal("auto"), z.null(), wholeNumber(NODE_PORT_MIN, NODE_PORT_MAX, OR_NONE)],
      { error: isNot("a whole number", `${NODE_PORT_MIN}-${NODE_PORT_MAX}${OR_NONE}`) },
    )
    .transform((value) => (value === "none" ? null : value)),
};
type ServiceFields = { [F in keyof typeof serviceFields]: z.output<(typeof serviceFields)[F]> };
/** A node port as configured: a number, or "auto" (Kubernetes picks a free one when the Service is made). */
export type NodePortSetting = number | "auto";
export type ServiceConfig = Omit<ServiceFields, "nodePort"> & {
  /** Only for NodePort services; undefined lets the cluster pick one. */
  nodePort?: NodePortSetting;
};

export const DEFAULT_SERVICES: { httpd: ServiceConfig; nginx: ServiceConfig } = {
  httpd: { name: "svc-nodeport-httpd", type: "NodePort", port: 3050, targetPort: 80, nodePort: 31000 },
  nginx: { name: "svc-clusterip-nginx", type: "ClusterIP", port: 80, targetPort: 80 },
};

function service(defaults: ServiceConfig) {
  return closed(serviceFields)
    .partial()
    .transform(({ nodePort, ...set }): ServiceConfig => {
      // Making a service ClusterIP drops the default node port; an explicit one stays (and is reported).
      const { nodePort: defaultNodePort, ...rest } = defaults;
      const port = nodePort === undefined && set.type !== "ClusterIP" ? defaultNodePort : nodePort;
      return { ...rest, ...set, ...(port === null || port === undefined ? {} : { nodePort: port }) };
    })
    .superRefine((svc, ctx) => {
      if (svc.type === "ClusterIP" && svc.nodePort !== undefined) {
        const message = "a ClusterIP service has no node port; remove it or set type NodePort.";
        ctx.addIssue(problem(["nodePort"], svc.nodePort, message));
      }
    })
    .prefault({});
}

const services = structured("services", {
  httpd: service(DEFAULT_SERVICES.httpd),
  nginx: service(DEFAULT_SERVICES.nginx),
}).superRefine(
  ({ httpd, nginx }, ctx) => {
    if (httpd.name === nginx.name) {
      ctx.addIssue(
        problem(["nginx", "name"], nginx.name, `${quote(nginx.name)} is also the httpd service's name.`),
      );
    }
    if (typeof httpd.nodePort === "number" && httpd.nodePort === nginx.nodePort) {
      const message = `${nginx.nodePort} is also the httpd service's node port.`;
      ctx.addIssue(problem(["nginx", "nodePort"], nginx.nodePort, message));
    }
  },
  { when: (payload) => payload.issues.length === 0 },
);

// ---- The ingress lab: which classes, where the controller listens, and the domain of the routes' hosts.

export const DEFAULT_INGRESS = {
  /** "": the cluster's default IngressClass. */
  className: "",
  /** "": the one GatewayClass a controller accepted. */
  gatewayClassName: "",
  /** "": the address the controller publishes in the Ingress's (or Gateway's) status. */
  address: "",
  domain: DEFAULT_ROUTE_DOMAIN,
  addressWaitSeconds: 60,
};

const className = (unset: string) =>
  optionalText(
    (value) => value.length <= 253 && DNS1123_SUBDOMAIN.test(value),
    isNot("a class name", `a DNS-1123 subdomain, e.g. traefik, or "" for ${unset}`),
  );

const ingress = structured("ingress", {
  className: className("the cluster's default IngressClass").prefault(DEFAULT_INGRESS.className),
  gatewayClassName: className("the one GatewayClass a controller accepted").prefault(
    DEFAULT_INGRESS.gatewayClassName,
  ),
  address: optionalText(
    (value) => value.length <= 253 && (isIP(value) !== 0 || DNS1123_SUBDOMAIN.test(value)),
    isNot("an address", 'an IPv4 or IPv6 address or a host name, or "" for the one the controller publishes'),
  ).prefault(DEFAULT_INGRESS.address),
  domain: text(
    (value) => value.length <= 200 && DNS1123_SUBDOMAIN.test(value),
    isNot("a DNS domain", "dot-separated lower-case labels, e.g. netlab.test"),
  ).prefault(DEFAULT_INGRESS.domain),
  addressWaitSeconds: wholeNumber(5, 600, " seconds").prefault(DEFAULT_INGRESS.addressWaitSeconds),
});

// ---- Every key: the type Pulumi.yaml declares for it, its default, and its schema.

type PulumiType = "string" | "integer" | "boolean" | "object";
const key = <S extends z.ZodType>(type: PulumiType, defaultValue: z.input<S>, schema: S) => ({
  type,
  default: defaultValue,
  schema,
});

export const CONFIG_SPEC = {
  namespace: key(
    "string",
    "netlab",
    text(
      (value) => value.length <= 63 && DNS1123_LABEL.test(value),
      isNot(
        "a DNS-1123 label",
        "at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit",
      ),
    ).refine((value) => !RESERVED_NAMESPACES.has(value), {
      error: ({ input }) => `${quote(input)} belongs to the cluster itself; use a namespace of your own.`,
    }),
  ),
  createNamespace: key(
    "string",
    "auto",
    z.union([flag, z.literal("auto")], {
      error: isNot("a boolean", 'true or false, or auto (create it unless the namespace is "default")'),
    }),
  ),
  podSecurity: key(
    "string",
    "",
    z
      .union([z.literal(""), oneOf(POD_SECURITY_LEVELS)], {
        error: notAllowed(
          `allowed: ${POD_SECURITY_LEVELS.join(", ")}, or "" to leave the namespace unlabelled`,
        ),
      })
      .transform((value) => (value === "" ? undefined : value)),
  ),
  upsertExisting: key("boolean", false, flag),
  kubeconfig: key(
    "string",
    "",
    optionalText(
      (value) => FILE_PATH.test(value),
      notAllowed("give the path of a kubeconfig file (not its contents)"),
    ),
  ),
  context: key(
    "string",
    "",
    optionalText(
      (value) => CONTEXT_NAME.test(value),
      notAllowed("allowed: letters, digits and . _ @ : / + = -, as kubeconfig context names use"),
    ),
  ),
  clusterDomain: key(
    "string",
    "cluster.local",
    text(
      (value) => value.length <= 253 && DNS1123_SUBDOMAIN.test(value),
      isNot("a DNS domain", "dot-separated lower-case labels, e.g. cluster.local"),
    ),
  ),
  imagePullPolicy: key("string", "IfNotPresent", oneOf(PULL_POLICIES)),
  podStartTimeoutSeconds: key("integer", 120, wholeNumber(10, 3600, " seconds")),
  labs: key(
    "string",
    DEFAULT_LABS.join(","),
    commaList(
      z.enum(LAB_NAMES, { error: isNot("a lab", LAB_NAMES.join(", ")) }),
      DEFAULT_LABS.join(","),
    ).check(({ value: labs, issues }) => {
      if (labs.length === 0) {
        const allowed = `one or more of ${LAB_NAMES.join(", ")}, separated by commas`;
        issues.push(problem([], labs, `"" names no lab; allowed: ${allowed}.`));
      } else if (labs.includes("services") && !labs.includes("eg2")) {
        issues.push(problem([], labs, `"services" exposes pod-httpd and pod-nginx, so it needs "eg2" too.`));
      } else if (labs.includes("service-depth") && !labs.includes("eg1")) {
        const why = `"service-depth" sends its requests from pod-demo's cntr-centos, so it needs "eg1" too.`;
        issues.push(problem([], labs, why));
      } else if (labs.includes("ingress") && !(labs.includes("services") && labs.includes("eg1"))) {
        const why = `"ingress" routes to the Services of "services" and sends its requests from pod-demo's cntr-centos, so it needs "services" and "eg1" too.`;
        issues.push(problem([], labs, why));
      }
    }),
  ),
  placement: key("string", "auto", oneOf(PLACEMENTS)),
  nodeProbes: key("string", "needed", oneOf(NODE_PROBE_SPREADS)),
  images: key(
    "object",
    DEFAULT_IMAGES,
    structured("images", {
      httpd: imageReference.prefault(DEFAULT_IMAGES.httpd),
      nginx: imageReference.prefault(DEFAULT_IMAGES.nginx),
      client: imageReference.prefault(DEFAULT_IMAGES.client),
      dnsTools: imageReference.prefault(DEFAULT_IMAGES.dnsTools),
      agnhost: imageReference.prefault(DEFAULT_IMAGES.agnhost),
    }),
  ),
  services: key("object", DEFAULT_SERVICES, services),
  ingress: key("object", DEFAULT_INGRESS, ingress),
  checks: key("boolean", CHECK_DEFAULTS.enabled, flag),
  strict: key("boolean", CHECK_DEFAULTS.strict, flag),
  checksRun: key("integer", CHECK_DEFAULTS.run, wholeNumber(1, 1_000_000)),
  checksOnly: key("string", "", checkPatterns()),
  checksSkip: key("string", "", checkPatterns()),
  checkConnectTimeoutSeconds: key(
    "integer",
    CHECK_DEFAULTS.connectTimeoutSeconds,
    wholeNumber(1, 60, " seconds"),
  ),
  checkMaxTimeSeconds: key("integer", CHECK_DEFAULTS.maxTimeSeconds, wholeNumber(1, 120, " seconds")),
  checkExecTimeoutSeconds: key("integer", CHECK_DEFAULTS.execTimeoutSeconds, wholeNumber(5, 600, " seconds")),
  checkExecAttempts: key("integer", CHECK_DEFAULTS.execAttempts, wholeNumber(1, 5)),
  kubeProxySettleSeconds: key(
    "integer",
    CHECK_DEFAULTS.kubeProxySettleSeconds,
    wholeNumber(0, 60, " seconds"),
  ),
  closedPort: key(
    "integer",
    CHECK_DEFAULTS.closedPort,
    port.refine((value) => value !== TUTORIAL_CONTAINER_PORT, {
      error: ({ input }) => `${quote(input)} is the port cntr-httpd listens on; pick a port nothing serves.`,
    }),
  ),
  exercise: key(
    "string",
    "",
    z
      .union([z.literal(""), oneOf(EXERCISE_NAMES)], {
        error: notAllowed(`allowed: ${EXERCISE_NAMES.join(", ")}, or "" for none`),
      })
      .transform((value) => (value === "" ? undefined : value)),
  ),
};

function checkPatterns() {
  return commaList(
    text(
      (value) => CHECK_PATTERN.test(value),
      isNot(
        "a check pattern",
        "letters, digits and . _ - with * and ? as wildcards, e.g. dns.*,pod-demo.localhost",
      ),
    ),
    "dns.*,pod-demo.localhost",
  );
}

export type ConfigKey = keyof typeof CONFIG_SPEC;
/** Every key the program reads, in the order Pulumi.yaml, Pulumi.dev.yaml and docs/configuration.md list them. */
export const CONFIG_KEYS = Object.keys(CONFIG_SPEC) as ConfigKey[];

type Spec = typeof CONFIG_SPEC;
const shape = Object.fromEntries(
  CONFIG_KEYS.map((name) => [
    name,
    (CONFIG_SPEC[name].schema as z.ZodType).prefault(CONFIG_SPEC[name].default),
  ]),
) as { [K in ConfigKey]: z.ZodPrefault<Spec[K]["schema"]> };

const keys = z.strictObject(shape, {
  error: (issue) =>
    issue.code === "unrecognized_keys" ? `unknown key; known keys: ${CONFIG_KEYS.join(", ")}.` : undefined,
});
type Keys = z.output<typeof keys>;

/** Whether `createNamespace` means to create the namespace (`auto`: unless it is "default"). */
const createsNamespace = ({ namespace, createNamespace }: Pick<Keys, "namespace" | "createNamespace">) =>
  createNamespace === "auto" ? namespace !== "default" : createNamespace;

export interface ParseOptions {
  /** Tells whether a kubeconfig path exists; injected so that parsing stays pure. */
  fileExists: (path: string) => boolean;
}

/** Rules across keys; each runs only when the keys it reads are valid on their own. */
function crossKeyRules(options: ParseOptions) {
  const rule = (reads: readonly ConfigKey[], check: (c: Keys) => [ConfigKey, unknown, string] | undefined) =>
    z.superRefine<Keys>(
      (config, ctx) => {
        const found = check(config);
        if (found) ctx.addIssue(problem([found[0]], found[1], found[2]));
      },
      { when: ({ issues }) => !issues.some((issue) => reads.includes(issue.path?.[0] as ConfigKey)) },
    );
  return [
    rule(["namespace", "createNamespace"], (c) =>
      c.namespace === "default" && c.createNamespace === true
        ? ["createNamespace", true, `must be false for the "default" namespace, which always exists.`]
        : undefined,
    ),
    rule(["namespace", "createNamespace", "podSecurity"], (c) =>
      c.podSecurity !== undefined && !createsNamespace(c)
        ? [
            "podSecurity",
            c.podSecurity,
            `${quote(c.podSecurity)} applies only to a namespace the lab creates, and it uses ` +
              `${quote(c.namespace)} as it is (createNamespace false); allowed: "" here.`,
          ]
        : undefined,
    ),
    rule(["kubeconfig"], (c) =>
      c.kubeconfig !== undefined && !options.fileExists(c.kubeconfig)
        ? [
            "kubeconfig",
            c.kubeconfig,
            `${quote(c.kubeconfig)} does not exist; give the path of a readable kubeconfig file.`,
          ]
        : undefined,
    ),
    rule(["exercise", "labs", "checks"], (c) => {
      if (c.exercise === undefined) return undefined;
      const missing = EXERCISES[c.exercise].needs.filter((lab) => !c.labs.includes(lab));
      if (missing.length > 0) {
        const labs = missing.map((lab) => quote(lab)).join(" and ");
        return ["exercise", c.exercise, `${quote(c.exercise)} breaks objects of ${labs}; add them to labs.`];
      }
      return c.checks
        ? undefined
        : ["exercise", c.exercise, `${quote(c.exercise)} is judged by the checks; set checks true.`];
    }),
    rule(["checkConnectTimeoutSeconds", "checkMaxTimeSeconds"], (c) =>
      c.checkConnectTimeoutSeconds > c.checkMaxTimeSeconds
        ? [
            "checkConnectTimeoutSeconds",
            c.checkConnectTimeoutSeconds,
            `${c.checkConnectTimeoutSeconds} is longer than checkMaxTimeSeconds (${c.checkMaxTimeSeconds}); ` +
              "allowed: at most checkMaxTimeSeconds.",
          ]
        : undefined,
    ),
    rule(["checkExecTimeoutSeconds", "checkMaxTimeSeconds"], (c) =>
      c.checkExecTimeoutSeconds <= c.checkMaxTimeSeconds
        ? [
            "checkExecTimeoutSeconds",
            c.checkExecTimeoutSeconds,
            `${c.checkExecTimeoutSeconds} must be longer than checkMaxTimeSeconds (${c.checkMaxTimeSeconds}), ` +
              "so that a probe's own timeout is seen before the exec is cut off.",
          ]
        : undefined,
    ),
  ];
}

/** The whole configuration: the keys, the rules across them, then the shape the program uses. */
function labConfigSchema(options: ParseOptions) {
  return keys.check(...crossKeyRules(options)).transform((c) => ({
    namespace: c.namespace,
    createNamespace: createsNamespace(c),
    /** undefined: the lab leaves the namespace's Pod Security labels alone. */
    podSecurity: c.podSecurity,
    upsertExisting: c.upsertExisting,
    kubeconfig: c.kubeconfig,
    context: c.context,
    clusterDomain: c.clusterDomain,
    imagePullPolicy: c.imagePullPolicy,
    podStartTimeoutSeconds: c.podStartTimeoutSeconds,
    labs: c.labs,
    placement: c.placement,
    nodeProbes: c.nodeProbes,
    images: c.images,
    services: c.services,
    ingress: c.ingress,
    checks: {
      enabled: c.checks,
      strict: c.strict,
      run: c.checksRun,
      only: c.checksOnly,
      skip: c.checksSkip,
      connectTimeoutSeconds: c.checkConnectTimeoutSeconds,
      maxTimeSeconds: c.checkMaxTimeSeconds,
      execTimeoutSeconds: c.checkExecTimeoutSeconds,
      execAttempts: c.checkExecAttempts,
      kubeProxySettleSeconds: c.kubeProxySettleSeconds,
      closedPort: c.closedPort,
    },
    /** The break-it exercise whose mistake the lab deploys (lib/exercises), if any. */
    exercise: c.exercise,
  }));
}

export type LabConfig = z.output<ReturnType<typeof labConfigSchema>>;

// ---- Problems: the one place zod's issues become the lab's messages.

export interface ConfigProblem {
  key: string;
  message: string;
}

export class LabConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "LabConfigError";
  }
}

/** One problem per issue (per unknown key), keyed by its dotted path, in the order of CONFIG_KEYS. */
export function problemsOf(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const problems = issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((name) => ({ key: [...path, name].join("."), message: issue.message }));
    }
    return [{ key: path.join("."), message: issue.message }];
  });
  const rank = (problem: ConfigProblem) => {
    const index = CONFIG_KEYS.indexOf(problem.key.split(".")[0] as ConfigKey);
    return index === -1 ? CONFIG_KEYS.length : index;
  };
  return problems.sort((a, b) => rank(a) - rank(b));
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  const noun = problems.length === 1 ? "problem" : "problems";
  return [
    `invalid lab configuration (${problems.length} ${noun}):`,
    ...problems.map((p) => `  - ${p.key}: ${p.message}`),
    "Fix them with `pulumi config set <key> <value>` (nested keys with --path, e.g. " +
      "`pulumi config set --path services.httpd.port 3050`) and run again; nothing was deployed.",
  ].join("\n");
}

/**
 * Validates every key before anything is deployed. `raw` maps keys without the project prefix
 * (e.g. "namespace", "services") to the strings Pulumi stores.
 */
export function parseLabConfig(raw: Readonly<Record<string, string>>, options: ParseOptions): LabConfig {
  const result = labConfigSchema(options).safeParse(raw);
  if (!result.success) throw new LabConfigError(problemsOf(result.error.issues));
  return result.data;
}

/** Picks the project's own keys out of Pulumi's full config map ("<project>:<key>" => value). */
export function projectKeys(all: Readonly<Record<string, string>>, project: string): Record<string, string> {
  const prefix = `${project}:`;
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) {
    if (name.startsWith(prefix)) own[name.slice(prefix.length)] = value;
  }
  return own;
}
