// k8s-networking-lab: the environments of the tutorial "Networking Basics", then a check of each claim.
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConnectivityChecks } from "./components/ConnectivityChecks";
import { ExposedService, type ExposedServiceArgs } from "./components/ExposedService";
import { IngressRoutes } from "./components/IngressRoutes";
import { MultiContainerPod } from "./components/MultiContainerPod";
import { PAIR_LABEL, PodPair } from "./components/PodPair";
import { connectLatency } from "./lib/checks/timing";
import { clusterProblem } from "./lib/access";
import { type Discovery, discoveryOf } from "./lib/cluster";
import { discoveryCommand, parseReads } from "./lib/clusterReads";
import { LabConfigError } from "./lib/config";
import {
  clientDnsFor,
  exerciseLab,
  exerciseOf,
  exercisePlan,
  selectorFor,
  withExercise,
} from "./lib/exercises";
import { frontClasses } from "./lib/ingress";
import { PART_OF, PART_OF_LABEL, PART_OF_VALUE } from "./lib/labels";
import { askedNodePorts, nodePortProblem, requestedNodePort } from "./lib/nodePorts";
import { ENFORCE_LABEL, labProblem, nodeProbeSkipReason } from "./lib/podSecurity";
import { namespaceLevel, preflightProblem } from "./lib/preflight";
import { BACKENDS, DEPTH_SERVICE_PORT, DEPTH_SERVICES, NOWHERE_SELECTOR } from "./lib/serviceDepth";
import { labConfigOf, selectedChecks } from "./lib/stackConfig";
import { DUAL_STACK_SERVICE, labTopology } from "./lib/topology";
import { POD_DEMO, POD_HTTPD, POD_NGINX, STOP_GRACE_SECONDS } from "./lib/tutorial";

// What the configuration alone decides, checked as the program loads: bad values stop it at once.
// A break-it exercise's mistake in a Service's settings is part of the config from here on, so that the checks
// and the outputs describe the Service as deployed.
const config = withExercise(orStop(() => labConfigOf(pulumi.runtime.allConfig(), pulumi.getProject())));
// The break-it exercise switched on, if any: the objects below carry its mistake, the checks judge it.
const mistake = exerciseOf(config);
// A level the lab cannot run under, as configured.
const configuredLevelProblem = labProblem(config.podSecurity ?? "privileged");
if (configuredLevelProblem !== undefined) throw stop(configuredLevelProblem);
const topology = labTopology(config);
// checksOnly / checksSkip: the checks left out are not created at all.
const selection = orStop(() => selectedChecks(topology, config.checks));
const labOn = (lab: (typeof config.labs)[number]) => config.labs.includes(lab);

/** The lab: `pulumi up` runs it and exports what it returns as the stack's outputs. */
async function lab(): Promise<ReturnType<typeof stackOutputs>> {
  // The cluster as it is before anything is registered: a problem found there stops the update here.
  const found = await discoverCluster();
  const problem = preflightProblem(config, topology, found, { key: PART_OF_LABEL, value: PART_OF_VALUE });
  if (problem !== undefined) throw stop(problem);

  const provider = clusterProvider();
  const inCluster: pulumi.ComponentResourceOptions = { providers: [provider] };
  const namespace = labNamespace(provider);
  // eg1, a pod's internal networking: two containers, one network; cntr-centos curls cntr-httpd on localhost.
  const podDemo = labOn("eg1") ? twoContainerPod(namespace, inCluster) : undefined;
  // eg2, pod-to-pod networking: pod-httpd and pod-nginx reach each other by pod IP, across nodes when the
  // cluster has several.
  const podPair = labOn("eg2") ? twoServerPods(namespace, inCluster) : undefined;
  // `kubectl expose pod`: pod-httpd as a NodePort service, pod-nginx as a ClusterIP service; and pod-nginx
  // once more, on a Service that asks for both IP families, for the checks over IPv6.
  const exposed = podPair !== undefined && labOn("services") ? exposePods(podPair, namespace, inCluster) : [];
  // The next chapter, Services in depth: two agnhost backends behind Services that show what they promise.
  const backends = labOn("service-depth") ? backendPods(namespace, inCluster) : undefined;
  const depthServices = backends === undefined ? [] : servicesInDepth(backends, namespace, inCluster);
  // The chapter after that, Ingress: routes by host and path to the tutorial's two Services, through the
  // cluster's ingress controller, and as HTTPRoutes of a Gateway where the cluster serves the Gateway API.
  const routes = labOn("ingress") ? ingressRoutes(found, exposed, namespace, inCluster) : undefined;
  // The checks: every claim of the tutorial, tried on the live cluster after the objects it is about.
  const pods = [podDemo, podPair?.first, podPair?.second, backends?.first, backends?.second].flatMap((pod) =>
    pod === undefined ? [] : [pod],
  );
  const services = [...exposed, ...depthServices];
  const checks = config.checks.enabled
    ? checkEveryClaim(found, namespace, pods, services, routes, inCluster)
    : undefined;
  return stackOutputs(namespace, pods, services, checks);
}
export = lab;

