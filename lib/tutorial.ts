// The facts of the tutorial "Networking Basics" that the lab reproduces.

/** eg1: the two-container pod. */
export const POD_DEMO = {
  podName: "pod-demo",
  labels: { component: "centos" },
  server: { container: "cntr-httpd", port: 80 },
  client: {
    container: "cntr-centos",
    command: ["/bin/bash", "-c"],
    // The tutorial's loop: print the time, fetch the neighbour's page on localhost, wait.
    args: ["while true ; do\n  date\n  curl http://localhost\n  sleep 10\ndone\n"],
  },
} as const;

/** eg2: the two single-container server pods. */
export const POD_HTTPD = { podName: "pod-httpd", container: "cntr-httpd", port: 80 } as const;
export const POD_NGINX = { podName: "pod-nginx", container: "cntr-nginx", port: 80 } as const;

/** Pods the checks run their probes from. */
/** The host-network probes: a DaemonSet, one pod per node. */
export const NODE_PROBE = { name: "netlab-node-probe", container: "probe" } as const;
export const DNS_PROBE = { podName: "netlab-dns-probe", container: "probe" } as const;

/** Keeps a probe container alive and lets it stop at once on SIGTERM. */
export const IDLE_COMMAND = ["sh", "-c", "trap 'exit 0' TERM INT; while true; do sleep 3600 & wait $!; done"];

/** Seconds a lab pod gets to stop: the tutorial's loops ignore SIGTERM, so do not wait the default 30. */
export const STOP_GRACE_SECONDS = 5;
