// The cluster the tests pretend to have, and the fake kubectl that answers for it: scripts run with sh in
// a small script host (scriptHost.mjs) that also answers the fake kubectl's calls.
import { type ChildProcess, fork } from "node:child_process";
import * as path from "node:path";

export const FAKE_KUBECTL_DIR = path.resolve(__dirname, "bin");

/** The cluster the mocks pretend to be: addresses match those in the captured fixtures. */
export const WORLD = {
  namespace: "netlab",
  nodeName: "node-1",
  nodeIP: "172.18.0.2",
  /** The nodes of a two-node cluster; a one-node cluster has the first. */
  nodes: [
    { name: "node-1", internalIP: "172.18.0.2" },
    { name: "node-2", internalIP: "172.18.0.3" },
  ],
  /** Where pods go on two nodes when nothing pins them: pod-nginx apart from pod-httpd. */
  secondNodePods: ["pod-nginx", "pod-backend-b"],
  podIPs: {
    "pod-demo": "10.244.0.7",
    "pod-httpd": "10.244.1.10",
    "pod-nginx": "10.244.1.11",
    "netlab-dns-probe": "10.244.0.20",
    "pod-backend-a": "10.244.0.30",
    "pod-backend-b": "10.244.1.31",
  } as Record<string, string>,
  /** Each pod's IPv6 address on a dual-stack cluster (MockOptions.dualStack), in the e2e cluster's ranges. */
  podIPv6s: {
    "pod-demo": "fd00:10:244::7",
    "pod-httpd": "fd00:10:244:1::a",
    "pod-nginx": "fd00:10:244:1::b",
    "netlab-dns-probe": "fd00:10:244::14",
    "pod-backend-a": "fd00:10:244::1e",
    "pod-backend-b": "fd00:10:244:1::1f",
  } as Record<string, string>,
  serves: {
    "pod-demo": { "80": "httpd" },
    "pod-httpd": { "80": "httpd" },
    "pod-nginx": { "80": "nginx" },
    "pod-backend-a": { "8080": "agnhost" },
    "pod-backend-b": { "8080": "agnhost" },
  } as Record<string, Record<string, string>>,
  serviceIPs: {
    "svc-nodeport-httpd": "10.96.41.17",
    "svc-clusterip-nginx": "10.96.203.5",
    "svc-dualstack-nginx": "10.96.91.153",
  } as Record<string, string>,
  /** The IPv6 ClusterIP of a Service that asks for both families, on a dual-stack cluster. */
  serviceIPv6s: { "svc-dualstack-nginx": "fd00:10:96::56a6" } as Record<string, string>,
};

/**
 * The first `count` nodes of a pretended cluster: WORLD's two, then node-3, node-4, ... with addresses that
 * go on from theirs (172.18.0.4, ...), for plans of large clusters.
 */
export function worldNodes(count: number): { name: string; internalIP: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const address = i + 2;
    return WORLD.nodes[i] ?? { name: `node-${i + 1}`, internalIP: `172.18.${address >> 8}.${address & 255}` };
  });
}

export type Scenario = "healthy" | "broken" | "hang" | "transport";

/** The variables under which a script's `kubectl` is the fake one, answering for `world` in `scenario`. */
export function fakeKubectlEnv(scenario: Scenario, world: object): Record<string, string> {
  return {
    PATH: `${FAKE_KUBECTL_DIR}:${process.env.PATH ?? ""}`,
    FAKE_KUBECTL_SCENARIO: scenario,
    FAKE_KUBECTL_WORLD: JSON.stringify(world),
  };
}

export interface ScriptOutput {
  stdout: string;
  stderr: string;
}

interface HostReply {
  id: number;
  error: { code: number | string | null; signal: string | null } | null;
  stdout: string;
  stderr: string;
}

/** One script host per worker, on globalThis: program runs reset the module registry. */
interface ScriptHost {
  child?: ChildProcess;
  nextRequest: number;
  waiting: Map<number, (reply: HostReply) => void>;
}
const shared = globalThis as { netlabScriptHost?: ScriptHost };
const worker: ScriptHost = (shared.netlabScriptHost ??= { nextRequest: 0, waiting: new Map() });

/** The small process that spawns the scripts (test/support/scriptHost.mjs), started once per worker. */
function host(): ChildProcess {
  if (worker.child === undefined) {
    const child = fork(path.resolve(__dirname, "scriptHost.mjs"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("message", (reply: HostReply) => {
      worker.waiting.get(reply.id)?.(reply);
      worker.waiting.delete(reply.id);
    });
    // The worker's own life decides when it ends, not this helper's.
    child.unref();
    child.channel?.unref();
    worker.child = child;
  }
  return worker.child;
}

/** Runs `script` with sh in the script host, which also answers for the fake kubectl; rejects on a non-zero exit. */
export function runInScriptHost(
  script: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ScriptOutput> {
  return new Promise((resolve, reject) => {
    const id = worker.nextRequest++;
    worker.waiting.set(id, ({ error, stdout, stderr }) => {
      if (error !== null)
        reject(
          new Error(`exit status ${error.code}: running ${JSON.stringify(script.slice(0, 60))}: ${stderr}`),
        );
      else resolve({ stdout, stderr });
    });
    host().send({ id, script, env, timeout: timeoutMs });
  });
}
