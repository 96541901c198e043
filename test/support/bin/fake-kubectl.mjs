// A stand-in for kubectl in unit tests: answers `kubectl exec` and `kubectl get` of the lab's checks with
// real captured outputs (test/fixtures), the way a cluster described by $FAKE_KUBECTL_WORLD would, and
// with kubectl's own exit semantics ("command terminated with exit code N" on stderr). Loaded by the tests'
// script host (../scriptHost.mjs), which answers each call of `kubectl` next to it.
//
// $FAKE_KUBECTL_SCENARIO: "healthy" (every probe gets its real success output), "broken" (each probe gets a
// real failure output), "hang" (kubectl never returns), "transport" (kubectl fails before reaching the pod).
// $FAKE_KUBECTL_LOG: a file that gets one line per invocation (argv as JSON).
import { Buffer } from "node:buffer";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, URL } from "node:url";

/** The environment variables this stand-in reads: the script host hands them over with each call. */
export const VARIABLES = [
  "FAKE_KUBECTL_SCENARIO",
  "FAKE_KUBECTL_WORLD",
  "FAKE_KUBECTL_LOG",
  "FAKE_KUBECTL_NO_ENDPOINTS",
  "FAKE_KUBECTL_NO_BATCH",
  "FAKE_KUBECTL_ENDPOINTS_CHANGED",
];

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures");
const read = (group, file) => fs.readFileSync(path.join(fixtures, group, file), "utf8");
const captured = (group, name) => ({
  stdout: read(group, `${name}.stdout`),
  stderr: read(group, `${name}.stderr`),
  exit: Number(read(group, `${name}.exit`).trim()),
});
const answer = (stdout, stderr = "", exit = 0) => ({ stdout, stderr, exit });
/** Where Traefik answers on the e2e cluster, as its captured status says. */
const INGRESS_ADDRESS = "10.250.0.1";

// As `kubectl exec` reports a remote command's non-zero exit.
function viaExec({ stdout, stderr, exit }) {
  return { stdout, stderr: exit === 0 ? stderr : `${stderr}command terminated with exit code ${exit}\n`, exit };
}

/**
 * The discovery's reads (lib/clusterReads.ts), as a cluster described by `world` answers them: world.forbidden
 * lists the reads its credentials may not make ("nodes", "namespace", "services", "kube-dns"), answered with
 * kubectl's real Forbidden answers (test/fixtures/kubectl/forbidden-*); world.nodePortHolders lists the
 * Services holding node ports in other namespaces ({ namespace, service, port }). Undefined for other calls.
 */
