# shellcheck shell=bash disable=SC2034
# Pinned versions of everything the e2e cluster builds. Sourced by the other
# scripts; see README.md for why these versions.

# Kubernetes 1.34 is the last minor whose kubelet starts on a cgroup v1 host
# without opting out of FailCgroupV1, and it still talks to containerd 1.6.
K8S_VERSION="v1.34.4"
# etcd release that Kubernetes 1.34 is tested against.
ETCD_VERSION="v3.6.4"
# Oldest CoreDNS the module proxy offers here; it serves the 1.34 API fine.
COREDNS_VERSION="v1.14.3"
# The ingress controller (Ingress and the Gateway API); pure Go, built from its module.
TRAEFIK_VERSION="v3.7.13"
# The pod network of `cluster.sh up --pod-network flannel` (VXLAN backend,
# Kubernetes subnet manager).
FLANNEL_VERSION="v0.28.10"

netlab_bin_dir() {
  printf '%s/k8s/%s/bin\n' "$1" "${K8S_VERSION}"
}

# netlab_gateway_api_dir CACHE: the Gateway API CRDs of the version Traefik's go.mod requires (build.sh
# traefik writes them there, with that version in the file `version`).
netlab_gateway_api_dir() {
  printf '%s/gateway-api/traefik-%s\n' "$1" "${TRAEFIK_VERSION}"
}
