// The network the lab runs on, read from the cluster in the same run, never assumed from config: kube-proxy's
// mode on each node, how pod traffic leaves a node toward another node's pods (routed, or encapsulated in a
// tunnel) and the MTUs on the way, the IP families of pods and Services, and kubectl's versions with the
// skew warning kubectl itself gives. Pure: the commands' text and the reading of what they print.

/** What a node probe prints, one `key=value` line each (network-facts.sh). */
export interface NodeNetworkAnswer {
  /** kube-proxy's /proxyMode on the node's loopback, or empty when nothing answered. */
  proxyMode: string;
  /** `ip -o route get <address>`: the way toward another node's pod. */
  route: string;
  /** `ip -d -o link show dev <device>` of that route's device. */
  link: string;
  /** For a tunnel, `ip -o link show dev <its dev>`: the link under it. */
  underlay?: string;
  /** On a dual-stack cluster, `ip -o -6 route get <address>` toward another node's pod, and its device's line. */
  route6?: string;
  link6?: string;
}

/** A way toward another node's pods: the device it leaves by, and the kind of tunnel that device is, if one. */
export interface PodPath {
  device: string;
  tunnel?: string;
}

export interface NodeNetwork {
  /** "iptables", "nftables", "ipvs", or why it is not known. */
  kubeProxy: string;
  /** The device pod traffic toward other nodes' pods leaves by, and the kind of tunnel it is, if one. */
  towardPods?: PodPath;
  /** That device's MTU. */
  linkMTU?: number;
  /** For a tunnel over another device, that device's MTU: the link its packets cross between the nodes. */
  underlayMTU?: number;
  /** On a dual-stack cluster, the device IPv6 toward other nodes' pods leaves by (flannel: flannel-v6.1). */
  towardPods6?: PodPath;
  /** That device's MTU. */
  linkMTU6?: number;
}

/** Tunnel kinds `ip -d link` names, as the lab names them. */
const TUNNELS = ["vxlan", "geneve", "ipip", "gre", "wireguard", "sit", "ip6tnl"] as const;

export const NO_KUBE_PROXY = "no kube-proxy found (an eBPF dataplane?)";

/** Reads what network-facts.sh printed on one node. */
export function parseNodeNetwork(output: string): NodeNetwork {
  const value = (key: string) =>
    output
      .split("\n")
      .find((line) => line.startsWith(`${key}=`))
      ?.slice(key.length + 1)
      .trim() ?? "";
  const mode = value("proxy-mode");
  const path = readPath(value("route"), value("link"));
  const path6 = readPath(value("route6"), value("link6"));
  const underlay = /\bmtu (\d+)/.exec(value("underlay"))?.[1];
  return {
    kubeProxy: /^(iptables|nftables|ipvs|kernelspace|userspace)$/.test(mode) ? mode : NO_KUBE_PROXY,
    ...(path.towardPods === undefined ? {} : { towardPods: path.towardPods }),
    ...(path.mtu === undefined ? {} : { linkMTU: path.mtu }),
    ...(underlay === undefined ? {} : { underlayMTU: Number(underlay) }),
    ...(path6.towardPods === undefined ? {} : { towardPods6: path6.towardPods }),
    ...(path6.mtu === undefined ? {} : { linkMTU6: path6.mtu }),
  };
}

/** A route's device, the kind of tunnel its link line says it is, and its MTU. */
function readPath(route: string, link: string): { towardPods?: PodPath; mtu?: number } {
  const device = /\bdev (\S+)/.exec(route)?.[1];
  const mtu = /\bmtu (\d+)/.exec(link)?.[1];
  const tunnel = TUNNELS.find((kind) => new RegExp(`(^|\\s)${kind}(\\s|$)`).test(link.split("\\").join(" ")));
  return {
    ...(device === undefined ? {} : { towardPods: { device, ...(tunnel === undefined ? {} : { tunnel }) } }),
    ...(mtu === undefined ? {} : { mtu: Number(mtu) }),
  };
}

export type IPFamily = "IPv4" | "IPv6";

/** The family of one address: IPv6 literals are the ones with colons. */
export const familyOf = (address: string): IPFamily => (address.includes(":") ? "IPv6" : "IPv4");

/** The families of these addresses, IPv4 first. */
export function ipFamilies(addresses: readonly string[]): IPFamily[] {
  const families = new Set(addresses.filter((a) => a !== "").map(familyOf));
  return (["IPv4", "IPv6"] as const).filter((family) => families.has(family));
}