function discoveryAnswer(args, world, nodes) {
  const forbidden = new Set(world.forbidden || []);
  const refuse = (name) => {
    const { stdout, stderr, exit } = captured("kubectl", name);
    return answer(stdout, stderr.replaceAll("learner-2", world.namespace || "netlab"), exit);
  };
  const holders = world.nodePortHolders || [];
  const holderLines = (list) => list.map((h) => `${h.namespace}\t${h.service}\t${h.port}\n`).join("");
  const option = (flag) => args[args.indexOf(flag) + 1];
  if (args[0] === "version") return captured("kubectl", "version-skew");
  if (args[0] === "get" && args[1] === "nodes") {
    if (forbidden.has("nodes")) return refuse("forbidden-nodes");
    const node = ({ name, internalIP }) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name } },
      spec: {},
      status: { addresses: [{ type: "InternalIP", address: internalIP }, { type: "Hostname", address: name }] },
    });
    return answer(JSON.stringify({ apiVersion: "v1", kind: "List", items: nodes.map(node) }));
  }
  if (args[0] === "get" && args[1] === "namespace") {
    if (forbidden.has("namespace")) return refuse("forbidden-namespaces");
    const labels = (world.namespaceLabels || {})[args[2]];
    if (labels === undefined) return answer("", `Error from server (NotFound): namespaces "${args[2]}" not found\n`, 1);
    const name = args[2];
    return answer(JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels } } }));
  }
  if (args[0] === "get" && args[1] === "services" && args.includes("--all-namespaces")) {
    if (forbidden.has("services")) return refuse("forbidden-services-all");
    return answer(holderLines(holders));
  }
  if (args[0] === "get" && args[1] === "services" && args.includes("--namespace")) {
    return answer(holderLines(holders.filter((h) => h.namespace === option("--namespace"))));
  }
  if (args[0] === "get" && args[1] === "service" && args[2] === "kubernetes" && forbidden.has("default")) {
    const { stdout, stderr, exit } = captured("kubectl", "forbidden-kube-dns-service");
    const inDefault = stderr.replace('services "kube-dns"', 'services "kubernetes"').replace('"kube-system"', '"default"');
    return answer(stdout, inDefault.replaceAll("learner-2", world.namespace || "netlab"), exit);
  }
  // Otherwise answered as the checks' own read of it is, in the scenario's way.
  if (args[0] === "get" && args[1] === "service" && args[2] === "kube-dns" && forbidden.has("kube-dns")) {
    return refuse("forbidden-kube-dns-service");
  }
  if (args[0] === "get" && args[1] === "endpointslices.discovery.k8s.io" && option("--namespace") === "kube-system") {
    if (forbidden.has("kube-dns")) return refuse("forbidden-kube-dns-slices");
    const endpoints = nodes.slice(0, 1).map((n) => ({ addresses: ["10.244.0.3"], conditions: { ready: true }, nodeName: n.name }));
    const slice = { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "kube-dns-abcde", namespace: "kube-system", labels: { "kubernetes.io/service-name": "kube-dns" } }, endpoints };
    return answer(JSON.stringify({ apiVersion: "v1", kind: "List", items: [slice] }));
  }
  // world.ingressController / world.gatewayApi: the e2e cluster's Traefik serves the IngressClass traefik
  // and, over the Gateway API's CRDs, the GatewayClass traefik (test/fixtures/ingress); without them, the
  // cluster has no IngressClass and does not serve the Gateway API at all.
  if (args[0] === "get" && args[1] === "ingressclasses.networking.k8s.io") {
    return world.ingressController ? answer(read("ingress", "ingressclasses.json")) : answer(JSON.stringify({ apiVersion: "v1", kind: "List", items: [] }));
  }
  if (args[0] === "get" && args[1] === "gatewayclasses.gateway.networking.k8s.io") {
    return world.gatewayApi ? answer(read("ingress", "gatewayclasses.json")) : captured("ingress", "gatewayclasses-none");
  }
  if (args[0] === "get" && (args[1] === "ingress.networking.k8s.io" || args[1] === "gateway.gateway.networking.k8s.io")) {
    // The lab's Ingress or Gateway, as Traefik's status left it (its address, 10.250.0.1), or never written.
    const ingress = args[1] === "ingress.networking.k8s.io";
    const status = JSON.parse(read("ingress", ingress ? "ingress.json" : "gateway.json")).status;
    // world.controllerSilent: the class exists, but its controller never takes the lab's objects.
    const published = (ingress ? world.ingressController : world.gatewayApi) && !world.controllerSilent;
    if (option("--output") === "jsonpath={.status}") return answer(published ? JSON.stringify(status) : "");
    return answer(published ? INGRESS_ADDRESS : "");
  }
  if (args[0] === "get" && args[1] === "httproutes.gateway.networking.k8s.io") {
    // An HTTPRoute's acceptance by the lab's Gateway, as the route wait reads it from the status Traefik wrote.
    const [parent] = JSON.parse(read("ingress", "httproute.json")).status.parents;
    const accepted = parent.conditions.find((c) => c.type === "Accepted");
    const taken = world.gatewayApi && !world.controllerSilent;
    return answer(taken ? `accepted=${accepted.status}\nchanged=${accepted.lastTransitionTime}\n` : "");
  }
  if (args[0] === "auth" && args[1] === "can-i") {
    // As kubectl answers: "yes" (exit 0) or "no" (exit 1); world.forbidden "gateways": the built-in admin
    // role in the namespace, which does not cover the Gateway API.
    const denied = forbidden.has("gateways") && args[3].startsWith("gateways.");
    return denied ? answer("no\n", "", 1) : answer("yes\n");
  }
  if (args[0] === "create" && args[1] === "service" && args.includes("--dry-run=server")) {
    const port = Number(args.find((a) => a.startsWith("--node-port=")).split("=")[1]);
    if (holders.some((h) => h.port === port)) {
      const taken = captured("kubectl", "nodeport-taken-dry-run");
      return answer("", taken.stderr.replace("svc-nodeport-httpd", args[3]).replace("31000", String(port)), taken.exit);
    }
    return answer(`service/${args[3]}\n`);
  }
  return undefined;
}

