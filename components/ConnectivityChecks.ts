import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { diagnose } from "../lib/checks/diagnosis";
import { type DiscoveredFacts, discoveredFacts } from "../lib/checks/facts";
import { type EvidenceRun, gatherEvidence } from "../lib/checks/evidence/gather";
import { type CheckGroup, distinctSteps, groupChecks } from "../lib/checks/groups";
import { planNetworkReads, readNetwork } from "../lib/checks/network";
import { judgeCheck } from "../lib/checks/judge";
import { type FrontFact, type LabTopology, type LiveFacts, UNRESOLVED_FACTS } from "../lib/checks/lab";
import { planChecks } from "../lib/checks/plan";
import {
  type CheckSummary,
  formatReport,
  STRICT_GATE_SCRIPT,
  strictGateEnvironment,
  summarize,
} from "../lib/checks/report";
import { buildRunnerScript, parseRunnerOutput, type RunnerOptions } from "../lib/checks/runner";
import {
  NODE_PROBES,
  type TestedObject,
  testedFront,
  testedNames,
  testedPod,
  testedService,
} from "../lib/checks/tested";
import { type Front, FRONTS } from "../lib/ingress";
import type { CheckPlan, CheckResult, StepResult } from "../lib/checks/types";
import { type UnreadFact, unreadLines } from "../lib/access";
import { type ClusterFacts, knownNodes } from "../lib/cluster";
import type { NodeProbeSpread, PullPolicy } from "../lib/config";
import type { ExercisePlan } from "../lib/exercises";
import { exerciseLine, type ExerciseResult, expectedFailures, judgeExercise } from "../lib/exercises/judge";
import { type KubectlVersions, type NetworkFacts, networkLines } from "../lib/network";
import { probeNodes } from "../lib/nodeProbes";
import { type DiagramInput, formatDiagram } from "../lib/results/diagram";
import { formatJUnit } from "../lib/results/junit";
import { formatWalkthrough } from "../lib/results/walkthrough";
import { DNS_PROBE, IDLE_COMMAND, NODE_PROBE, STOP_GRACE_SECONDS } from "../lib/tutorial";
import type { ExposedService } from "./ExposedService";
import type { IngressRoutes } from "./IngressRoutes";
import { MultiContainerPod } from "./MultiContainerPod";
import { NodeProbes } from "./NodeProbes";

export interface ConnectivityChecksArgs {
  topology: LabTopology;
  /** The lab's namespace, as an output of the object that creates it, so probes are created after it. */
  namespace: pulumi.Input<string>;
  /** The lab's pods, by pod name. */
  pods: Record<string, MultiContainerPod>;
  /** The lab's services, by service name. */
  services: Record<string, ExposedService>;
  /** Image of the node probe: needs curl. */
  clientImage: pulumi.Input<string>;
  /** Image of the DNS probe: needs nslookup. */
  dnsToolsImage: pulumi.Input<string>;
  imagePullPolicy: PullPolicy;
  /** Seconds each probe pod may take to become Ready before the update fails. */
  startTimeoutSeconds?: number;
  /** The cluster's nodes and where kube-dns runs, as found before the lab was built. */
  cluster: pulumi.Input<ClusterFacts>;
  /** Why the node probes cannot run in the namespace (its Pod Security level), when they cannot. */
  nodeProbeSkipReason?: pulumi.Input<string | undefined>;
  /** The nodes the node probes run on: those the checks start from (needed, the default), or all. */
  nodeProbeSpread?: NodeProbeSpread;
  /** What the lab's credentials could not read before the build: named in the report and the facts. */
  unread?: UnreadFact[];
  /** kubectl's and the server's versions, as the discovery read them. */
  kubectlVersions?: KubectlVersions;
  runner: RunnerOptions;
  /** Ids of the checks not to create (checksOnly / checksSkip). */
  leaveOut?: readonly string[];
  /** Bump to rerun every check. */
  run: number;
  /** Fail the update when any check fails (but those the exercise expects to fail). */
  strict: boolean;
  /** The break-it exercise deployed into the lab: the failures it must show, and their diagnosis. */
  exercise?: ExercisePlan;
  /** The ingress lab's Ingress and Gateway, with what the cluster made of each. */
  fronts?: Pick<IngressRoutes, "facts" | "objects" | "uids">;
}

