import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { type CheckRun, type DiscoveredFacts, discoveredFacts } from "../lib/checks/facts";
import { judgeCheck } from "../lib/checks/judge";
import {
  type LabTopology,
  type LiveFacts,
  planChecks,
  NODE_PROBES_KEY,
  testedObject,
  UNRESOLVED_FACTS,
} from "../lib/checks/plan";
import {
  type CheckSummary,
  formatReport,
  STRICT_GATE_SCRIPT,
  strictGateEnvironment,
  summarize,
} from "../lib/checks/report";
import { buildRunnerScript, parseRunnerOutput, type RunnerOptions } from "../lib/checks/runner";
import { distinctSteps, groupChecks } from "../lib/checks/groups";
import type { CheckResult, StepResult } from "../lib/checks/types";
import { formatDiagram } from "../lib/results/diagram";
import { formatJUnit } from "../lib/results/junit";
import type { ClusterFacts } from "../lib/cluster";
import type { PullPolicy } from "../lib/config";
import { DNS_PROBE, IDLE_COMMAND, NODE_PROBE, STOP_GRACE_SECONDS } from "../lib/tutorial";
import type { ExposedService } from "./ExposedService";
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
  runner: RunnerOptions;
  /** Ids of the checks not to create (checksOnly / checksSkip). */
  leaveOut?: readonly string[];
  /** Bump to rerun every check. */
  run: number;
  /** Fail the update when any check fails. */
  strict: boolean;
}

/** The `facts` output: the lab's live facts and what the checks found out about the cluster. */
export type LabFacts = LiveFacts & DiscoveredFacts;

/** Runs every check of the tutorial against the live lab, after the pods and services it tests. */
export class ConnectivityChecks extends pulumi.ComponentResource {
  public readonly nodeProbes: NodeProbes | undefined;
  public readonly dnsProbe: MultiContainerPod;
  /** The commands that run the checks, one per group of checks that test the same objects, by name. */
  public readonly commands: Record<string, command.local.Command>;
  public readonly results: pulumi.Output<CheckResult[]>;
  public readonly summary: pulumi.Output<CheckSummary>;
  public readonly report: pulumi.Output<string>;
  public readonly facts: pulumi.Output<LabFacts>;
  public readonly strictGate: command.local.Command | undefined;
  /** The lab as deployed, one arrow per check, as Mermaid text. */
  public readonly diagram: pulumi.Output<string>;
  /** The results as a JUnit report. */
  public readonly junit: pulumi.Output<string>;

  constructor(name: string, args: ConnectivityChecksArgs, opts?: pulumi.ComponentResourceOptions) {
    super("netlab:index:ConnectivityChecks", name, {}, opts);
    const { topology } = args;
    const probe = (podName: string, container: string, image: pulumi.Input<string>, extra: object) =>
      new MultiContainerPod(
        podName,
        {
          namespace: args.namespace,
          imagePullPolicy: args.imagePullPolicy,
          terminationGracePeriodSeconds: STOP_GRACE_SECONDS,
          startTimeoutSeconds: args.startTimeoutSeconds,
          containers: [{ name: container, image, command: IDLE_COMMAND, dropAllCapabilities: true }],
          ...extra,
        },
        { parent: this },
      );
    const nodeProbe = topology.probes.node;
    this.nodeProbes =
      nodeProbe === undefined
        ? undefined
        : new NodeProbes(
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
              kubectl: topology.kubectl,
            },
            { parent: this },
          );
    this.dnsProbe = probe(DNS_PROBE.podName, DNS_PROBE.container, args.dnsToolsImage, {});

    const pods: Record<string, MultiContainerPod> = { ...args.pods, [DNS_PROBE.podName]: this.dnsProbe };
    const cluster = pulumi.output(args.cluster);
    const noProbes: Record<string, string> = {};
    const nodeProbePods = this.nodeProbes?.podsByNode ?? pulumi.output(noProbes);

    // The facts about some tested objects, from their outputs alone: a check waits for what it tests and
    // nothing else (a pod-demo check does not wait for the services to settle).
    const liveFactsAbout = (tests: readonly string[]): pulumi.Output<LiveFacts> => {
      const objects = tests.map(testedObject);
      const podNames = objects.filter((o) => o.kind === "pod").map((o) => o.name);
      const serviceNames = objects.filter((o) => o.kind === "service").map((o) => o.name);
      const withNodeProbes = objects.some((o) => o.kind === "node-probes");
      return pulumi
        .all([
          pulumi.all(
            podNames.map((name) => pulumi.all([this.pod(pods, name).podIP, this.pod(pods, name).nodeName])),
          ),
          withNodeProbes ? nodeProbePods : noProbes,
          cluster,
          pulumi.output(args.nodeProbeSkipReason),
          pulumi.all(
            serviceNames.map((name) => {
              const service = this.service(args.services, name);
              return pulumi.all([service.clusterIP, service.nodePort]);
            }),
          ),
        ])
        .apply(([podFacts, nodeProbes, clusterFacts, nodeProbeSkipReason, services]) => ({
          podIPs: Object.fromEntries(podNames.map((name, i) => [name, podFacts[i]?.[0] as string])),
          podNodes: Object.fromEntries(podNames.map((name, i) => [name, podFacts[i]?.[1] as string])),
          nodes: clusterFacts.nodes,
          nodeProbes,
          kubeDnsNodes: clusterFacts.kubeDnsNodes,
          ...(nodeProbeSkipReason === undefined ? {} : { nodeProbeSkipReason }),
          services: Object.fromEntries(
            serviceNames.map((name, i) => {
              const [clusterIP, nodePort] = services[i] as [string, number | undefined];
              return [name, nodePort === undefined ? { clusterIP } : { clusterIP, nodePort }];
            }),
          ),
        }));
    };
    const everything = [
      ...Object.keys(pods).map((name) => `pod:${name}`),
      ...Object.keys(args.services).map((name) => `service:${name}`),
      ...(this.nodeProbes === undefined ? [] : [NODE_PROBES_KEY]),
    ];
    const live = liveFactsAbout(everything);