/**
 * kubectl's answer to `argv` in the environment `env` ($FAKE_KUBECTL_*): { stdout, stderr, exit }, or null
 * when kubectl would never return (scenario "hang").
 */
export function respond(argv, env) {
  if (env.FAKE_KUBECTL_LOG) fs.appendFileSync(env.FAKE_KUBECTL_LOG, `${JSON.stringify(argv)}\n`);
  const scenario = env.FAKE_KUBECTL_SCENARIO || "healthy";
  const world = JSON.parse(env.FAKE_KUBECTL_WORLD || "{}");

  // What the lab reads before it builds anything, and the node probes' pods: answered in every scenario, as
  // the scenarios are about the checks. Same shapes as kubectl's JSON (test/fixtures/kubectl).
  {
    const args = argv.filter((a, i) => !a.startsWith("--request-timeout=") && argv[i - 1] !== "--kubeconfig" && argv[i - 1] !== "--context" && a !== "--kubeconfig" && a !== "--context");
    const nodes = world.nodes || [];
    const discovered = discoveryAnswer(args, world, nodes);
    if (discovered !== undefined) return discovered;
    if (args[0] === "get" && args[1] === "pods,services,daemonsets.apps") {
      // What the lab's namespace already holds: world.namespaceObjects, as [{ kind, name, labels }], printed
      // as the lab's jsonpath prints them (test/fixtures/kubectl/hand-made-namespace-objects.tsv).
      const lines = (world.namespaceObjects || []).map(
        ({ kind, name, labels }) => `${kind}\t${name}\t${Object.keys(labels || {}).length > 0 ? JSON.stringify(labels) : ""}\n`,
      );
      return answer(lines.join(""));
    }
    if (args[0] === "get" && args[1] === "endpointslices.discovery.k8s.io" && scenario !== "hang") {
      // A Service's endpoints as "<address>=<ready>" and "<address>@<node>" lines; FAKE_KUBECTL_NO_ENDPOINTS
      // leaves them empty.
      const selector = args[args.indexOf("--selector") + 1] || "";
      const service = (world.services || {})[selector.split("=")[1]];
      // One slice, an endpoint per selected pod; FAKE_KUBECTL_ENDPOINTS_CHANGED is the time of its last change
      // (absent when unset).
      const selected = service ? (service.pods && service.pods.length > 0 ? service.pods : [service.pod]) : [];
      const endpoints = env.FAKE_KUBECTL_NO_ENDPOINTS
        ? ""
        : selected
            .map((name) => (world.pods || {})[name] || {})
            .filter((p) => p.ip)
            // On a dual-stack cluster a slice per family: each lists the pod's address of its family.
            .flatMap((p) => (p.ips && p.ips.length > 0 ? p.ips : [p.ip]).map((ip) => `${ip}=true\n${ip}@${p.node || ""}\n`))
            .join("");
      return answer(`${endpoints}changed=${env.FAKE_KUBECTL_ENDPOINTS_CHANGED || ""}\n`);
    }
    if (args[0] === "rollout") {
      return answer(`daemon set "${args[2]}" successfully rolled out\n`);
    }
    if (args[0] === "get" && args[1] === "pods" && args.includes("--selector")) {
      const selector = args[args.indexOf("--selector") + 1];
      const daemonSet = selector.split("=")[1];
      // world.daemonSetNodes: the nodes each DaemonSet's pod template lets it run on; every node when unset.
      const runsOn = (world.daemonSetNodes || {})[daemonSet];
      const items = (world.daemonSets || []).includes(daemonSet)
        ? nodes
            .map((n, i) => ({
              metadata: { name: `${daemonSet}-${["k7x2p", "m4q9z"][i] || `z${i}`}` },
              spec: { nodeName: n.name },
              status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }], hostIP: n.internalIP, podIP: n.internalIP },
            }))
            .filter((pod) => runsOn === undefined || runsOn.includes(pod.spec.nodeName))
        : [];
      return answer(JSON.stringify({ apiVersion: "v1", kind: "List", items }));
    }
  }

  if (scenario === "hang") return null;
  if (scenario === "transport") {
    return answer("", "error: unable to upgrade connection: container not found (\"probe\")\n", 1);
  }

  // Drop global flags.
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--kubeconfig" || argv[i] === "--context") i++;
    else if (!argv[i].startsWith("--request-timeout=")) rest.push(argv[i]);
  }

  if (rest[0] === "get") {
    const [, , name] = rest;
    const ip = { "kube-dns": "10.96.0.10", kubernetes: "10.96.0.1" }[name];
    if (ip === undefined || (scenario === "broken" && name === "kube-dns")) {
      return answer("", `Error from server (NotFound): services "${name}" not found\n`, 1);
    }
    return answer(ip);
  }

  if (rest[0] !== "exec") {
    return answer("", `fake kubectl: unsupported command ${JSON.stringify(rest)}\n`, 1);
  }
  const pod = rest[rest.indexOf("exec") + 3];
  const container = rest[rest.indexOf("--container") + 1];
  const command = rest.slice(rest.indexOf("--") + 1);
  const broken = scenario === "broken";
  const pods = world.pods || {};
  const services = world.services || {};

  // What serves host:port as seen from `pod`: "httpd", "nginx" or undefined (nothing listens).
  function served(host, port) {
    const self = pods[pod] || {};
    if (host === "localhost" || host === "127.0.0.1" || host === pod) return (self.serves || {})[port];
    for (const p of Object.values(pods)) {
      const own = p.ip === host || (p.ips || []).includes(host);
      if (own && p.serves && p.serves[port]) return p.serves[port];
    }
    const found = serviceAt(host, port);
    // A Service whose selector matches no pod has nothing behind it.
    return found && ((pods[found.service.pod] || {}).serves || {})[found.service.targetPort];
  }

  // The Service that host:port reaches, by its name or ClusterIP, or by a node's address and its node port
  // (viaNode: that node, when it is one of world.nodes).
  function serviceAt(host, port) {
    for (const [name, s] of Object.entries(services)) {
      const names = [name, `${name}.${world.namespace}`, `${name}.${world.namespace}.svc.${world.clusterDomain}`, s.clusterIP, ...(s.clusterIPs || [])];
      const viaNode = (world.nodes || []).find((n) => n.internalIP === host);
      const byName = names.includes(host) && Number(port) === s.port;
      const byNodePort = (viaNode !== undefined || host === world.nodeIP) && Number(port) === s.nodePort;
      if (byName || byNodePort) return { service: s, viaNode: byNodePort ? viaNode : undefined };
    }
    return undefined;
  }

  // A URL's host as an address: an IPv6 literal without its brackets.
  const hostOf = (url) => url.hostname.replace(/^\[(.*)\]$/, "$1");
  const page = (group, kind) => captured(group, kind === "httpd" ? "httpd-it-works" : "nginx-welcome");

  // The host address of the node a node probe runs on: probe pods are named by their node's place in the list.
  function probeNodeIP(name) {
    const nodes = world.nodes || [];
    const at = nodes.findIndex((n, i) => name === `netlab-node-probe-${["k7x2p", "m4q9z"][i] || `z${i}`}`);
    return at < 0 ? undefined : nodes[at].internalIP;
  }

  // agnhost netexec behind a Service (test/fixtures/agnhost): /hostname names the backend that answered,
  // /clientip the source it saw. A NodePort with externalTrafficPolicy Local answers only through a node
  // that runs a backend (elsewhere the request times out, as captured), and keeps the caller's address;
  // Cluster rewrites it to the node's. `index` picks the backend of the index-th request; ClientIP affinity
  // always the same one.
  function agnhostAnswer(urlText, index) {
    const url = new URL(urlText);
    const found = serviceAt(hostOf(url), url.port || "80");
    if (found !== undefined) {
      const { service: s, viaNode } = found;
      const backends = (s.pods || []).filter((p) => ((pods[p] || {}).serves || {})[s.targetPort] === "agnhost");
      if (backends.length === 0) return undefined;
      const local = viaNode !== undefined && s.externalTrafficPolicy === "Local";
      if (local && !backends.some((p) => pods[p].node === viaNode.name)) return captured("agnhost", "local-no-backend");
      const backend = s.sessionAffinity === "ClientIP" ? backends[0] : backends[index % backends.length];
      if (url.pathname === "/hostname") return answer(backend);
      if (url.pathname === "/clientip") {
        const caller = probeNodeIP(pod) || (pods[pod] || {}).ip;
        return answer(`${viaNode !== undefined && !local ? viaNode.internalIP : caller}:41234`);
      }
      return answer("NOW: 2026-12-07 03:00:00.000000000 +0000 UTC m=+1.0");
    }
    return undefined;
  }
  const kubelet = (file) => read("kubelet", file);

  // A request through the ingress controller (probes.ts frontProbe), answered as Traefik answered on the e2e
  // cluster: by the lab's rules (lib/ingress.ts ROUTE_RULES), the backend's page, or Traefik's own 404.
  function routedAnswer(command) {
    const [, , address] = command[command.indexOf("--resolve") + 1].split(":");
    const url = new URL(command[command.length - 1]);
    const front = url.hostname.split(".")[1] === "gateway" ? world.gatewayApi : world.ingressController;
    if (!front || address !== INGRESS_ADDRESS) return captured("ingress", "no-controller");
    const label = url.hostname.split(".")[0];
    const lands = { httpd: "httpd", nginx: "nginx", paths: { "/": "httpd", "/index.html": "nginx" }[url.pathname] }[label];
    if (lands === undefined) return captured("ingress", "ingress-unknown-host");
    return captured("ingress", lands === "httpd" ? "ingress-host-httpd" : "ingress-path-nginx-page");
  }

  // `nslookup -type=AAAA <name>` as bind's nslookup answered it on the dual-stack e2e cluster: a Service's
  // IPv6 ClusterIP, or no answer for a Service without one (test/fixtures/network/dual-nslookup-aaaa*),
  // with this Service's name and address put in.
  function aaaaAnswer(name) {
    const domain = `${world.namespace}.svc.${world.clusterDomain}`;
    const found = Object.entries(services).find(([service]) => [service, `${service}.${world.namespace}`, `${service}.${domain}`].includes(name));
    if (found === undefined) return captured("nslookup-bind", "nxdomain");
    const [service, s] = found;
    const v6 = (s.clusterIPs || []).find((ip) => ip.includes(":"));
    const c = captured("network", v6 === undefined ? "dual-nslookup-aaaa-single-stack" : "dual-nslookup-aaaa");
    const stdout = c.stdout
      .replace(/web-(dual|v4)\.netlab-aaaa-capture\.svc\.cluster\.local/g, `${service}.${domain}`)
      .replace(/fd00:10:96::[0-9a-f:]+/g, v6 || "");
    return { ...c, stdout };
  }

  function run(command) {
    const [tool] = command;
    if (tool === "timeout" && command[2] === "bash" && /sha256sum/.test(command[4] || "")) {
      // A large body sent to agnhost's /echo and read back (transfer.bash), as captured across e2e nodes.
      const url = new URL(command[6]);
      // An IPv6 host keeps its brackets in URL.hostname.
      const echoes =
        served(url.hostname.replace(/^\[|\]$/g, ""), url.port || "80") === "agnhost" ||
        agnhostAnswer(`http://${url.host}/hostname`, 0)?.exit === 0;
      return echoes ? captured("agnhost", "transfer") : captured("agnhost", "transfer-refused");
    }
    if (tool === "timeout" && command[2] === "bash" && /seq/.test(command[4] || "")) {
      // Repeated requests (probes.ts repeatedCurlProbe): one answer per line.
      const [url, count] = command.slice(6, 8);
      const answers = Array.from({ length: Number(count) }, (_, i) => agnhostAnswer(url, i));
      return answer(answers.map((a) => (a && a.exit === 0 ? `${a.stdout}\n` : "\n")).join(""));
    }
    if (tool === "curl" && command.includes("--resolve")) return routedAnswer(command);
    if (tool === "curl") {
      const agnhost = agnhostAnswer(command[command.length - 1], 0);
      if (agnhost !== undefined) return agnhost;
      const url = new URL(command[command.length - 1]);
      const kind = served(hostOf(url), url.port || "80");
      if (!broken) return kind ? page("curl", kind) : captured("curl", "refused");
      if (kind === undefined) return page("curl", "httpd"); // a closed port that answers
      if (/^svc-/.test(url.hostname)) return captured("curl", "resolve-failure");
      if ((world.nodes || []).some((n) => n.internalIP === url.hostname)) return captured("curl", "refused");
      if (url.hostname === "localhost") return captured("curl", "max-time");
      return captured("curl", "connect-timeout");
    }
    if (tool === "timeout" && command[2] === "bash") {
      const [host, port] = command.slice(-2);
      const kind = served(host, port);
      if (broken) return captured("bash-tcp", pod === "pod-httpd" ? "timeout" : "refused");
      return kind ? page("bash-tcp", kind) : captured("bash-tcp", "refused");
    }
    if (tool === "timeout" && command[2] === "nslookup") {
      // Over TCP (-vc) bind's nslookup prints the same answer as over UDP.
      const name = command.slice(3).find((word) => !word.startsWith("-"));
      if (broken) return captured("nslookup-bind", name.includes(".") ? "nxdomain" : "no-server");
      if (command.includes("-type=AAAA")) return aaaaAnswer(name);
      if (name === "kubernetes.default") return captured("nslookup-bind", "kubernetes-default");
      const forms = { "": "short-name", ".netlab": "namespaced-name", ".netlab.svc.cluster.local": "fqdn" };
      for (const [suffix, form] of Object.entries(forms)) {
        if (name === `svc-clusterip-nginx${suffix}`) return captured("nslookup-bind", form);
        if (name === `svc-nodeport-httpd${suffix}`) return captured("nslookup-bind", `httpd-${form}`);
      }
      // Services the captures do not name (other namespaces, names or domains): bind's real answer for
      // svc-clusterip-nginx, with that service's name and address put in.
      const domain = `${world.namespace}.svc.${world.clusterDomain}`;
      for (const [service, s] of Object.entries(services)) {
        const form = { [service]: "short-name", [`${service}.${world.namespace}`]: "namespaced-name", [`${service}.${domain}`]: "fqdn" }[name];
        if (form === undefined) continue;
        const c = captured("nslookup-bind", form);
        const stdout = c.stdout
          .replace("svc-clusterip-nginx.netlab.svc.cluster.local", `${service}.${domain}`)
          .replace("10.96.203.5", s.clusterIP);
        return { ...c, stdout };
      }
      return captured("nslookup-bind", "nxdomain");
    }
    if (tool === "printenv" && command[1] === "KUBERNETES_SERVICE_HOST") {
      // What the kubelet gives every pod: the API server's Service address, as kube-dns answers it.
      return answer(broken ? "" : "10.96.0.1\n", "", broken ? 1 : 0);
    }
    if (tool === "getent") {
      const found = !broken && command[2] === pod;
      // On a dual-stack cluster getent answers with the pod's IPv6 address (test/fixtures/network).
      const v6 = ((pods[pod] || {}).ips || []).find((ip) => ip.includes(":"));
      if (found && v6 !== undefined) return answer(`${v6}  ${pod}\n`);
      return found ? answer(kubelet("getent-hosts-pod-demo.txt")) : answer("", "", 2);
    }
    if (tool === "head") {
      const hosts = broken ? kubelet("etc-hosts-host-network.txt") : kubelet("etc-hosts-pod-demo.txt");
      const hostname = broken ? "node-1\n" : read("netns", "hostname.stdout");
      return answer(`==> /proc/sys/kernel/hostname <==\n${hostname}\n==> /etc/hosts <==\n${hosts}`);
    }
    if (tool === "sh" && /proxyMode/.test(command[2] || "")) {
      // The network facts read on a node probe, as captured on each e2e node (test/fixtures/network).
      const second = probeNodeIP(pod) !== undefined && probeNodeIP(pod) !== (world.nodes || [])[0]?.internalIP;
      return captured("network", second ? "node-probe-node-2" : "node-probe-node-1");
    }
    if (tool === "cat" && command[1] === "/sys/class/net/eth0/mtu") return captured("network", "pod-mtu");
    if (tool === "sh" && /readlink \/proc\/self\/ns\/net/.test(command[2])) {
      const onHost = broken && container === "cntr-centos";
      return captured("netns", onHost ? "network-identity-host" : "network-identity");
    }
    if (tool === "ip" && command[1] === "route" && command[2] === "get") {
      // The client image has iproute2; the server images (httpd, nginx) have no ip: sh reports 127 then.
      if (!["cntr-centos", "probe"].includes(container)) return undefined;
      const self = (pods[pod] || {}).ip;
      const name = command[3] === self ? "route-to-own-ip" : container === "probe" ? "route-node-to-pod-cross-node" : "route-same-node";
      // Captured on the e2e cluster (test/fixtures/evidence); the address asked for put in.
      const c = captured("evidence", name);
      return { ...c, stdout: c.stdout.replace(/^(local )?\S+/, `$1${command[3]}`) };
    }
    if (tool === "cat" && command[1] === "/etc/resolv.conf") {
      if (broken) return answer(kubelet("resolv-conf-host-network.txt"));
      // Captured in namespace netlab of a cluster.local cluster; other namespaces and domains put in.
      const d = world.clusterDomain;
      const search = `search ${world.namespace}.svc.${d} svc.${d} ${d}`;
      return answer(kubelet("resolv-conf-pod.txt").replace("search netlab.svc.cluster.local svc.cluster.local cluster.local", search));
    }
    return undefined;
  }

  // A batch of probes (lib/checks/batch.ts): each probe answered as above, framed as the batch script frames
  // them; a program the container lacks exits 127 as sh reports it. FAKE_KUBECTL_NO_BATCH: the container
  // has no writable temporary directory.
  if (command[0] === "sh" && command[1] === "-c" && command[3] === "netlab-batch") {
    if (env.FAKE_KUBECTL_NO_BATCH) return viaExec(answer("", "netlab-batch: no writable temporary directory\n", 97));
    const frames = command.slice(4).map((line, i) => {
      const probe = unquote(line);
      const result = run(probe) || answer("", `netlab-batch: 1: eval: ${probe[0]}: not found\n`, 127);
      const bytes = (text) => Buffer.byteLength(text);
      return `probe ${i} exit=${result.exit} ms=5 out=${bytes(result.stdout)} err=${bytes(result.stderr)}\n${result.stdout}${result.stderr}`;
    });
    return answer(`netlab-batch v1\n${frames.join("")}`);
  }

  const result = run(command);
  // What kubectl says when the container has no such program: no remote exit code, kubectl exits 1.
  if (result === undefined) return answer("", read("kubelet", "exec-missing-tool.stderr"), 1);
  return viaExec(result);
}

/** Splits a command line quoted by lib/shell.ts back into its words. */
function unquote(line) {
  const words = [];
  let word = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " ") {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word || "") + line.slice(i + 1, end);
      i = end;
    } else if (c === "\\") {
      word = (word || "") + line[++i];
    } else {
      word = (word || "") + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
