// Runs Pulumi programs and components under mocks: Kubernetes objects get the status a cluster would
// give them, and each check's local.Command really runs its script with sh, against the fake kubectl in
// test/support/bin, which answers with captured outputs of real tools (./fakeCluster.ts).
import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { inject, vi } from "vitest";
import {
  fakeKubectlEnv,
  runInScriptHost,
  type Scenario,
  type ScriptOutput,
  WORLD,
  worldNodes,
} from "./fakeCluster";
import { type EngineView, watchRegistrationRequests } from "./registrationRequests";

export { WORLD, type Scenario } from "./fakeCluster";

type MockResourceArgs = pulumi.runtime.MockResourceArgs;

export const PROJECT = "k8s-networking-lab";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

/**
 * What the program asked the engine for: the provider of each resource (as the mocks are given it), its
 * parent and the resources it waits for (read where ./registrationRequests.ts says why).
 */
export interface RegistrationRequest {
  type: string;
  name: string;
  /** The provider's reference, `<urn>::<id>`; empty for a resource without one. */
  provider: string;
  readonly parent: string;
  readonly dependencies: string[];
}

/** Reads a value out of an Output (mocks run with preview off, so every apply runs). */
export function valueOf<T>(output: pulumi.Input<T> | undefined): Promise<pulumi.Unwrap<T>> {
  return new Promise((resolve) => {
    pulumi.output(output as pulumi.Input<T>).apply((value) => {
      resolve(value);
      return value;
    });
  });
}

/**
 * What each script gave, by everything it ran with: the fake kubectl answers from the script, its
 * environment, the scenario and the world alone, so a script that ran once gives the same output again
 * (many program tests deploy the same checks). Kept on globalThis: program runs reset the module registry,
 * which would otherwise start a new map for each test file. Outputs are also written to a directory of the
 * test run (test/support/globalSetup.ts), where the other worker finds them.
 */
const shared = globalThis as { netlabScriptRuns?: Map<string, Promise<ScriptOutput>> };
const scriptRuns = (shared.netlabScriptRuns ??= new Map());

function runScript(
  script: string,
  environment: Record<string, string>,
  scenario: Scenario,
  world: object,
): Promise<ScriptOutput> {
  const key = JSON.stringify([script, environment, scenario, world]);
  let run = scriptRuns.get(key);
  if (run === undefined) {
    run = runScriptOnceInRun(key, script, environment, scenario, world);
    scriptRuns.set(key, run);
  }
  return run;
}

async function runScriptOnceInRun(
  key: string,
  script: string,
  environment: Record<string, string>,
  scenario: Scenario,
  world: object,
): Promise<ScriptOutput> {
  const saved = path.join(inject("scriptRunsDir"), `${createHash("sha256").update(key).digest("hex")}.json`);
  const earlier = await readFile(saved, "utf8").catch(() => undefined);
  if (earlier !== undefined) return JSON.parse(earlier) as ScriptOutput;
  const output = await runScriptOnce(script, environment, scenario, world);
  // Written whole, then renamed: the other worker never reads half a file.
  const partial = `${saved}.${process.pid}`;
  await writeFile(partial, JSON.stringify(output));
  await rename(partial, saved);
  return output;
}

async function runScriptOnce(
  script: string,
  environment: Record<string, string>,
  scenario: Scenario,
  world: object,
): Promise<ScriptOutput> {
  const env = { ...process.env, ...environment, ...fakeKubectlEnv(scenario, world) };
  // As the command provider does: a non-zero exit fails the resource, and the output loses its last newline.
  const { stdout, stderr } = await runInScriptHost(script, env, 120_000);
  return { stdout: stdout.replace(/\n$/, ""), stderr: stderr.replace(/\n$/, "") };
}

type Fields = Record<string, unknown>;
const field = (object: unknown, key: string): Fields =>
  ((object as Fields | undefined)?.[key] ?? {}) as Fields;

