// The lab's shape as the checks see it, derived from the validated config.
import type { DepthLab, IngressLab, LabTopology, ServerRef, ServiceRef } from "./checks/lab";
import type { LabConfig } from "./config";
import { BACKENDS, DEPTH_REQUESTS, DEPTH_SERVICE_PORT, DEPTH_SERVICES, LARGE_BODY } from "./serviceDepth";
import { DNS_PROBE, NODE_PROBE, POD_DEMO, POD_HTTPD, POD_NGINX } from "./tutorial";

const HTTPD_SERVER: ServerRef = {
  pod: POD_HTTPD.podName,
  container: POD_HTTPD.container,
  port: POD_HTTPD.port,
  kind: "httpd",
  tool: "bash-tcp",
};
const NGINX_SERVER: ServerRef = {
  pod: POD_NGINX.podName,
  container: POD_NGINX.container,
  port: POD_NGINX.port,
  kind: "nginx",
  tool: "bash-tcp",
};

/**
 * The services lab's one Service besides the tutorial's two (which stay exactly as `kubectl expose` makes
 * them): pod-nginx again, asking for both families, so that a dual-stack cluster gives it an IPv6 ClusterIP.
 */
export const DUAL_STACK_SERVICE = {
  name: "svc-dualstack-nginx",
  port: POD_NGINX.port,
  targetPort: POD_NGINX.port,
  ipFamilyPolicy: "PreferDualStack",
} as const;

export function labTopology(config: LabConfig): LabTopology {
  const has = (lab: LabConfig["labs"][number]) => config.labs.includes(lab);
  const services = has("services")
    ? [
        { ...config.services.httpd, target: { ...HTTPD_SERVER, port: config.services.httpd.targetPort } },
        { ...config.services.nginx, target: { ...NGINX_SERVER, port: config.services.nginx.targetPort } },
      ].map(({ name, type, port, target }) => ({ name, type, port, target }))
    : [];
  const needsNodeProbe = has("eg1") || has("service-depth") || services.some((s) => s.type === "NodePort");
  return {
    namespace: config.namespace,
    clusterDomain: config.clusterDomain,
    kubectl: {
      kubeconfig: config.kubeconfig,
      context: config.context,
      requestTimeoutSeconds: config.checks.execTimeoutSeconds,
    },
    timeouts: {
      connectTimeoutSeconds: config.checks.connectTimeoutSeconds,
      maxTimeSeconds: config.checks.maxTimeSeconds,
    },
    closedPort: config.checks.closedPort,
    demo: has("eg1")
      ? {
          pod: POD_DEMO.podName,
          server: {
            pod: POD_DEMO.podName,
            container: POD_DEMO.server.container,
            port: POD_DEMO.server.port,
            kind: "httpd",
            tool: "curl",
          },
          client: { pod: POD_DEMO.podName, container: POD_DEMO.client.container },
          containers: [POD_DEMO.server.container, POD_DEMO.client.container],
        }
      : undefined,
    pair: has("eg2") ? { first: HTTPD_SERVER, second: NGINX_SERVER } : undefined,
    services,
    depth: has("service-depth") ? depthLab(services) : undefined,
    ingress: has("ingress") ? ingressLab(config, services) : undefined,
    dualStack: has("services")
      ? {
          service: {
            name: DUAL_STACK_SERVICE.name,
            type: "ClusterIP",
            port: DUAL_STACK_SERVICE.port,
            target: { ...NGINX_SERVER, port: DUAL_STACK_SERVICE.targetPort },
          },
        }
      : undefined,
    probes: {
      node: needsNodeProbe
        ? { container: NODE_PROBE.container, ...(config.nodeProbes === "all" ? { everyNode: true } : {}) }
        : undefined,
      dns: { pod: DNS_PROBE.podName, container: DNS_PROBE.container },
    },
  };
}

/** service-depth's backends, Services and client; the hairpin through the tutorial's NodePort Service. */
function depthLab(services: readonly ServiceRef[]): DepthLab {
  const hairpinService = services.find((s) => s.type === "NodePort" && s.target.pod === POD_HTTPD.podName);
  return {
    backends: [
      { pod: BACKENDS.first, container: BACKENDS.container },
      { pod: BACKENDS.second, container: BACKENDS.container },
    ],
    backendPort: BACKENDS.port,
    services: { ...DEPTH_SERVICES },
    servicePort: DEPTH_SERVICE_PORT,
    client: { pod: POD_DEMO.podName, container: POD_DEMO.client.container },
    requests: DEPTH_REQUESTS,
    largeBody: { ...LARGE_BODY },
    ...(hairpinService === undefined
      ? {}
      : { hairpin: { server: hairpinService.target, service: hairpinService } }),
  };
}

/** The ingress lab: its routes land on the tutorial's two Services; requests come from cntr-centos (curl). */
function ingressLab(config: LabConfig, services: readonly ServiceRef[]): IngressLab | undefined {
  const httpd = services.find((s) => s.target.kind === "httpd");
  const nginx = services.find((s) => s.target.kind === "nginx");
  // The config's rules make "ingress" need "services", which exposes both.
  if (httpd === undefined || nginx === undefined) return undefined;
  const { address, domain, addressWaitSeconds } = config.ingress;
  return {
    domain,
    backends: { httpd, nginx },
    client: { pod: POD_DEMO.podName, container: POD_DEMO.client.container },
    ...(address === undefined ? {} : { address }),
    addressWaitSeconds,
  };
}