    // What a check tests: its resources (to run after them) and the values whose change must rerun it
    // (a new pod has a new UID and IP, a recreated service a new ClusterIP).
    const tested = (key: string): { resource?: pulumi.Resource; triggers: pulumi.Output<unknown>[] } => {
      const { kind, name } = testedObject(key);
      if (kind === "node-probes") {
        // Without node probes (hostNetwork forbidden) the node checks are skipped: nothing to wait for.
        const probes = this.nodeProbes;
        return probes === undefined
          ? { triggers: [] }
          : { resource: probes, triggers: [probes.uid, probes.podsByNode] };
      }
      if (kind === "pod") {
        const pod = this.pod(pods, name);
        return { resource: pod, triggers: [pod.uid, pod.podIP] };
      }
      const service = this.service(args.services, name);
      // A changed port or target port updates a Service in place, with the same UID and ClusterIP.
      return { resource: service, triggers: [service.uid, service.clusterIP, service.service.spec.ports] };
    };

    // One command per group of checks that test the same objects (lib/checks/groups.ts).
    this.commands = {};
    const runs: pulumi.Output<CheckRun[]>[] = [];
    const leftOut = new Set(args.leaveOut ?? []);
    const shapes = planChecks(topology, UNRESOLVED_FACTS).filter((p) => !leftOut.has(p.id));
    for (const group of groupChecks(shapes)) {
      const plans = liveFactsAbout(group.tests).apply((facts) => {
        const all = planChecks(topology, facts);
        return group.ids.map((id) => {
          const found = all.find((p) => p.id === id);
          if (found === undefined) throw new Error(`check ${id} disappeared once the lab's facts were known`);
          return found;
        });
      });
      const layout = plans.apply(distinctSteps);
      const objects = group.tests.map(tested);
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
      runs.push(
        pulumi.all([plans, layout, check.stdout]).apply(([all, l, stdout]) => {
          const results = parseRunnerOutput(stdout);
          return all.map((plan, i) => ({
            plan,
            steps: (l.indices[i] ?? []).map((index) => results[index] as StepResult),
          }));
        }),
      );
    }

    // In plan order, as the report and the outputs list the checks.
    const order = new Map(shapes.map((shape, i) => [shape.id, i]));
    const allRuns = pulumi
      .all(runs)
      .apply((groups) =>
        groups.flat().sort((a, b) => (order.get(a.plan.id) ?? 0) - (order.get(b.plan.id) ?? 0)),
      );
    this.results = allRuns.apply((all) => all.map((run) => judgeCheck(run.plan, run.steps)));
    this.summary = this.results.apply(summarize);
    this.report = this.results.apply((results) => formatReport(results, args.leaveOut ?? []));
    this.facts = pulumi.all([live, allRuns]).apply(([facts, all]) => ({ ...facts, ...discoveredFacts(all) }));

    const labPods = Object.values(args.pods);
    const labServices = Object.values(args.services);
    this.diagram = pulumi
      .all([
        this.facts,
        this.results,
        pulumi.all(labPods.map((pod) => pulumi.all([pod.podName, pod.nodeName, pod.podIP]))),
        pulumi.all(
          labServices.map((service) =>
            pulumi.all([service.service.spec.type, service.clusterIP, service.nodePort]),
          ),
        ),
        pulumi.output(args.namespace),
      ])
      .apply(([facts, results, podFacts, serviceFacts, namespace]) =>
        formatDiagram({
          namespace,
          nodes: facts.nodes.map(({ name, internalIP }) => ({ name, internalIP })),
          pods: labPods.map((pod, i) => {
            const [name, node, ip] = podFacts[i] as [string, string, string];
            return { name, node, ip, containers: pod.containerNames };
          }),
          services: labServices.map((service, i) => {
            const [type, clusterIP, nodePort] = serviceFacts[i] as [string, string, number | undefined];
            const target = topology.services.find((s) => s.name === service.serviceName)?.target.pod;
            return {
              name: service.serviceName,
              type,
              clusterIP,
              port: service.port,
              targetPort: service.targetPort,
              ...(nodePort === undefined ? {} : { nodePort }),
              selects: target === undefined ? [] : [target],
            };
          }),
          ...(facts.kubeDnsIP === undefined ? {} : { kubeDnsIP: facts.kubeDnsIP }),
          ...(facts.apiServiceIP === undefined ? {} : { apiServiceIP: facts.apiServiceIP }),
          results,
        }),
      );
    this.junit = this.results.apply((results) => formatJUnit(results));

    this.strictGate = args.strict
      ? new command.local.Command(
          "strict-gate",
          {
            create: STRICT_GATE_SCRIPT,
            environment: this.results.apply(strictGateEnvironment),
            triggers: [args.run],
          },
          { parent: this, dependsOn: Object.values(this.commands) },
        )
      : undefined;

    this.registerOutputs({
      results: this.results,
      summary: this.summary,
      report: this.report,
      facts: this.facts,
      diagram: this.diagram,
      junit: this.junit,
    });
  }

  private pod(pods: Record<string, MultiContainerPod>, name: string): MultiContainerPod {
    const pod = pods[name];
    if (pod === undefined) throw new Error(`a check tests pod ${name}, which the lab does not have`);
    return pod;
  }

  private service(services: Record<string, ExposedService>, name: string): ExposedService {
    const service = services[name];
    if (service === undefined) throw new Error(`a check tests service ${name}, which the lab does not have`);
    return service;
  }
}