/**
 * The cluster's nodes, where kube-dns runs, what the lab's namespace already holds, which node ports are
 * taken and what the credentials may not read. A cluster the lab cannot work with stops the update here.
 */
async function discoverCluster(): Promise<Discovery> {
  const answer = await command.local.run({
    command: discoveryCommand(
      topology.kubectl,
      config.namespace,
      askedNodePorts(config.services),
      labOn("ingress"),
    ),
    // The answers are read by the program, not shown to the user.
    logging: "none",
  });
  const answers = parseReads(answer.stdout);
  const problem = clusterProblem(answers, topology.kubectl, config.namespace);
  if (problem !== undefined) throw stop(problem);
  const found = discoveryOf(answers, config.namespace);
  for (const [key, service] of Object.entries(config.services)) {
    const taken = nodePortProblem(key, service, config.namespace, found.nodePorts);
    if (taken !== undefined) throw stop(taken);
  }
  return found;
}

function clusterProvider(): k8s.Provider {
  return new k8s.Provider("cluster", {
    kubeconfig: config.kubeconfig,
    context: config.context,
    // An object of the lab that exists already is adopted instead of failing with AlreadyExists: one that a
    // killed `pulumi up` created but never recorded, or, with upsertExisting, a namespace made by hand. Other
    // objects made by hand never get this far: the preflight stops the update first.
    upsertExistingObjects: true,
  });
}

/** The lab's own namespace: `pulumi destroy` removes everything in it. */
function labNamespace(provider: k8s.Provider): pulumi.Input<string> {
  if (!config.createNamespace) return config.namespace;
  const labels = {
    ...PART_OF,
    ...(config.podSecurity === undefined ? {} : { [ENFORCE_LABEL]: config.podSecurity }),
  };
  return new k8s.core.v1.Namespace(
    "lab-namespace",
    { metadata: { name: config.namespace, labels } },
    { provider },
  ).metadata.name;
}

function twoContainerPod(
  namespace: pulumi.Input<string>,
  opts: pulumi.ComponentResourceOptions,
): MultiContainerPod {
  return new MultiContainerPod(
    POD_DEMO.podName,
    {
      namespace,
      labels: { ...POD_DEMO.labels },
      imagePullPolicy: config.imagePullPolicy,
      terminationGracePeriodSeconds: STOP_GRACE_SECONDS,
      startTimeoutSeconds: config.podStartTimeoutSeconds,
      dns: clientDnsFor(mistake, exerciseLab(config)),
      containers: [
        { name: POD_DEMO.server.container, image: config.images.httpd, ports: [POD_DEMO.server.port] },
        {
          name: POD_DEMO.client.container,
          image: config.images.client,
          command: [...POD_DEMO.client.command],
          args: [...POD_DEMO.client.args],
          dropAllCapabilities: true,
        },
      ],
    },
    opts,
  );
}

function twoServerPods(namespace: pulumi.Input<string>, opts: pulumi.ComponentResourceOptions): PodPair {
  return new PodPair(
    "eg2",
    {
      namespace,
      imagePullPolicy: config.imagePullPolicy,
      placement: config.placement,
      startTimeoutSeconds: config.podStartTimeoutSeconds,
      first: { podName: POD_HTTPD.podName, containerName: POD_HTTPD.container, image: config.images.httpd },
      second: { podName: POD_NGINX.podName, containerName: POD_NGINX.container, image: config.images.nginx },
    },
    opts,
  );
}