/** The first address of a family among these (a pod's status.podIPs, a Service's spec.clusterIPs). */
export function addressOf(family: IPFamily, addresses: readonly string[]): string | undefined {
  return addresses.find((a) => a !== "" && familyOf(a) === family);
}

/** An address as the host of a URL: an IPv6 literal goes in brackets (RFC 3986). */
export const urlHost = (host: string): string => (host.includes(":") ? `[${host}]` : host);

export interface KubectlVersions {
  /** "1.32" */
  client?: string;
  server?: string;
  /** kubectl's own warning when the client is outside the supported skew (one minor either way). */
  skewWarning?: string;
}

/** Reads `kubectl version --output json` (the discovery's first read) and its stderr. */
export function parseKubectlVersions(stdout: string, stderr: string): KubectlVersions {
  let json: {
    clientVersion?: { major?: string; minor?: string };
    serverVersion?: { major?: string; minor?: string };
  };
  try {
    json = JSON.parse(stdout) as typeof json;
  } catch {
    json = {};
  }
  const version = (v: { major?: string; minor?: string } | undefined) =>
    v?.major === undefined || v.minor === undefined ? undefined : `${v.major}.${v.minor.replace(/\D+$/, "")}`;
  const client = version(json.clientVersion);
  const server = version(json.serverVersion);
  const warning = stderr
    .split("\n")
    .map((line) => line.trim())
    .find((line) => /^WARNING: version difference/.test(line));
  return {
    ...(client === undefined ? {} : { client }),
    ...(server === undefined ? {} : { server }),
    ...(warning === undefined ? {} : { skewWarning: warning.replace(/^WARNING: /, "") }),
  };
}

export interface NetworkFacts {
  nodes: Record<string, NodeNetwork>;
  /** The MTU of a pod's eth0 (pod-demo's), when read. */
  podMTU?: number;
  families: { pods: IPFamily[]; services: IPFamily[] };
  kubectl: KubectlVersions;
}

/** The modes of the nodes' kube-proxies, in words: one, or each node's; and on how many nodes, when not all. */
function proxyWords(nodes: Record<string, NodeNetwork>, nodeCount: number): string {
  const modes = [...new Set(Object.values(nodes).map((n) => n.kubeProxy))];
  if (modes.length === 0) return "kube-proxy not read";
  const read = Object.keys(nodes).length;
  const some = read < nodeCount ? ` (read on ${read} of the ${nodeCount} nodes)` : "";
  if (modes.length === 1)
    return `${modes[0] === NO_KUBE_PROXY ? NO_KUBE_PROXY : `kube-proxy ${modes[0] as string}`}${some}`;
  return `kube-proxy ${Object.entries(nodes)
    .map(([node, n]) => `${n.kubeProxy} on ${node}`)
    .join(", ")}`;
}

/** The overlay a tunnel device belongs to, by the name its network plugin gives it (flannel.1: flannel). */
const OVERLAYS: readonly [RegExp, string][] = [
  [/^flannel/, "flannel"],
  [/^cilium_/, "cilium"],
  [/^vxlan\.calico|^tunl0$/, "calico"],
  [/^weave/, "weave"],
];

/** "routed", or a tunnel's kind with the overlay it belongs to: "flannel vxlan". */
function tunnelWords(toward: PodPath): string {
  if (toward.tunnel === undefined) return "routed";
  const overlay = OVERLAYS.find(([name]) => name.test(toward.device))?.[1];
  return overlay === undefined ? toward.tunnel : `${overlay} ${toward.tunnel}`;
}

/**
 * How pod traffic crosses nodes, with the MTUs: "routed (pod MTU 1500, link 1500)", or through a tunnel
 * "flannel vxlan (pod MTU 1450, tunnel 1450, link 1500)": the tunnel device's MTU, and the link under it.
 * Where IPv6 leaves by another device or at another MTU, that too: "...; IPv6 by flannel-v6.1 at MTU 1430".
 */
