// Reads and validates the lab's configuration. Pure: takes the stack's raw config values (strings, as
// Pulumi stores them) and returns a typed LabConfig, or throws LabConfigError listing every problem.

export const LAB_NAMES = ["eg1", "eg2", "services"] as const;
export type LabName = (typeof LAB_NAMES)[number];

export const SERVICE_TYPES = ["NodePort", "ClusterIP"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const PULL_POLICIES = ["Always", "IfNotPresent", "Never"] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

export const PLACEMENTS = ["auto", "spread", "together"] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

export interface ServiceConfig {
  name: string;
  type: ServiceType;
  port: number;
  targetPort: number;
  /** Only for NodePort services; undefined lets the cluster pick one. */
  nodePort?: number;
}

export interface ImagesConfig {
  httpd: string;
  nginx: string;
  /** The tutorial's `cntr-centos` client, also the node probe: needs bash and curl. */
  client: string;
  /** The DNS probe: needs nslookup and cat. */
  dnsTools: string;
}

export interface ChecksConfig {
  enabled: boolean;
  strict: boolean;
  run: number;
  connectTimeoutSeconds: number;
  maxTimeSeconds: number;
  execTimeoutSeconds: number;
  execAttempts: number;
  closedPort: number;
}

export interface LabConfig {
  namespace: string;
  createNamespace: boolean;
  kubeconfig?: string;
  context?: string;
  clusterDomain: string;
  labs: readonly LabName[];
  imagePullPolicy: PullPolicy;
  images: ImagesConfig;
  services: { httpd: ServiceConfig; nginx: ServiceConfig };
  checks: ChecksConfig;
  /** Where eg2's two pods go: different nodes when possible (auto), required (spread), or one node. */
  placement: Placement;
}

export const DEFAULT_IMAGES: ImagesConfig = {
  httpd: "httpd:latest",
  nginx: "nginx:latest",
  client: "centos",
  dnsTools: "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3",
};

export const DEFAULT_SERVICES: LabConfig["services"] = {
  httpd: { name: "svc-nodeport-httpd", type: "NodePort", port: 3050, targetPort: 80, nodePort: 31000 },
  nginx: { name: "svc-clusterip-nginx", type: "ClusterIP", port: 80, targetPort: 80 },
};

export const DEFAULT_CHECKS: ChecksConfig = {
  enabled: true,
  strict: false,
  run: 1,
  connectTimeoutSeconds: 3,
  maxTimeSeconds: 10,
  execTimeoutSeconds: 30,
  execAttempts: 3,
  closedPort: 8081,
};

/** Every key the program reads, with the path of the value in LabConfig it feeds. */
export const CONFIG_KEYS = [
  "namespace",
  "createNamespace",
  "kubeconfig",
  "context",
  "clusterDomain",
  "labs",
  "imagePullPolicy",
  "images",
  "services",
  "checks",
  "strict",
  "checksRun",
  "checkConnectTimeoutSeconds",
  "checkMaxTimeSeconds",
  "checkExecTimeoutSeconds",
  "checkExecAttempts",
  "closedPort",
  "placement",
] as const;

/** The ports the tutorial's containers listen on; the refused-port check must use another one. */
export const TUTORIAL_CONTAINER_PORT = 80;

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

export function formatProblems(problems: readonly ConfigProblem[]): string {
  const noun = problems.length === 1 ? "problem" : "problems";
  return [
    `invalid lab configuration (${problems.length} ${noun}):`,
    ...problems.map((p) => `  - ${p.key}: ${p.message}`),
    "Fix them with `pulumi config set <key> <value>` (nested keys with --path, e.g. " +
      "`pulumi config set --path services.httpd.port 3050`) and run again; nothing was deployed.",
  ].join("\n");
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Registry host[:port]/path[:tag][@digest], the characters a reference may hold.
const IMAGE_REFERENCE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const CONTEXT_NAME = /^[A-Za-z0-9._@:/+=-]{1,253}$/;
const RESERVED_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);

const quote = (value: unknown): string => JSON.stringify(value);

/** Collects problems while reading values, so that every bad value is reported in one go. */
class Reader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly raw: Readonly<Record<string, string>>) {}

  problem(key: string, message: string): void {
    this.problems.push({ key, message });
  }

  string(key: string): string | undefined {
    return this.raw[key];
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw[key];
    if (value === undefined) return fallback;
    if (value === "true") return true;
    if (value === "false") return false;
    this.problem(key, `${quote(value)} is not a boolean; allowed: true or false.`);
    return fallback;
  }

  integer(key: string, fallback: number, min: number, max: number, unit = ""): number {
    const value = this.raw[key];
    if (value === undefined) return fallback;
    return checkInteger(this, key, value, min, max, unit) ?? fallback;
  }

  json(key: string): Record<string, unknown> | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      this.problem(
        key,
        `${quote(value)} is not a structured value; set its fields with --path, e.g. ${key}.<field>.`,
      );
      return undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      this.problem(key, `${quote(value)} must be an object of fields.`);
      return undefined;
    }
    return parsed as Record<string, unknown>;
  }
}