/** The `facts` output: the lab's live facts, what the checks found out, and the network the lab runs on. */
export type LabFacts = LiveFacts & DiscoveredFacts & { network: NetworkFacts };

/** Runs every check of the tutorial against the live lab, after the pods and services it tests. */
export class ConnectivityChecks extends pulumi.ComponentResource {
  public readonly nodeProbes: NodeProbes | undefined;
  public readonly dnsProbe: MultiContainerPod;
  /** The commands that run the checks, one per group of checks that test the same objects, by name. */
  public readonly commands: Record<string, command.local.Command> = {};
  public readonly results: pulumi.Output<CheckResult[]>;
  public readonly summary: pulumi.Output<CheckSummary>;
  public readonly report: pulumi.Output<string>;
  public readonly facts: pulumi.Output<LabFacts>;
  public readonly strictGate: command.local.Command | undefined;
  /** The lab as deployed, one arrow per pair of ends with the checks between them, as Mermaid text. */
  public readonly diagram: pulumi.Output<string>;
  /** The results as a JUnit report. */
  public readonly junit: pulumi.Output<string>;
  /** The tutorial retold with this cluster's values, as Markdown. */
  public readonly walkthrough: pulumi.Output<string>;
  /** Whether the break-it exercise's mistake was observed and diagnosed as expected; undefined without one. */
  public readonly exercise: pulumi.Output<ExerciseResult | undefined>;

  constructor(name: string, args: ConnectivityChecksArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:ConnectivityChecks", name, {}, opts);
    this.nodeProbes = this.createNodeProbes(args);
    this.dnsProbe = this.createDnsProbe(args);
    const lab = new TestedObjects(
      args,
      { ...args.pods, [DNS_PROBE.podName]: this.dnsProbe },
      this.nodeProbes,
    );

    // Which checks run is known from the topology alone; their commands wait for the live facts.
    const leftOut = new Set(args.leaveOut ?? []);
    const shapes = planChecks(args.topology, UNRESOLVED_FACTS).filter((plan) => !leftOut.has(plan.id));
    const runs = groupChecks(shapes).map((group) => this.runGroup(group, lab, args));
    const allRuns = inPlanOrder(runs, shapes);

    const everything = lab.factsAbout(lab.everything());
    const network = this.readNetwork(args, lab, everything);
    this.facts = pulumi
      .all([everything, allRuns, network])
      .apply(([facts, all, found]) => ({ ...facts, ...discoveredFacts(all), network: found }));
    this.results = pulumi.all([allRuns, this.facts]).apply(([all, facts]) =>
      // Each failure is diagnosed from the other checks of the same run and what the run found out.
      diagnose(
        all.map((run) => ({ ...judgeCheck(run.plan, run.steps), evidence: gatherEvidence(run, all, facts) })),
        facts,
        args.topology,
      ),
    );
    this.summary = this.results.apply(summarize);
    const plan = args.exercise;
    this.exercise = this.results.apply((results) =>
      plan === undefined ? undefined : judgeExercise(plan, results),
    );
    // An exercise's verdict comes first: it is what the learner switched it on for.
    this.report = pulumi
      .all([this.results, this.exercise, this.facts])
      .apply(([results, exercise, facts]) =>
        [
          ...(exercise === undefined ? [] : [exerciseLine(exercise), ""]),
          ...withBlankAfter(networkLines(facts.network, facts.nodes.length)),
          ...withBlankAfter(unreadLines(args.unread ?? [])),
          formatReport(results, args.leaveOut ?? []),
        ].join("\n"),
      );
    this.diagram = pulumi.all([diagramInput(args), this.facts, this.results]).apply(([lab, facts, results]) =>
      formatDiagram({
        ...lab,
        nodes: facts.nodes.map(({ name, internalIP }) => ({ name, internalIP })),
        ...(facts.kubeDnsIP === undefined ? {} : { kubeDnsIP: facts.kubeDnsIP }),
        ...(facts.apiServiceIP === undefined ? {} : { apiServiceIP: facts.apiServiceIP }),
        results,
      }),
    );
    this.junit = this.results.apply((results) => formatJUnit(results));
    this.walkthrough = pulumi.all([this.results, allRuns, this.facts]).apply(([results, runs, facts]) =>
      formatWalkthrough({
        namespace: args.topology.namespace,
        results,
        runs,
        facts,
        leftOut: args.leaveOut,
      }),
    );
    this.strictGate = args.strict ? this.createStrictGate(args) : undefined;

    this.registerOutputs({
      results: this.results,
      summary: this.summary,
      report: this.report,
      facts: this.facts,
      diagram: this.diagram,
      junit: this.junit,
      walkthrough: this.walkthrough,
      exercise: this.exercise,
    });
  }