function pathWords(facts: NetworkFacts): string {
  const toward = Object.values(facts.nodes).find((n) => n.towardPods !== undefined);
  const tunnel = toward?.towardPods?.tunnel;
  const how = toward?.towardPods === undefined ? "pod path not read" : tunnelWords(toward.towardPods);
  const mtu = (label: string, value: number | undefined) =>
    value === undefined ? [] : [`${label} ${value}`];
  const mtus = [
    ...mtu("pod MTU", facts.podMTU),
    ...(tunnel === undefined
      ? mtu("link", toward?.linkMTU)
      : [...mtu("tunnel", toward?.linkMTU), ...mtu("link", toward?.underlayMTU)]),
  ];
  const inBrackets = [mtus.join(", "), ...ipv6Words(toward)].filter((part) => part !== "").join("; ");
  return inBrackets === "" ? how : `${how} (${inBrackets})`;
}

/** The way IPv6 leaves a node toward other nodes' pods, where it is another device or another MTU than IPv4's. */
export function separateIPv6Path(
  node: NodeNetwork | undefined,
): { device: string; mtu?: number } | undefined {
  const v6 = node?.towardPods6;
  if (v6 === undefined || (v6.device === node?.towardPods?.device && node.linkMTU6 === node.linkMTU))
    return undefined;
  return { device: v6.device, ...(node?.linkMTU6 === undefined ? {} : { mtu: node.linkMTU6 }) };
}

/** "IPv6 by flannel-v6.1 at MTU 1430", where IPv6 leaves a node by another device or at another MTU. */
function ipv6Words(node: NodeNetwork | undefined): string[] {
  const v6 = separateIPv6Path(node);
  if (v6 === undefined) return [];
  return [`IPv6 by ${v6.device}${v6.mtu === undefined ? "" : ` at MTU ${v6.mtu}`}`];
}

/**
 * Where a pod's packets are larger than what a device between the nodes carries, for each family: such a
 * path works for large transfers only while the ICMP that tells the pods to send smaller packets reaches
 * them (what a firewall dropping it, or an MTU set wrong on one side, breaks).
 */
export function mtuWarnings(facts: NetworkFacts): string[] {
  const podMTU = facts.podMTU;
  if (podMTU === undefined) return [];
  const families: IPFamily[] = facts.families.pods.includes("IPv6") ? ["IPv4", "IPv6"] : ["IPv4"];
  return families.flatMap((family) => {
    // Each narrow device (by name and MTU) with the nodes it was read on.
    const narrow = new Map<string, string[]>();
    for (const [node, n] of Object.entries(facts.nodes)) {
      const path = family === "IPv4" ? n.towardPods : n.towardPods6;
      const mtu = family === "IPv4" ? n.linkMTU : n.linkMTU6;
      if (path === undefined || mtu === undefined || mtu >= podMTU) continue;
      const key = `${path.device} at MTU ${mtu}`;
      narrow.set(key, [...(narrow.get(key) ?? []), node]);
    }
    if (narrow.size === 0) return [];
    const where = [...narrow].map(([device, nodes]) => `${device} (on ${nodes.join(", ")})`).join(" and ");
    const icmp = family === "IPv4" ? `ICMP "fragmentation needed"` : `ICMPv6 "packet too big"`;
    return [
      `pods send packets of up to ${podMTU} bytes, but ${family} between the nodes crosses ${where}: large ` +
        `${family} transfers across nodes work only while ${icmp} reaches the pods`,
    ];
  });
}

/** The report's first line: the network the lab found, in words. */
export function networkLine(facts: NetworkFacts, nodeCount: number): string {
  const families = [...new Set([...facts.families.pods, ...facts.families.services])];
  const kubectl =
    facts.kubectl.client === undefined
      ? []
      : [
          `kubectl ${facts.kubectl.client}${facts.kubectl.server === undefined ? "" : ` / server ${facts.kubectl.server}`}`,
        ];
  return [
    `${nodeCount} node${nodeCount === 1 ? "" : "s"}`,
    proxyWords(facts.nodes, nodeCount),
    pathWords(facts),
    families.length === 0 ? "IP family not read" : families.join("+"),
    ...kubectl,
  ].join(", ");
}

/** The report's first lines: the network in words, and kubectl's skew warning when it gave one. */
export function networkLines(facts: NetworkFacts, nodeCount: number): string[] {
  const warning = facts.kubectl.skewWarning;
  return [
    `network: ${networkLine(facts, nodeCount)}`,
    ...mtuWarnings(facts).map((line) => `warning: ${line}`),
    ...(warning === undefined
      ? []
      : [
          `warning: kubectl ${facts.kubectl.client ?? ""} is outside the skew Kubernetes supports: ${warning}`,
        ]),
  ];
}
