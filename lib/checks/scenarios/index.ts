// The tutorial's sections, in its order: each a scenario that plans its own checks.
import type { Scenario } from "./context";
import { dns } from "./dns";
import { gatewayRoutes, ingressRoutes } from "./ingress";
import { ipv6 } from "./ipv6";
import { nodeToPod } from "./nodeToPod";
import { podDemo } from "./podDemo";
import { podToPod } from "./podToPod";
import { serviceDepth } from "./serviceDepth";
import { services } from "./services";

export const SCENARIOS: readonly Scenario[] = [
  podDemo,
  nodeToPod,
  podToPod,
  dns,
  services,
  ipv6,
  serviceDepth,
  ingressRoutes,
  gatewayRoutes,
];
export type { Scenario } from "./context";