  /**
   * The network the lab runs on, read once the pods and node probes are there: kube-proxy's mode and the
   * way toward other nodes' pods on each node, a pod's MTU; rerun with the checks.
   */
  private readNetwork(
    args: ConnectivityChecksArgs,
    lab: TestedObjects,
    everything: pulumi.Output<LiveFacts>,
  ): pulumi.Output<NetworkFacts> {
    const objects = lab.everything().filter((object) => object.kind !== "service" && object.kind !== "front");
    const facts = lab.factsAbout(objects);
    const reads = facts.apply((f) => planNetworkReads(args.topology, f));
    const tested = objects.map((object) => lab.tested(object));
    const read = new command.local.Command(
      "network",
      {
        create: reads.apply((r) => buildRunnerScript(r.steps, args.runner)),
        triggers: [args.run, ...tested.flatMap((o) => o.triggers)],
        logging: "none",
      },
      {
        parent: this,
        dependsOn: tested.flatMap((o) => (o.resource === undefined ? [] : [o.resource])),
        deleteBeforeReplace: true,
      },
    );
    return pulumi
      .all([reads, read.stdout, everything])
      .apply(([r, stdout, all]) =>
        readNetwork(r, parseRunnerOutput(stdout), all, args.kubectlVersions ?? {}),
      );
  }

  private createNodeProbes(args: ConnectivityChecksArgs): NodeProbes | undefined {
    const nodeProbe = args.topology.probes.node;
    if (nodeProbe === undefined) return undefined;
    return new NodeProbes(
      NODE_PROBE.name,
      {
        namespace: args.namespace,
        name: NODE_PROBE.name,
        container: nodeProbe.container,
        image: args.clientImage,
        imagePullPolicy: args.imagePullPolicy,
        command: IDLE_COMMAND,
        terminationGracePeriodSeconds: STOP_GRACE_SECONDS,
        startTimeoutSeconds: args.startTimeoutSeconds,
        enabled: pulumi.output(args.nodeProbeSkipReason).apply((reason) => reason === undefined),
        nodeNames: nodeProbeNodes(args),
        kubectl: args.topology.kubectl,
      },
      { parent: this },
    );
  }

  private createDnsProbe(args: ConnectivityChecksArgs): MultiContainerPod {
    return new MultiContainerPod(
      DNS_PROBE.podName,
      {
        namespace: args.namespace,
        imagePullPolicy: args.imagePullPolicy,
        terminationGracePeriodSeconds: STOP_GRACE_SECONDS,
        startTimeoutSeconds: args.startTimeoutSeconds,
        containers: [
          {
            name: DNS_PROBE.container,
            image: args.dnsToolsImage,
            command: IDLE_COMMAND,
            dropAllCapabilities: true,
          },
        ],
      },
      { parent: this },
    );
  }

