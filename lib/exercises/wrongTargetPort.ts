// A Service whose targetPort nothing serves: `kubectl expose` with the wrong --target-port.
import type { Exercise } from "./exercise";

/** A port nothing in pod-nginx listens on (nginx serves 80). */
export const WRONG_TARGET_PORT = 8080;

export const wrongTargetPort: Exercise = {
  name: "wrong-target-port",
  mistake: `the Service exposing pod-nginx sends to targetPort ${WRONG_TARGET_PORT}, where nothing in pod-nginx listens (nginx serves 80)`,
  symptom:
    "the Service lists pod-nginx as a ready endpoint, yet the request through it is refused; pod-nginx still answers by its own IP on port 80",
  needs: ["services"],
  expected: ({ services }) => ({
    failing: [`service.${services.nginx}.cluster-ip`],
    rule: "nothing-listens",
  }),
  services: ({ httpd, nginx }) => ({ httpd, nginx: { ...nginx, targetPort: WRONG_TARGET_PORT } }),
};
