// k8s-networking-lab: the environments of the tutorial "Networking Basics", then a check of each claim.
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConnectivityChecks } from "./components/ConnectivityChecks";
import { ExposedService } from "./components/ExposedService";
import { MultiContainerPod, PART_OF_LABEL, PART_OF_VALUE } from "./components/MultiContainerPod";
import { PodPair } from "./components/PodPair";
import { summarize } from "./lib/checks/report";
import { connectLatency } from "./lib/checks/timing";
import { discoveryCommand, parseDiscovery } from "./lib/cluster";
import { ENFORCE_LABEL, labProblem, nodeProbeSkipReason } from "./lib/podSecurity";
import { namespaceLevel, preflightProblem } from "./lib/preflight";
import { readLabConfig, selectedChecks } from "./lib/stackConfig";
import { labTopology } from "./lib/topology";
import { POD_DEMO, POD_HTTPD, POD_NGINX, STOP_GRACE_SECONDS } from "./lib/tutorial";

// What the configuration alone decides, checked as the program loads: bad values stop it at once.
const config = readLabConfig();
// A level the lab cannot run under, as configured.
const configuredLevelProblem = labProblem(config.podSecurity ?? "privileged");
if (configuredLevelProblem !== undefined) throw new pulumi.RunError(configuredLevelProblem);
const topology = labTopology(config);
// checksOnly / checksSkip: the checks left out are not created at all.
const selection = selectedChecks(topology, config.checks);
const labOn = (lab: (typeof config.labs)[number]) => config.labs.includes(lab);

/** The lab: `pulumi up` runs it and exports what it returns as the stack's outputs. */
function lab(): ReturnType<typeof buildLab> {
  return buildLab();
}
export = lab;