/** service-depth's two backends: agnhost netexec, on different nodes when the cluster has several. */
function backendPods(namespace: pulumi.Input<string>, opts: pulumi.ComponentResourceOptions): PodPair {
  const backend = (podName: string) => ({
    podName,
    containerName: BACKENDS.container,
    image: config.images.agnhost,
    port: BACKENDS.port,
    args: [...BACKENDS.args],
  });
  return new PodPair(
    BACKENDS.pair,
    {
      namespace,
      imagePullPolicy: config.imagePullPolicy,
      placement: config.placement,
      startTimeoutSeconds: config.podStartTimeoutSeconds,
      first: backend(BACKENDS.first),
      second: backend(BACKENDS.second),
    },
    opts,
  );
}

/** The Services of service-depth: over both backends, sticky, Local to the first, and over none. */
function servicesInDepth(
  backends: PodPair,
  namespace: pulumi.Input<string>,
  opts: pulumi.ComponentResourceOptions,
): ExposedService[] {
  const both = { [PAIR_LABEL]: BACKENDS.pair };
  const service = (
    name: string,
    selector: Record<string, string>,
    settings: Partial<Pick<ExposedServiceArgs, "type" | "sessionAffinity" | "externalTrafficPolicy">>,
  ) =>
    new ExposedService(
      name,
      {
        namespace,
        serviceName: name,
        type: settings.type ?? "ClusterIP",
        port: DEPTH_SERVICE_PORT,
        targetPort: BACKENDS.port,
        selector,
        clusterDomain: config.clusterDomain,
        ...settings,
      },
      opts,
    );
  // Node ports are left to Kubernetes: several labs on one cluster never collide on them.
  return [
    service(DEPTH_SERVICES.spread, both, { type: "NodePort", externalTrafficPolicy: "Cluster" }),
    service(DEPTH_SERVICES.sticky, both, { sessionAffinity: "ClientIP" }),
    service(DEPTH_SERVICES.local, backends.first.selector, {
      type: "NodePort",
      externalTrafficPolicy: "Local",
    }),
    service(DEPTH_SERVICES.nowhere, NOWHERE_SELECTOR, {}),
  ];
}

/** The Ingress and Gateway of the ingress lab, for the classes the cluster has (or the ones configured). */
function ingressRoutes(
  found: Discovery,
  exposed: ExposedService[],
  namespace: pulumi.Input<string>,
  opts: pulumi.ComponentResourceOptions,
): IngressRoutes {
  const target = (name: string) => {
    const service = exposed.find((s) => s.serviceName === name);
    if (service === undefined)
      throw new Error(`the ingress lab routes to ${name}, which the lab does not have`);
    return { serviceName: service.service.metadata.name, port: service.port };
  };
  const { address, domain, addressWaitSeconds } = config.ingress;
  return new IngressRoutes(
    "ingress",
    {
      namespace,
      namespaceName: config.namespace,
      domain,
      backends: { httpd: target(config.services.httpd.name), nginx: target(config.services.nginx.name) },
      classes: frontClasses(found, config.ingress, config.namespace),
      ...(address === undefined ? {} : { address }),
      addressWaitSeconds,
      kubectl: topology.kubectl,
    },
    opts,
  );
}

function exposePods(
  pair: PodPair,
  namespace: pulumi.Input<string>,
  opts: pulumi.ComponentResourceOptions,
): ExposedService[] {
  const exposures = [
    { exposed: "httpd", settings: config.services.httpd, target: pair.first },
    { exposed: "nginx", settings: config.services.nginx, target: pair.second },
  ] as const;
  const tutorial = exposures.map(
    ({ exposed, settings, target }) =>
      new ExposedService(
        settings.name,
        {
          namespace,
          serviceName: settings.name,
          type: settings.type,
          port: settings.port,
          targetPort: settings.targetPort,
          nodePort: requestedNodePort(settings.nodePort),
          selector: selectorFor(mistake, exposed, target.selector),
          clusterDomain: config.clusterDomain,
        },
        opts,
      ),
  );
  return [...tutorial, dualStackService(pair, namespace, opts)];
}

