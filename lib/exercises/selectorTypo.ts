// A Service whose selector has a typo: it matches no pod, so it never has an endpoint.
import type { Exercise } from "./exercise";

/** The value misspelt as a hand might: two letters swapped ("pod-nginx" becomes "pod-ngnix"). */
export function misspelt(value: string): string {
  const at = value.length - 3;
  return at < 1
    ? `${value}x`
    : `${value.slice(0, at)}${value[at + 1] ?? ""}${value[at] ?? ""}${value.slice(at + 2)}`;
}

export const selectorTypo: Exercise = {
  name: "selector-typo",
  mistake: "the selector of the Service exposing pod-nginx has a typo in its value, so it matches no pod",
  symptom:
    "the request through the Service fails with no endpoint: its check waits for the Service to list pod-nginx, and it never does",
  needs: ["services"],
  expected: ({ services }) => ({
    failing: [`service.${services.nginx}.cluster-ip`],
    rule: "no-endpoint",
  }),
  selector: (service, selector) =>
    service === "nginx"
      ? Object.fromEntries(Object.entries(selector).map(([key, value]) => [key, misspelt(value)]))
      : selector,
};