  /**
   * One command for a group of checks that test the same objects (lib/checks/groups.ts): it runs after
   * them, again when they change, and its output is read back into each check's step results.
   */
  private runGroup(
    group: CheckGroup,
    lab: TestedObjects,
    args: ConnectivityChecksArgs,
  ): pulumi.Output<EvidenceRun[]> {
    const plans = lab.factsAbout(group.tests).apply((facts) => plansOf(group, args.topology, facts));
    const layout = plans.apply(distinctSteps);
    const objects = group.tests.map((object) => lab.tested(object));
    const check = new command.local.Command(
      group.name,
      {
        create: layout.apply((l) => buildRunnerScript(l.steps, args.runner)),
        triggers: [args.run, ...objects.flatMap((o) => o.triggers)],
        // The runner prints base64 envelopes; the judged results are the stack outputs.
        logging: "none",
      },
      {
        parent: this,
        dependsOn: objects.flatMap((o) => (o.resource === undefined ? [] : [o.resource])),
        // A rerun replaces the command; its old copy has nothing to undo, so it goes first rather than in
        // a phase of deletes after every new run.
        deleteBeforeReplace: true,
      },
    );
    this.commands[group.name] = check;
    return pulumi.all([plans, layout, check.stdout]).apply(([all, l, stdout]) => {
      const results = parseRunnerOutput(stdout);
      const resultsAt = (indices: number[] | undefined) =>
        (indices ?? []).map((index) => results[index] as StepResult);
      return all.map((plan, i) => ({
        plan,
        steps: resultsAt(l.indices[i]),
        evidence: resultsAt(l.evidenceIndices[i]),
      }));
    });
  }

  private createStrictGate(args: ConnectivityChecksArgs): command.local.Command {
    return new command.local.Command(
      "strict-gate",
      {
        create: STRICT_GATE_SCRIPT,
        environment: this.results.apply((results) =>
          strictGateEnvironment(results, expectedFailures(args.exercise)),
        ),
        triggers: [args.run],
      },
      { parent: this, dependsOn: Object.values(this.commands) },
    );
  }
}

/**
 * The nodes the node probes run on, once the lab's pods are placed; undefined (every schedulable node) for
 * "all", which need not wait for the pods.
 */
function nodeProbeNodes(args: ConnectivityChecksArgs): pulumi.Output<string[]> | undefined {
  const spread = args.nodeProbeSpread ?? "needed";
  if (spread === "all") return undefined;
  const podNodes = pulumi.all(Object.values(args.pods).map((pod) => pod.nodeName));
  return pulumi
    .all([args.cluster, podNodes])
    .apply(([cluster, nodes]) => probeNodes(spread, nodes, cluster.nodes) ?? []);
}

const withBlankAfter = (lines: string[]): string[] => (lines.length === 0 ? [] : [...lines, ""]);

/** The group's checks, planned with the live facts about what they test. */
function plansOf(group: CheckGroup, topology: LabTopology, facts: LiveFacts): CheckPlan[] {
  const all = planChecks(topology, facts);
  return group.ids.map((id) => {
    const found = all.find((plan) => plan.id === id);
    if (found === undefined) throw new Error(`check ${id} disappeared once the lab's facts were known`);
    return found;
  });
}

/** Every group's runs, in plan order, as the report and the outputs list the checks. */
function inPlanOrder(
  runs: pulumi.Output<EvidenceRun[]>[],
  shapes: readonly CheckPlan[],
): pulumi.Output<EvidenceRun[]> {
  const order = new Map(shapes.map((shape, i) => [shape.id, i]));
  const position = (run: EvidenceRun) => order.get(run.plan.id) ?? 0;
  return pulumi.all(runs).apply((groups) => groups.flat().sort((a, b) => position(a) - position(b)));
}