async function buildLab() {
  // The cluster: its nodes, where kube-dns runs and what the lab's namespace already holds, read before
  // anything is registered.
  const found = parseDiscovery(
    (
      await command.local.run({
        command: discoveryCommand(topology.kubectl, config.namespace),
        // The JSON is read by the program, not shown to the user.
        logging: "none",
      })
    ).stdout,
  );
  const clusterFacts = found.cluster;
  // A placement the cluster cannot honour, a Pod Security level that would reject the lab's pods, or objects
  // of the lab's names made by hand: stop before anything is registered.
  const problem = preflightProblem(config, topology, found, { key: PART_OF_LABEL, value: PART_OF_VALUE });
  if (problem !== undefined) throw stop(problem);
  const podSecurity = namespaceLevel(config, found);

  const cluster = new k8s.Provider("cluster", {
    kubeconfig: config.kubeconfig,
    context: config.context,
    // An object of the lab that exists already is adopted instead of failing with AlreadyExists: one that a
    // killed `pulumi up` created but never recorded, or, with upsertExisting, a namespace made by hand. Other
    // objects made by hand never get this far: the check above stops the update first.
    upsertExistingObjects: true,
  });
  const inCluster: pulumi.ComponentResourceOptions = { providers: [cluster] };

  // The lab's own namespace: `pulumi destroy` removes everything in it.
  const namespace = config.createNamespace
    ? new k8s.core.v1.Namespace(
        "lab-namespace",
        {
          metadata: {
            name: config.namespace,
            labels: {
              [PART_OF_LABEL]: PART_OF_VALUE,
              ...(config.podSecurity === undefined ? {} : { [ENFORCE_LABEL]: config.podSecurity }),
            },
          },
        },
        { provider: cluster },
      ).metadata.name
    : config.namespace;

  // eg1, a pod's internal networking: two containers, one network; cntr-centos curls cntr-httpd on localhost.
  const podDemo = labOn("eg1")
    ? new MultiContainerPod(
        POD_DEMO.podName,
        {
          namespace,
          labels: { ...POD_DEMO.labels },
          imagePullPolicy: config.imagePullPolicy,
          terminationGracePeriodSeconds: STOP_GRACE_SECONDS,
          startTimeoutSeconds: config.podStartTimeoutSeconds,
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
        inCluster,
      )
    : undefined;

  // eg2, pod-to-pod networking: pod-httpd and pod-nginx reach each other by pod IP, across nodes when the
  // cluster has several.
  const podPair = labOn("eg2")
    ? new PodPair(
        "eg2",
        {
          namespace,
          imagePullPolicy: config.imagePullPolicy,
          placement: config.placement,
          startTimeoutSeconds: config.podStartTimeoutSeconds,
          first: {
            podName: POD_HTTPD.podName,
            containerName: POD_HTTPD.container,
            image: config.images.httpd,
          },
          second: {
            podName: POD_NGINX.podName,
            containerName: POD_NGINX.container,
            image: config.images.nginx,
          },
        },
        inCluster,
      )
    : undefined;

  // `kubectl expose pod`: pod-httpd as a NodePort service, pod-nginx as a ClusterIP service.
  const exposed =
    podPair === undefined || !labOn("services")
      ? []
      : [
          { settings: config.services.httpd, target: podPair.first },
          { settings: config.services.nginx, target: podPair.second },
        ].map(
          ({ settings, target }) =>
            new ExposedService(
              settings.name,
              {
                namespace,
                serviceName: settings.name,
                type: settings.type,
                port: settings.port,
                targetPort: settings.targetPort,
                nodePort: settings.nodePort,
                selector: target.selector,
                clusterDomain: config.clusterDomain,
              },
              inCluster,
            ),
        );

  // The checks: every claim of the tutorial, tried on the live cluster after the objects it is about.
  const connectivity = config.checks.enabled
    ? new ConnectivityChecks(
        "checks",
        {
          topology,
          leaveOut: selection.leftOut,
          nodeProbeSkipReason: nodeProbeSkipReason(podSecurity, config.namespace),
          namespace,
          pods: Object.fromEntries(
            [podDemo, podPair?.first, podPair?.second].flatMap((pod) =>
              pod === undefined ? [] : [[pod.podName, pod] as const],
            ),
          ),
          services: Object.fromEntries(exposed.map((service) => [service.serviceName, service])),
          clientImage: config.images.client,
          dnsToolsImage: config.images.dnsTools,
          imagePullPolicy: config.imagePullPolicy,
          startTimeoutSeconds: config.podStartTimeoutSeconds,
          cluster: clusterFacts,
          runner: {
            execTimeoutSeconds: config.checks.execTimeoutSeconds,
            execAttempts: config.checks.execAttempts,
            retryDelaySeconds: 2,
            kubeProxySettleSeconds: config.checks.kubeProxySettleSeconds,
          },
          run: config.checks.run,
          strict: config.checks.strict,
        },
        inCluster,
      )
    : undefined;

  const labNamespace = namespace;
  const labs = config.labs;
  const pods = [podDemo, podPair?.first, podPair?.second].flatMap((pod) =>
    pod === undefined
      ? []
      : [
          {
            name: pod.podName,
            ip: pod.podIP,
            node: pod.nodeName,
            hostIP: pod.hostIP,
            containers: pod.containerNames,
            portOwners: pod.portOwners,
          },
        ],
  );
  const serviceEndpoints = exposed.map((service) => ({
    name: service.serviceName,
    clusterIP: service.clusterIP,
    port: service.port,
    targetPort: service.targetPort,
    nodePort: service.nodePort,
    dnsNames: service.dnsNames,
  }));
  const checks = connectivity?.results;
  const summary = connectivity?.results.apply((results) => {
    const { passed, failed, skipped, total } = summarize(results);
    return {
      passed,
      failed,
      skipped,
      total,
      leftOut: selection.leftOut.length,
      medianConnectMs: connectLatency(results),
      latencyNote:
        "median TCP connect time of the passed HTTP checks per kind of path: one probe each, not a benchmark",
    };
  });
  const report = connectivity?.report;
  const facts = connectivity?.facts;
  const diagram = connectivity?.diagram;
  const junit = connectivity?.junit;

  return { labNamespace, labs, pods, serviceEndpoints, checks, summary, report, facts, diagram, junit };
}

/**
 * The error that stops the program with its message alone. Its stack is set at once: computed when the
 * engine reports the error, through the source maps ts-node registers, it took about half a minute of
 * CPU.
 */
function stop(message: string): pulumi.RunError {
  const error = new pulumi.RunError(message);
  error.stack = message;
  return error;
}