export interface MockOptions {
  /** Run the strict-mode gate's script (false: record it only). */
  runStrictGate: boolean;
  /** Nodes of the pretended cluster: 1 (the default), 2, or more (./fakeCluster.ts's worldNodes). */
  nodes?: number;
  /** Labels of namespaces that exist before the lab, by name. */
  namespaceLabels?: Record<string, Record<string, string>>;
  /** Objects in the lab's namespace before the lab: pods, Services, DaemonSets. */
  namespaceObjects?: { kind: string; name: string; labels: Record<string, string> }[];
  /** Reads the lab's credentials may not make: "nodes", "namespace", "services" (every namespace), "kube-dns". */
  forbidden?: string[];
  /** Services that hold node ports before the lab, in any namespace. */
  nodePortHolders?: { namespace: string; service: string; port: number }[];
  /** The cluster's ingress controller (the IngressClass traefik) and Gateway API (the GatewayClass traefik). */
  controllers?: { ingress?: boolean; gateway?: boolean; silent?: boolean };
  /**
   * A dual-stack cluster: every pod gets an IPv6 address besides its IPv4 one (status.podIPs), and a Service
   * that asks for both families (PreferDualStack, RequireDualStack) an IPv6 ClusterIP (spec.clusterIPs).
   */
  dualStack?: boolean;
}

export class MockCluster {
  readonly registered: Registered[] = [];
  readonly requests: RegistrationRequest[] = [];
  /** Parents and dependencies of requests the mocks have not been given yet, by "type name". */
  private readonly engineViews = new Map<string, EngineView[]>();
  /** Why parents and dependencies cannot be read, if they cannot. */
  private engineViewLost: string | undefined;
  private nextNodePort = 30500;
  private nextServiceIP = 100;

  private config: Record<string, string> = {};

  /** `runStrictGate: false` records the strict-mode gate without running it, so that a failing gate does not
   * fail the whole mocked run; tests run its script themselves. */
  constructor(
    readonly scenario: Scenario = "healthy",
    private readonly options: MockOptions = { runStrictGate: true },
  ) {}

  /** The nodes of the pretended cluster. */
  get nodes(): { name: string; internalIP: string }[] {
    return worldNodes(this.options.nodes ?? 1);
  }

  /**
   * The nodes each DaemonSet would run a pod on, by name: those its node affinity names (matchFields on
   * metadata.name), none when its node selector asks for a label (the pretended nodes have none), else all.
   */
  daemonSetNodes(): Record<string, string[]> {
    const names = this.nodes.map((node) => node.name);
    return Object.fromEntries(
      this.ofType("kubernetes:apps/v1:DaemonSet").map((r) => {
        const pod = field(field(field(r.state, "spec"), "template"), "spec");
        const required = field(
          field(pod.affinity, "nodeAffinity"),
          "requiredDuringSchedulingIgnoredDuringExecution",
        );
        const terms = (required.nodeSelectorTerms ?? []) as {
          matchFields?: { key: string; values: string[] }[];
        }[];
        // Terms are ORed: a node named by any of them.
        const named = terms
          .flatMap((term) => term.matchFields ?? [])
          .filter((f) => f.key === "metadata.name");
        const runsOn =
          pod.nodeSelector !== undefined
            ? []
            : names.filter((n) => named.length === 0 || named.some((f) => f.values.includes(n)));
        return [String(field(r.state, "metadata").name), runsOn];
      }),
    );
  }

  /** The node the scheduler would pick for a pod. */
  private nodeFor(name: string, spec: Fields): string {
    if (typeof spec.nodeName === "string") return spec.nodeName;
    const together = field(spec.affinity, "podAffinity").requiredDuringSchedulingIgnoredDuringExecution;
    const node = WORLD.secondNodePods.includes(name) && together === undefined ? this.nodes[1] : undefined;
    return (node ?? this.nodes[0])?.name ?? WORLD.nodeName;
  }