/** The lab's pods and services as the diagram draws them. */
function diagramInput(
  args: ConnectivityChecksArgs,
): pulumi.Output<Pick<DiagramInput, "namespace" | "pods" | "services">> {
  const pods = Object.values(args.pods).map((pod) =>
    pulumi.output({ name: pod.podName, node: pod.nodeName, ip: pod.podIP, containers: pod.containerNames }),
  );
  const services = Object.values(args.services).map((service) => {
    const target = [
      ...args.topology.services,
      ...(args.topology.dualStack === undefined ? [] : [args.topology.dualStack.service]),
    ].find((s) => s.name === service.serviceName)?.target.pod;
    return pulumi
      .output({ type: service.service.spec.type, clusterIP: service.clusterIP, nodePort: service.nodePort })
      .apply(({ type, clusterIP, nodePort }) => ({
        name: service.serviceName,
        type,
        clusterIP,
        port: service.port,
        targetPort: service.targetPort,
        ...(nodePort === undefined ? {} : { nodePort }),
        selects: target === undefined ? [] : [target],
      }));
  });
  return pulumi.output({ namespace: args.namespace, pods: pulumi.all(pods), services: pulumi.all(services) });
}

interface Tested {
  /** What the check runs after, if anything. */
  resource?: pulumi.Resource;
  /** The values whose change must rerun it (a new pod has a new UID and IP, a recreated service a new ClusterIP). */
  triggers: pulumi.Output<unknown>[];
}

/** The lab's objects a check can test, and the live facts each gives once it exists. */
class TestedObjects {
  private readonly nodeProbePods: pulumi.Output<Record<string, string>>;
  private readonly nodeProbeAddresses: pulumi.Output<Record<string, string>>;

  constructor(
    private readonly args: ConnectivityChecksArgs,
    private readonly pods: Record<string, MultiContainerPod>,
    private readonly nodeProbes: NodeProbes | undefined,
  ) {
    const none: Record<string, string> = {};
    this.nodeProbePods = nodeProbes?.podsByNode ?? pulumi.output(none);
    this.nodeProbeAddresses = nodeProbes?.hostIPs ?? pulumi.output(none);
  }

  /** Every object of the lab: the facts output covers them all. */
  everything(): TestedObject[] {
    return [
      ...Object.keys(this.pods).map(testedPod),
      ...Object.keys(this.args.services).map(testedService),
      ...(this.nodeProbes === undefined ? [] : [NODE_PROBES]),
      ...(this.args.fronts === undefined ? [] : FRONTS.map(testedFront)),
    ];
  }

