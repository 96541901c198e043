# shellcheck shell=bash
# The cluster's ingress controller: Traefik on node 1's host network, serving
# the Ingresses of the IngressClass `traefik` (the cluster's default class) and
# the Gateways of the GatewayClass `traefik` on ${NODE_IP}:80. Sourced by
# cluster.sh, whose variables and helpers (kc, start_component, stop_component,
# wait_until, pid_of, log, die) it uses.
#
#   cluster.sh up --ingress traefik|none   (default: traefik when its binary is built)

# The choice `up` was given: traefik, none, or empty for "traefik when built".
INGRESS="${NETLAB_E2E_INGRESS:-}"
INGRESS_PORT=80
INGRESS_CLASS="traefik"
INGRESS_CONTROLLER="traefik.io/ingress-controller"
GATEWAY_CONTROLLER="traefik.io/gateway-controller"
GATEWAY_API_DIR="$(netlab_gateway_api_dir "${CACHE}")"
# The controller `up` started (traefik or none), kept with the configuration.
INGRESS_FILE="${CONF}/ingress"

ingress_mode() { cat "${INGRESS_FILE}" 2>/dev/null || echo none; }

# ingress_check: stops on a value --ingress does not take.
ingress_check() {
  case "${INGRESS}" in
    '' | traefik | none) ;;
    *) die "--ingress must be traefik or none, not '${INGRESS}'" ;;
  esac
}

# ingress_wanted: traefik or none; without --ingress, traefik when its binary
# is built. Asked for by name, a missing binary is built first (and missing
# CRDs are copied, which takes a second when the binary is there).
ingress_wanted() {
  local want="${INGRESS}"
  if [[ -z "${want}" && -x "${BIN_DIR}/traefik" ]]; then want=traefik; fi
  case "${want}" in
    traefik)
      if [[ ! -x "${BIN_DIR}/traefik" || ! -f "${GATEWAY_API_DIR}/version" ]]; then
        log "building traefik (log: ${CACHE}/build.log)"
        "${E2E_DIR}/build.sh" traefik >>"${CACHE}/build.log" 2>&1 \
          || { tail -n 30 "${CACHE}/build.log" >&2; die "build of traefik failed"; }
      fi
      echo traefik
      ;;
    *) echo none ;;
  esac
}

# ingress_objects: the IngressClass (the cluster's default), the Gateway API
# CRDs and the GatewayClass that Traefik serves.
ingress_objects() {
  log "IngressClass ${INGRESS_CLASS} (default), Gateway API $(<"${GATEWAY_API_DIR}/version") CRDs (standard channel), GatewayClass ${INGRESS_CLASS}"
  kc apply -f - >/dev/null <<YAML || die "applying the IngressClass failed"
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${INGRESS_CLASS}
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: ${INGRESS_CONTROLLER}
YAML
  # Server-side: the HTTPRoute CRD is too large for client-side apply's annotation.
  timeout 90 "${KUBECTL}" --kubeconfig "${KUBECONFIG_OUT}" apply --server-side --field-manager netlab-e2e \
    -f "${GATEWAY_API_DIR}/standard" >/dev/null || die "applying the Gateway API CRDs failed"
  timeout 70 "${KUBECTL}" --kubeconfig "${KUBECONFIG_OUT}" wait --for condition=Established --timeout=60s \
    crd/gatewayclasses.gateway.networking.k8s.io crd/gateways.gateway.networking.k8s.io \
    crd/httproutes.gateway.networking.k8s.io >/dev/null || die "the Gateway API CRDs were not established within 60s"
  kc apply -f - >/dev/null <<YAML || die "applying the GatewayClass failed"
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: ${INGRESS_CLASS}
spec:
  controllerName: ${GATEWAY_CONTROLLER}
YAML
}

# ingress_objects_delete: what ingress_objects made (the CRDs take every
# Gateway API object with them).
ingress_objects_delete() {
  kc delete ingressclass "${INGRESS_CLASS}" --ignore-not-found >/dev/null || true
  timeout 90 "${KUBECTL}" --kubeconfig "${KUBECONFIG_OUT}" delete --ignore-not-found --wait=true \
    -f "${GATEWAY_API_DIR}/standard" >/dev/null || log "could not delete the Gateway API CRDs"
}

# traefik_serving: the entry point answers, with Traefik's own 404 for a host
# no route names.
traefik_serving() {
  [[ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' -H 'Host: netlab-e2e-readiness.invalid' \
    "http://${NODE_IP}:${INGRESS_PORT}/")" == 404 ]]
}

gatewayclass_accepted() {
  [[ "$(kc get gatewayclass "${INGRESS_CLASS}" \
    -o jsonpath='{.status.conditions[?(@.type=="Accepted")].status}' 2>/dev/null)" == True ]]
}

# start_traefik: Traefik with the admin kubeconfig (it reads KUBECONFIG), one
# entry point on the node address, and the status address of every Ingress and
# Gateway it serves set to that address. No API, dashboard or ping: readiness
# is the entry point's 404 and the GatewayClass it accepts.
start_traefik() {
  local ss
  if ss="$(ss -Htln "sport = :${INGRESS_PORT}" 2>/dev/null)" && grep -qE "(${NODE_IP//./\\.}|\*|0\.0\.0\.0|\[::\]):${INGRESS_PORT}\b" <<<"${ss}"; then
    die "something already listens on port ${INGRESS_PORT} of ${NODE_IP}: ${ss}"
  fi
  start_component traefik env KUBECONFIG="${KUBECONFIG_OUT}" "${BIN_DIR}/traefik" \
    --global.checknewversion=false \
    --global.sendanonymoususage=false \
    --log.level=INFO \
    --log.nocolor=true \
    --entrypoints.web.address="${NODE_IP}:${INGRESS_PORT}" \
    --providers.kubernetesingress=true \
    --providers.kubernetesingress.ingressendpoint.ip="${NODE_IP}" \
    --providers.kubernetesgateway=true \
    --providers.kubernetesgateway.statusaddress.ip="${NODE_IP}"
  wait_until traefik 60 "http://${NODE_IP}:${INGRESS_PORT}/ answering 404" traefik_serving
  wait_until traefik 60 "GatewayClass ${INGRESS_CLASS} Accepted" gatewayclass_accepted
}

# ingress_up: brings the ingress controller to what `up` was asked for, on a
# fresh cluster or a running one.
ingress_up() {
  local want start=${SECONDS}
  want="$(ingress_wanted)"
  if [[ "${want}" == none ]]; then
    if pid_of traefik >/dev/null || [[ "$(ingress_mode)" == traefik ]]; then
      log "removing the ingress controller (--ingress none)"
      stop_component traefik
      ingress_objects_delete
    fi
    echo none >"${INGRESS_FILE}"
    return 0
  fi
  echo traefik >"${INGRESS_FILE}"
  if pid_of traefik >/dev/null && traefik_serving; then return 0; fi
  stop_component traefik
  ingress_objects
  start_traefik
  log "traefik ${TRAEFIK_VERSION} serving on ${NODE_IP}:${INGRESS_PORT} in $((SECONDS - start))s"
}

# ingress_status: one line for `status`; fails when Traefik should run and does not.
ingress_status() {
  local pid
  if pid="$(pid_of traefik)"; then
    printf '%-24s running  pid %s (%s:%s)\n' traefik "${pid}" "${NODE_IP}" "${INGRESS_PORT}"
  elif [[ "$(ingress_mode)" == traefik ]]; then
    printf '%-24s stopped\n' traefik
    return 1
  else
    printf '%-24s off (--ingress none)\n' traefik
  fi
}
