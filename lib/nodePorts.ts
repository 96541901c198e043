// Node ports are cluster-wide: one Service in the whole cluster may hold each. Before anything is built, the
// lab sees which ports are held (every namespace's Services where it may list them, a server-side dry run in
// its own namespace where it may not) and stops on a taken one, naming its holder and the way out. "auto"
// leaves the pick to Kubernetes, which never races: the choice for a class. Pure.
import { firstLine, type ReadAnswer, type ReadName, READS, readFailure } from "./clusterReads";
import type { NodePortSetting, ServiceConfig } from "./config";

export interface NodePortHolder {
  namespace: string;
  service: string;
  port: number;
}

export interface NodePortFacts {
  /** Every Service's node ports, when the lab may list Services in every namespace. */
  cluster?: NodePortHolder[];
  /** The node ports of the Services in the lab's namespace, when it may list them. */
  namespace?: NodePortHolder[];
  /** The API server's answer to a dry run of each port asked for: taken or free (absent: no answer). */
  dryRuns: Record<number, { taken: boolean; said: string }>;
}

/** Reads NODE_PORTS_JSONPATH's lines: namespace, name and node ports. */
export function parseNodePortHolders(text: string): NodePortHolder[] {
  return text.split("\n").flatMap((line) => {
    const [namespace = "", service = "", ports = ""] = line.split("\t");
    return ports
      .split(" ")
      .filter((port) => /^\d+$/.test(port))
      .map((port) => ({ namespace, service, port: Number(port) }));
  });
}

const ALREADY_ALLOCATED = /already allocated/;
const DRY_RUN = /^dry_run_(\d+)$/;

/** The node ports held, as far as the discovery's answers tell. */
export function nodePortFacts(answers: Record<ReadName, ReadAnswer>): NodePortFacts {
  const listed = (name: ReadName): NodePortHolder[] | undefined => {
    const answer = answers[name];
    return answer !== undefined && readFailure(answer) === undefined
      ? parseNodePortHolders(answer.stdout)
      : undefined;
  };
  const dryRuns: NodePortFacts["dryRuns"] = {};
  for (const [name, answer] of Object.entries(answers)) {
    const port = DRY_RUN.exec(name)?.[1];
    if (port === undefined) continue;
    if (answer.exit === 0) dryRuns[Number(port)] = { taken: false, said: firstLine(answer.stdout) };
    else if (ALREADY_ALLOCATED.test(answer.stderr))
      dryRuns[Number(port)] = { taken: true, said: firstLine(answer.stderr) };
  }
  const cluster = listed(READS.nodePorts);
  const namespace = listed(READS.namespaceNodePorts);
  return {
    ...(cluster === undefined ? {} : { cluster }),
    ...(namespace === undefined ? {} : { namespace }),
    dryRuns,
  };
}

/** The node ports a config asks for by number: the ones the discovery tries with a dry run. */
export function askedNodePorts(services: Record<string, ServiceConfig>): number[] {
  return Object.values(services).flatMap((s) =>
    s.type === "NodePort" && typeof s.nodePort === "number" ? [s.nodePort] : [],
  );
}

const AUTO_HINT =
  'or "auto" to let Kubernetes pick a free one (pulumi config set --path services.<service>.nodePort auto)';

/**
 * Why a Service of the lab cannot have the node port it asks for, or undefined: another Service holds it.
 * A port the lab's own Service of that name holds already is its own.
 */
export function nodePortProblem(
  key: string,
  service: ServiceConfig,
  namespace: string,
  facts: NodePortFacts,
): string | undefined {
  const port = service.nodePort;
  if (service.type !== "NodePort" || typeof port !== "number") return undefined;
  const own = (h: NodePortHolder) => h.namespace === namespace && h.service === service.name;
  // Every namespace's holders first (they name the holder), then the lab namespace's own list.
  const holders = [...(facts.cluster ?? []), ...(facts.namespace ?? [])].filter((h) => h.port === port);
  if (holders.some(own)) return undefined;
  const holder = holders.find((h) => !own(h));
  const fix = `Choose a free port in 30000-32767, ${AUTO_HINT.replace("<service>", key)}.`;
  if (holder !== undefined) {
    return `services.${key}.nodePort: ${port} is already allocated to Service ${holder.namespace}/${holder.service}: a node port is cluster-wide, one Service in the whole cluster may hold it. ${fix}`;
  }
  const dryRun = facts.dryRuns[port];
  if (facts.cluster === undefined && dryRun?.taken === true) {
    return `services.${key}.nodePort: ${port} is already allocated to a Service in a namespace these credentials may not list (the API server said, to a dry run in ${namespace}: "${dryRun.said}"). ${fix}`;
  }
  return undefined;
}

/** The node port to ask Kubernetes for: the number configured, or none for "auto" (Kubernetes picks). */
export function requestedNodePort(setting: NodePortSetting | undefined): number | undefined {
  return typeof setting === "number" ? setting : undefined;
}