  /**
   * The live facts about some objects, from their outputs alone: a check waits for what it tests and
   * nothing else (a pod-demo check does not wait for the services to settle).
   */
  factsAbout(objects: readonly TestedObject[]): pulumi.Output<LiveFacts> {
    const names = testedNames(objects);
    const pods = names.pods.map((name) => this.pod(name));
    const services = names.services.map((name) => this.service(name));
    const byName = <T, V>(items: T[], name: (item: T) => string, value: (item: T) => pulumi.Input<V>) =>
      pulumi.all(Object.fromEntries(items.map((item) => [name(item), value(item)])));
    const noProbes: Record<string, string> = {};
    return pulumi
      .output({
        podIPs: byName(
          pods,
          (pod) => pod.podName,
          (pod) => pod.podIP,
        ),
        allPodIPs: byName(
          pods,
          (pod) => pod.podName,
          (pod) => pod.podIPs,
        ),
        podNodes: byName(
          pods,
          (pod) => pod.podName,
          (pod) => pod.nodeName,
        ),
        services: byName(
          services,
          (service) => service.serviceName,
          (service) =>
            pulumi.output({
              clusterIP: service.clusterIP,
              clusterIPs: service.clusterIPs,
              nodePort: service.nodePort,
            }),
        ),
        nodeProbes: names.nodeProbes ? this.nodeProbePods : noProbes,
        // Where the nodes may not be listed, the lab's own pods and probes say where they are.
        hostIPs: byName(
          pods,
          (pod) => pod.podName,
          (pod) => pod.hostIP,
        ),
        probeHostIPs: names.nodeProbes ? this.nodeProbeAddresses : noProbes,
        cluster: this.args.cluster,
        // Only a check from a node waits for the probes' listing, and hears why it failed.
        nodeProbeSkipReason: pulumi
          .all([
            this.args.nodeProbeSkipReason,
            names.nodeProbes ? this.nodeProbes?.listingProblem : undefined,
          ])
          .apply(([podSecurity, listing]) => podSecurity ?? listing),
        fronts: this.frontFacts(names.fronts),
      })
      .apply((found): LiveFacts => ({
        podIPs: found.podIPs,
        allPodIPs: found.allPodIPs,
        podNodes: found.podNodes,
        nodes: knownNodes(found.cluster, found.podNodes, found.hostIPs, found.probeHostIPs),
        nodeProbes: found.nodeProbes,
        kubeDnsNodes: found.cluster.kubeDnsNodes,
        ...(found.nodeProbeSkipReason === undefined
          ? {}
          : { nodeProbeSkipReason: found.nodeProbeSkipReason }),
        ...(this.args.unread === undefined || this.args.unread.length === 0
          ? {}
          : { unread: this.args.unread }),
        services: Object.fromEntries(
          Object.entries(found.services).map(([name, { clusterIP, clusterIPs, nodePort }]) => [
            name,
            nodePort === undefined ? { clusterIP, clusterIPs } : { clusterIP, clusterIPs, nodePort },
          ]),
        ),
        ...(Object.keys(found.fronts).length === 0 ? {} : { fronts: found.fronts }),
      }));
  }

  /** What the cluster made of the lab's Ingress and Gateway, for the checks that test them. */
  private frontFacts(fronts: readonly Front[]): pulumi.Output<Partial<Record<Front, FrontFact>>> {
    const routes = this.args.fronts;
    if (routes === undefined) return pulumi.output({});
    return pulumi.all(Object.fromEntries(fronts.map((front) => [front, routes.facts[front]])));
  }

  tested(object: TestedObject): Tested {
    if (object.kind === "node-probes") {
      // Without node probes (hostNetwork forbidden) the node checks are skipped: nothing to wait for.
      const probes = this.nodeProbes;
      return probes === undefined
        ? { triggers: [] }
        : { resource: probes, triggers: [probes.uid, probes.podsByNode] };
    }
    if (object.kind === "front") {
      const routes = this.args.fronts;
      const resource = routes?.objects[object.name];
      const uid = routes?.uids[object.name];
      return {
        ...(resource === undefined ? {} : { resource }),
        triggers: [
          ...(uid === undefined ? [] : [uid]),
          ...(routes === undefined ? [] : [routes.facts[object.name]]),
        ],
      };
    }
    if (object.kind === "pod") {
      const pod = this.pod(object.name);
      return { resource: pod, triggers: [pod.uid, pod.podIP] };
    }
    const service = this.service(object.name);
    // A changed port, target port or selector updates a Service in place, with the same UID and ClusterIP.
    const { ports, selector } = service.service.spec;
    return { resource: service, triggers: [service.uid, service.clusterIP, ports, selector] };
  }

  private pod(name: string): MultiContainerPod {
    const pod = this.pods[name];
    if (pod === undefined) throw new Error(`a check tests pod ${name}, which the lab does not have`);
    return pod;
  }

  private service(name: string): ExposedService {
    const service = this.args.services[name];
    if (service === undefined) throw new Error(`a check tests service ${name}, which the lab does not have`);
    return service;
  }
}