/** svc-dualstack-nginx: pod-nginx on port 80, PreferDualStack (one ClusterIP on a single-stack cluster). */
function dualStackService(
  pair: PodPair,
  namespace: pulumi.Input<string>,
  opts: pulumi.ComponentResourceOptions,
): ExposedService {
  const { name, port, targetPort, ipFamilyPolicy } = DUAL_STACK_SERVICE;
  return new ExposedService(
    name,
    {
      namespace,
      serviceName: name,
      type: "ClusterIP",
      port,
      targetPort,
      selector: pair.second.selector,
      clusterDomain: config.clusterDomain,
      ipFamilyPolicy,
    },
    opts,
  );
}

function checkEveryClaim(
  found: Discovery,
  namespace: pulumi.Input<string>,
  pods: MultiContainerPod[],
  services: ExposedService[],
  routes: IngressRoutes | undefined,
  opts: pulumi.ComponentResourceOptions,
): ConnectivityChecks {
  return new ConnectivityChecks(
    "checks",
    {
      topology,
      leaveOut: selection.leftOut,
      nodeProbeSkipReason: nodeProbeSkipReason(namespaceLevel(config, found), config.namespace),
      namespace,
      pods: Object.fromEntries(pods.map((pod) => [pod.podName, pod])),
      services: Object.fromEntries(services.map((service) => [service.serviceName, service])),
      clientImage: config.images.client,
      dnsToolsImage: config.images.dnsTools,
      imagePullPolicy: config.imagePullPolicy,
      startTimeoutSeconds: config.podStartTimeoutSeconds,
      cluster: found.cluster,
      unread: found.unread,
      kubectlVersions: found.kubectl,
      nodeProbeSpread: config.nodeProbes,
      runner: {
        execTimeoutSeconds: config.checks.execTimeoutSeconds,
        execAttempts: config.checks.execAttempts,
        retryDelaySeconds: 2,
        kubeProxySettleSeconds: config.checks.kubeProxySettleSeconds,
      },
      run: config.checks.run,
      strict: config.checks.strict,
      exercise: exercisePlan(mistake, exerciseLab(config)),
      ...(routes === undefined ? {} : { fronts: routes }),
    },
    opts,
  );
}

function stackOutputs(
  namespace: pulumi.Input<string>,
  pods: MultiContainerPod[],
  services: ExposedService[],
  checks: ConnectivityChecks | undefined,
) {
  return {
    labNamespace: namespace,
    labs: config.labs,
    pods: pods.map(podOutput),
    serviceEndpoints: services.map(serviceOutput),
    checks: checks?.results,
    summary: checks === undefined ? undefined : summaryOutput(checks),
    report: checks?.report,
    facts: checks?.facts,
    diagram: checks?.diagram,
    walkthrough: checks?.walkthrough,
    junit: checks?.junit,
    exercise: checks?.exercise,
  };
}

function podOutput(pod: MultiContainerPod) {
  const { podName: name, podIP: ip, nodeName: node, hostIP, containerNames: containers, portOwners } = pod;
  return { name, ip, node, hostIP, containers, portOwners };
}

function serviceOutput(service: ExposedService) {
  const { serviceName: name, clusterIP, port, targetPort, nodePort, dnsNames } = service;
  return { name, clusterIP, port, targetPort, nodePort, dnsNames };
}

function summaryOutput(checks: ConnectivityChecks) {
  return pulumi
    .all([checks.summary, checks.results])
    .apply(([{ passed, failed, skipped, total }, results]) => ({
      passed,
      failed,
      skipped,
      total,
      leftOut: selection.leftOut.length,
      medianConnectMs: connectLatency(results),
      latencyNote:
        "median TCP connect time of the passed HTTP checks per kind of path: one probe each, not a benchmark",
    }));
}

/** Runs a step of reading the config; a bad value stops the program with its message alone. */
function orStop<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof LabConfigError) throw stop(error.message);
    throw error;
  }
}

/**
 * The error that stops the program with its message alone. Its stack is set at once: computed when the
 * engine reports the error, through the source maps ts-node registers, it is slow.
 */
function stop(message: string): pulumi.RunError {
  const error = new pulumi.RunError(message);
  error.stack = message;
  return error;
}