function checkInteger(
  reader: Reader,
  key: string,
  value: unknown,
  min: number,
  max: number,
  unit = "",
): number | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (!/^-?\d+$/.test(text)) {
    reader.problem(key, `${quote(value)} is not a whole number; allowed: ${min}-${max}${unit}.`);
    return undefined;
  }
  const number = Number(text);
  if (number < min || number > max) {
    reader.problem(key, `${number} is out of range; allowed: ${min}-${max}${unit}.`);
    return undefined;
  }
  return number;
}

function checkUnknownFields(
  reader: Reader,
  key: string,
  value: Record<string, unknown>,
  known: readonly string[],
) {
  for (const field of Object.keys(value)) {
    if (!known.includes(field)) {
      reader.problem(`${key}.${field}`, `unknown field; allowed fields: ${known.join(", ")}.`);
    }
  }
}

function readNamespace(reader: Reader): { namespace: string; createNamespace: boolean } {
  const namespace = reader.string("namespace") ?? "netlab";
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    reader.problem(
      "namespace",
      `${quote(namespace)} is not a DNS-1123 label; allowed: at most 63 lower-case letters, digits and '-', ` +
        "starting and ending with a letter or digit.",
    );
  } else if (RESERVED_NAMESPACES.has(namespace)) {
    reader.problem(
      "namespace",
      `${quote(namespace)} belongs to the cluster itself; use a namespace of your own.`,
    );
  }
  const isDefault = namespace === "default";
  const createNamespace = reader.boolean("createNamespace", !isDefault);
  if (isDefault && createNamespace) {
    reader.problem("createNamespace", `must be false for the "default" namespace, which always exists.`);
  }
  return { namespace, createNamespace };
}

function readOptionalText(reader: Reader, key: string, pattern: RegExp, allowed: string): string | undefined {
  const value = reader.string(key);
  if (value === undefined || value === "") return undefined;
  if (!pattern.test(value)) {
    reader.problem(key, `${quote(value)} is not allowed; ${allowed}.`);
    return undefined;
  }
  return value;
}

function readKubeconfig(reader: Reader, fileExists: (path: string) => boolean): string | undefined {
  const value = readOptionalText(
    reader,
    "kubeconfig",
    // A path, not the file's contents: kubectl in the checks needs a file.
    /^[^\0\n\r]{1,4096}$/,
    "give the path of a kubeconfig file (not its contents)",
  );
  if (value !== undefined && !fileExists(value)) {
    reader.problem(
      "kubeconfig",
      `${quote(value)} does not exist; give the path of a readable kubeconfig file.`,
    );
  }
  return value;
}

function readClusterDomain(reader: Reader): string {
  const value = reader.string("clusterDomain") ?? "cluster.local";
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    reader.problem(
      "clusterDomain",
      `${quote(value)} is not a DNS domain; allowed: dot-separated lower-case labels, e.g. cluster.local.`,
    );
    return "cluster.local";
  }
  return value;
}