  /** The fake kubectl's view of the cluster, from the objects registered so far. */
  world(): object {
    const services: Record<string, object> = {};
    for (const r of this.ofType("kubernetes:core/v1:Service")) {
      const spec = field(r.state, "spec");
      const port = (spec.ports as Fields[])[0] as Fields;
      const selector = spec.selector as Record<string, string>;
      services[String(field(r.state, "metadata").name)] = {
        clusterIP: spec.clusterIP,
        clusterIPs: spec.clusterIPs,
        port: port.port,
        targetPort: String(port.targetPort),
        nodePort: port.nodePort,
        pod: Object.values(selector)[0],
        // Every pod whose labels match the selector (service-depth's Services select two, or none).
        pods: this.ofType("kubernetes:core/v1:Pod")
          .filter((p) => {
            const labels = (field(p.state, "metadata").labels ?? {}) as Record<string, string>;
            return Object.entries(selector).every(([key, value]) => labels[key] === value);
          })
          .map((p) => String(field(p.state, "metadata").name)),
        sessionAffinity: spec.sessionAffinity,
        externalTrafficPolicy: spec.externalTrafficPolicy,
      };
    }
    const pods: Record<string, object> = {};
    for (const r of this.ofType("kubernetes:core/v1:Pod")) {
      const name = String(field(r.state, "metadata").name);
      pods[name] = {
        ip: field(r.state, "status").podIP,
        ips: ((field(r.state, "status").podIPs ?? []) as { ip: string }[]).map(({ ip }) => ip),
        node: field(r.state, "spec").nodeName,
        serves: WORLD.serves[name] ?? {},
      };
    }
    const probes = this.ofType("kubernetes:apps/v1:DaemonSet").map((r) =>
      String(field(r.state, "metadata").name),
    );
    return {
      namespace: this.config.namespace ?? WORLD.namespace,
      clusterDomain: this.config.clusterDomain ?? "cluster.local",
      nodeIP: WORLD.nodeIP,
      nodes: this.nodes,
      namespaceLabels: this.options.namespaceLabels ?? {},
      namespaceObjects: this.options.namespaceObjects ?? [],
      forbidden: this.options.forbidden ?? [],
      nodePortHolders: this.options.nodePortHolders ?? [],
      ingressController: this.options.controllers?.ingress === true,
      gatewayApi: this.options.controllers?.gateway === true,
      controllerSilent: this.options.controllers?.silent === true,
      daemonSets: probes,
      daemonSetNodes: this.daemonSetNodes(),
      pods,
      services,
    };
  }

  ofType(type: string): Registered[] {
    return this.registered.filter((r) => r.type === type);
  }

