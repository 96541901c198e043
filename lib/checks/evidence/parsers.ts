// Parsers of what the evidence steps print.

export interface Route {
  /** `local` for an address of the source itself, `unicast` otherwise. */
  type: "local" | "unicast";
  destination: string;
  device: string | undefined;
  /** The next hop, when the route has one. */
  via: string | undefined;
  source: string | undefined;
}

/** Reads the first line of `ip route get ADDRESS` (iproute2). */
export function parseRouteGet(stdout: string): Route | undefined {
  const line = stdout.split("\n").find((l) => l.trim() !== "");
  if (line === undefined) return undefined;
  const words = line.trim().split(/\s+/);
  const local = words[0] === "local";
  const destination = local ? words[1] : words[0];
  if (destination === undefined) return undefined;
  const after = (key: string) => {
    const index = words.indexOf(key);
    return index < 0 ? undefined : words[index + 1];
  };
  return {
    type: local ? "local" : "unicast",
    destination,
    device: after("dev"),
    via: after("via"),
    source: after("src"),
  };
}

export interface EndpointState {
  address: string;
  ready: boolean;
  node: string | undefined;
}

/**
 * Reads the endpoints that the wait for a Service's endpoint printed: "<address>=<ready>" lines, and
 * "<address>@<node>" lines where the slice names the endpoint's node.
 */
export function parseEndpointLines(stdout: string): EndpointState[] {
  const states = new Map<string, EndpointState>();
  const stateOf = (address: string) => {
    let state = states.get(address);
    if (state === undefined) {
      state = { address, ready: false, node: undefined };
      states.set(address, state);
    }
    return state;
  };
  for (const line of stdout.split("\n")) {
    const readiness = /^([0-9a-fA-F.:]+)=(true|false|)$/.exec(line.trim());
    if (readiness?.[1] !== undefined) stateOf(readiness[1]).ready = readiness[2] === "true";
    const placement = /^([0-9a-fA-F.:]+)@(\S*)$/.exec(line.trim());
    if (placement?.[1] !== undefined) stateOf(placement[1]).node = placement[2] || undefined;
  }
  return [...states.values()];
}
