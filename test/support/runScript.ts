// Runs a runner script with sh against the fake kubectl, as the command provider would.
import { fakeKubectlEnv, runInScriptHost, type Scenario, WORLD } from "./fakeCluster";

export async function runWithFakeKubectl(
  script: string,
  scenario: Scenario,
  extraEnv: Record<string, string> = {},
): Promise<string> {
  const env = {
    ...process.env,
    ...fakeKubectlEnv(scenario, {
      namespace: WORLD.namespace,
      nodeIP: WORLD.nodeIP,
      pods: {
        "pod-demo": { ip: WORLD.podIPs["pod-demo"], serves: WORLD.serves["pod-demo"] },
        "pod-nginx": { ip: WORLD.podIPs["pod-nginx"], serves: WORLD.serves["pod-nginx"] },
      },
      services: {
        "svc-clusterip-nginx": { clusterIP: "10.96.203.5", port: 80, targetPort: "80", pod: "pod-nginx" },
      },
    }),
    ...extraEnv,
  };
  const { stdout } = await runInScriptHost(script, env, 60_000);
  return stdout;
}