  /** Waits for a resource that no export depends on (such as the strict-mode gate) to be registered. */
  async settled(type: string, name: string, timeoutMs = 60_000): Promise<Registered> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.registered.find((r) => r.type === type && r.name === name);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${type} ${name} was not registered within ${timeoutMs} ms`);
  }

  byName(type: string, name: string): Registered {
    const found = this.registered.find((r) => r.type === type && r.name === name);
    if (found === undefined) throw new Error(`no ${type} named ${name} was registered`);
    return found;
  }

  private async stateOf(args: MockResourceArgs): Promise<Fields> {
    const inputs = args.inputs as Fields;
    const metadata: Fields = { ...field(inputs, "metadata"), uid: `uid-${args.name}` };
    switch (args.type) {
      case "kubernetes:core/v1:Pod": {
        const spec = field(inputs, "spec");
        const name = String(metadata.name);
        const nodeName = this.nodeFor(name, spec);
        const hostIP = this.nodes.find((node) => node.name === nodeName)?.internalIP ?? WORLD.nodeIP;
        const podIP = spec.hostNetwork ? hostIP : (WORLD.podIPs[name] ?? "10.244.9.9");
        const podIPv6 = WORLD.podIPv6s[name] ?? "fd00:10:244:9::9";
        const dual = this.options.dualStack === true && spec.hostNetwork !== true;
        const podIPs = (dual ? [podIP, podIPv6] : [podIP]).map((ip) => ({ ip }));
        return {
          ...inputs,
          metadata,
          spec: { ...spec, nodeName },
          status: { phase: "Running", podIP, podIPs, hostIP },
        };
      }
      case "kubernetes:core/v1:Service": {
        const spec = field(inputs, "spec");
        const name = String(metadata.name);
        const ports = (spec.ports as Fields[]).map((port) => ({
          ...port,
          ...(spec.type === "NodePort" ? { nodePort: port.nodePort ?? this.nextNodePort++ } : {}),
        }));
        const clusterIP = WORLD.serviceIPs[name] ?? `10.96.77.${this.nextServiceIP++}`;
        const bothFamilies =
          this.options.dualStack === true &&
          ["PreferDualStack", "RequireDualStack"].includes(String(spec.ipFamilyPolicy));
        const clusterIPs = bothFamilies
          ? [clusterIP, WORLD.serviceIPv6s[name] ?? `fd00:10:96::77:${this.nextServiceIP++}`]
          : [clusterIP];
        const ipFamilies = bothFamilies ? ["IPv4", "IPv6"] : ["IPv4"];
        return { ...inputs, metadata, spec: { ...spec, ports, clusterIP, clusterIPs, ipFamilies } };
      }
      case "command:local:Command":
        if (args.name === "strict-gate" && !this.options.runStrictGate) return inputs;
        return {
          ...inputs,
          ...(await runScript(
            String(inputs.create),
            (inputs.environment ?? {}) as Record<string, string>,
            this.scenario,
            this.world(),
          )),
        };
      default:
        return { ...inputs, metadata };
    }
  }

  /** Installs the mocks; call before importing the program or creating components. */
  install(config: Record<string, string> = {}): void {
    this.config = config;
    pulumi.runtime.setAllConfig(
      Object.fromEntries(Object.entries(config).map(([key, value]) => [`${PROJECT}:${key}`, value])),
    );
    pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          this.requests.push(this.requestOf(args));
          const state = await this.stateOf(args);
          this.registered.push({ type: args.type, name: args.name, inputs: args.inputs as Fields, state });
          return { id: `${args.name}-id`, state };
        },
        // The command provider's `local.run`: the script runs like a check's, against the fake kubectl.
        call: async (args) => {
          if (args.token !== "command:local:run") return args.inputs;
          const inputs = args.inputs as Fields;
          return { ...inputs, ...(await runScript(String(inputs.command), {}, this.scenario, this.world())) };
        },
      },
      PROJECT,
      "dev",
      false,
    );
    watchRegistrationRequests(
      pulumi.runtime.getMonitor(),
      (view) => {
        const key = `${view.type} ${view.name}`;
        this.engineViews.set(key, [...(this.engineViews.get(key) ?? []), view]);
      },
      (why) => {
        this.engineViewLost ??= why;
      },
    );
  }

  /** The request behind a resource the mocks are given: the engine's view of it joined to the mocks' own. */
  private requestOf(args: MockResourceArgs): RegistrationRequest {
    const view = this.engineViews.get(`${args.type} ${args.name}`)?.shift();
    const lost = this.engineViewLost;
    const engineView = (): EngineView => {
      if (view !== undefined) return view;
      throw new Error(
        `the parent and dependencies of ${args.type} ${args.name} cannot be read: ` +
          `${lost ?? "no registration request was seen for it"}. ` +
          "test/support/registrationRequests.ts reads them off the SDK's request to the mock monitor, as " +
          "MockResourceArgs lacks them (pulumi/pulumi#14421); see whether this @pulumi/pulumi gives them " +
          "to newResource now.",
      );
    };
    return {
      type: args.type,
      name: args.name,
      provider: args.provider ?? "",
      get parent() {
        return engineView().parent;
      },
      get dependencies() {
        return engineView().dependencies;
      },
    };
  }

  request(type: string, name: string): RegistrationRequest {
    const found = this.requests.find((r) => r.type === type && r.name === name);
    if (found === undefined) throw new Error(`no request to register ${type} ${name}`);
    return found;
  }
}

/** What index.ts's program returns: the stack's outputs. */
export type Program = Awaited<ReturnType<typeof import("../../index")>>;

/**
 * Waits until the SDK has sent every registration it queued (components register their outputs late).
 * `disconnect` is the SDK's public way to wait for that queue; under mocks it leaves the mock monitor in
 * place, and the next `setMocks` installs a new one anyway.
 */
export async function pendingRegistrations(): Promise<void> {
  await pulumi.runtime.disconnect();
}

/** Runs index.ts under mocks with the given config, and waits until its exports are known. */
export async function runProgram(
  config: Record<string, string> = {},
  scenario: Scenario = "healthy",
  options: MockOptions = { runStrictGate: true },
): Promise<{ cluster: MockCluster; program: Program }> {
  const cluster = new MockCluster(scenario, options);
  // kube-proxy's moment after an endpoint is ready is a sleep in each Service check: the runner's tests time
  // it; here it would only add seconds to every program run.
  cluster.install({ kubeProxySettleSeconds: "0", ...config });
  vi.resetModules();
  const lab = (await import("../../index")).default;
  const program: Program = await lab();
  // Every export, so that no component registers its outputs after the next program's mocks are installed.
  await Promise.all(Object.values(program).map((value) => valueOf(value as pulumi.Input<unknown>)));
  await pendingRegistrations();
  return { cluster, program };
}