function readLabs(reader: Reader): LabName[] {
  const value = reader.string("labs");
  if (value === undefined) return [...LAB_NAMES];
  let names: unknown;
  try {
    names = /^\s*[[{]/.test(value) ? JSON.parse(value) : value.split(",");
  } catch {
    names = undefined;
  }
  if (!Array.isArray(names)) {
    reader.problem(
      "labs",
      `${quote(value)} is not a list; give names separated by commas, e.g. eg1,eg2,services.`,
    );
    return [...LAB_NAMES];
  }
  const labs: LabName[] = [];
  for (const entry of names) {
    const name = typeof entry === "string" ? entry.trim() : entry;
    if (!(LAB_NAMES as readonly unknown[]).includes(name)) {
      reader.problem("labs", `${quote(name)} is not a lab; allowed: ${LAB_NAMES.join(", ")}.`);
    } else if (!labs.includes(name as LabName)) {
      labs.push(name as LabName);
    }
  }
  if (labs.includes("services") && !labs.includes("eg2")) {
    reader.problem("labs", `"services" exposes pod-httpd and pod-nginx, so it needs "eg2" too.`);
  }
  return labs;
}

function readEnum<T extends string>(reader: Reader, key: string, value: unknown, allowed: readonly T[]) {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  reader.problem(key, `${quote(value)} is not allowed; allowed: ${allowed.join(", ")}.`);
  return undefined;
}

function readImages(reader: Reader): ImagesConfig {
  const raw = reader.json("images") ?? {};
  const fields = Object.keys(DEFAULT_IMAGES) as (keyof ImagesConfig)[];
  checkUnknownFields(reader, "images", raw, fields);
  const images = { ...DEFAULT_IMAGES };
  for (const field of fields) {
    const value = raw[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.length > 512 || !IMAGE_REFERENCE.test(value)) {
      reader.problem(
        `images.${field}`,
        `${quote(value)} is not an image reference; allowed: [registry[:port]/]name[:tag][@sha256:digest] ` +
          "in lower case, e.g. httpd:2.4.",
      );
    } else {
      images[field] = value;
    }
  }
  return images;
}

function readService(reader: Reader, key: string, raw: unknown, defaults: ServiceConfig): ServiceConfig {
  const service = { ...defaults };
  if (raw === undefined) return service;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    reader.problem(
      key,
      `${quote(raw)} must be an object with fields name, type, port, targetPort, nodePort.`,
    );
    return service;
  }
  const fields = raw as Record<string, unknown>;
  checkUnknownFields(reader, key, fields, ["name", "type", "port", "targetPort", "nodePort"]);
  if (fields.name !== undefined) {
    const name = fields.name;
    if (typeof name !== "string" || name.length > 63 || !DNS1035_LABEL.test(name)) {
      reader.problem(
        `${key}.name`,
        `${quote(name)} is not a DNS-1035 label; allowed: at most 63 lower-case letters, digits and '-', ` +
          "starting with a letter and ending with a letter or digit.",
      );
    } else {
      service.name = name;
    }
  }
  if (fields.type !== undefined) {
    const type = readEnum(reader, `${key}.type`, fields.type, SERVICE_TYPES);
    if (type !== undefined) service.type = type;
    if (type === "ClusterIP" && fields.nodePort === undefined) delete service.nodePort;
  }
  for (const field of ["port", "targetPort"] as const) {
    if (fields[field] === undefined) continue;
    const port = checkInteger(reader, `${key}.${field}`, fields[field], 1, 65535);
    if (port !== undefined) service[field] = port;
  }
  if (fields.nodePort !== undefined) {
    if (fields.nodePort === null || fields.nodePort === "none") {
      delete service.nodePort;
    } else {
      const nodePort = checkInteger(
        reader,
        `${key}.nodePort`,
        fields.nodePort,
        NODE_PORT_MIN,
        NODE_PORT_MAX,
        ', or "none" to let the cluster pick one',
      );
      if (nodePort !== undefined) service.nodePort = nodePort;
    }
  }
  if (service.type === "ClusterIP" && service.nodePort !== undefined) {
    reader.problem(
      `${key}.nodePort`,
      `a ClusterIP service has no node port; remove it or set type NodePort.`,
    );
  }
  return service;
}

function readServices(reader: Reader): LabConfig["services"] {
  const raw = reader.json("services") ?? {};
  checkUnknownFields(reader, "services", raw, ["httpd", "nginx"]);
  const services = {
    httpd: readService(reader, "services.httpd", raw.httpd, DEFAULT_SERVICES.httpd),
    nginx: readService(reader, "services.nginx", raw.nginx, DEFAULT_SERVICES.nginx),
  };
  if (services.httpd.name === services.nginx.name) {
    reader.problem("services.nginx.name", `${quote(services.nginx.name)} is also the httpd service's name.`);
  }
  if (services.httpd.nodePort !== undefined && services.httpd.nodePort === services.nginx.nodePort) {
    reader.problem(
      "services.nginx.nodePort",
      `${services.nginx.nodePort} is also the httpd service's node port.`,
    );
  }
  return services;
}

function readChecks(reader: Reader): ChecksConfig {
  const d = DEFAULT_CHECKS;
  const checks: ChecksConfig = {
    enabled: reader.boolean("checks", d.enabled),
    strict: reader.boolean("strict", d.strict),
    run: reader.integer("checksRun", d.run, 1, 1_000_000),
    connectTimeoutSeconds: reader.integer(
      "checkConnectTimeoutSeconds",
      d.connectTimeoutSeconds,
      1,
      60,
      " seconds",
    ),
    maxTimeSeconds: reader.integer("checkMaxTimeSeconds", d.maxTimeSeconds, 1, 120, " seconds"),
    execTimeoutSeconds: reader.integer("checkExecTimeoutSeconds", d.execTimeoutSeconds, 5, 600, " seconds"),
    execAttempts: reader.integer("checkExecAttempts", d.execAttempts, 1, 5),
    closedPort: reader.integer("closedPort", d.closedPort, 1, 65535),
  };
  if (checks.connectTimeoutSeconds > checks.maxTimeSeconds) {
    reader.problem(
      "checkConnectTimeoutSeconds",
      `${checks.connectTimeoutSeconds} is longer than checkMaxTimeSeconds (${checks.maxTimeSeconds}); ` +
        "allowed: at most checkMaxTimeSeconds.",
    );
  }
  if (checks.execTimeoutSeconds <= checks.maxTimeSeconds) {
    reader.problem(
      "checkExecTimeoutSeconds",
      `${checks.execTimeoutSeconds} must be longer than checkMaxTimeSeconds (${checks.maxTimeSeconds}), ` +
        "so that a probe's own timeout is seen before the exec is cut off.",
    );
  }
  if (checks.closedPort === TUTORIAL_CONTAINER_PORT) {
    reader.problem(
      "closedPort",
      `${checks.closedPort} is the port cntr-httpd listens on; pick a port nothing serves.`,
    );
  }
  return checks;
}

export interface ParseOptions {
  /** Tells whether a kubeconfig path exists; injected so that parsing stays pure. */
  fileExists: (path: string) => boolean;
}

/**
 * Validates every key before anything is deployed. `raw` maps keys without the project prefix
 * (e.g. "namespace", "services") to the strings Pulumi stores.
 */
export function parseLabConfig(raw: Readonly<Record<string, string>>, options: ParseOptions): LabConfig {
  const reader = new Reader(raw);
  for (const key of Object.keys(raw)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      reader.problem(key, `unknown key; known keys: ${CONFIG_KEYS.join(", ")}.`);
    }
  }
  const { namespace, createNamespace } = readNamespace(reader);
  const pullPolicy = reader.string("imagePullPolicy");
  const imagePullPolicy =
    pullPolicy === undefined
      ? "IfNotPresent"
      : (readEnum(reader, "imagePullPolicy", pullPolicy, PULL_POLICIES) ?? "IfNotPresent");
  const config: LabConfig = {
    namespace,
    createNamespace,
    kubeconfig: readKubeconfig(reader, options.fileExists),
    context: readOptionalText(
      reader,
      "context",
      CONTEXT_NAME,
      "allowed: letters, digits and . _ @ : / + = -, as kubeconfig context names use",
    ),
    clusterDomain: readClusterDomain(reader),
    labs: readLabs(reader),
    imagePullPolicy,
    images: readImages(reader),
    services: readServices(reader),
    checks: readChecks(reader),
    placement: readEnum(reader, "placement", reader.string("placement") ?? "auto", PLACEMENTS) ?? "auto",
  };
  if (reader.problems.length > 0) throw new LabConfigError(reader.problems);
  return config;
}

/** Picks the project's own keys out of Pulumi's full config map ("<project>:<key>" => value). */
export function projectKeys(all: Readonly<Record<string, string>>, project: string): Record<string, string> {
  const prefix = `${project}:`;
  const own: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(prefix)) own[key.slice(prefix.length)] = value;
  }
  return own;
}
