# shellcheck shell=bash
# Source this to use the Pulumi engine that e2e/engine/build-pulumi.sh built:
#
#   source e2e/engine/pulumi-env.sh && pulumi version
#
# It sets PATH (the engine's bin first), PULUMI_HOME, a file backend under
# ${NETLAB_E2E_STATE:-/var/lib/netlab-e2e}, a passphrase for the stack secrets
# (a fixed value that protects nothing: e2e stacks hold no secrets; set
# PULUMI_CONFIG_PASSPHRASE before sourcing to use another) and switches off
# every network access of the CLI (update check, plugin downloads).
# It only sets variables; it does not change the calling shell's options.

# shellcheck source-path=SCRIPTDIR source=pulumi/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/pulumi/lib.sh"

if netlab_pulumi_versions; then
  if [[ ! -x "${NETLAB_PULUMI_DIR}/bin/pulumi" ]]; then
    echo "pulumi-env.sh: ${NETLAB_PULUMI_DIR}/bin/pulumi is missing: run e2e/engine/build-pulumi.sh first" >&2
  fi
  case ":${PATH}:" in
    *":${NETLAB_PULUMI_DIR}/bin:"*) ;;
    *) PATH="${NETLAB_PULUMI_DIR}/bin:${NETLAB_PULUMI_DIR}/ambient:${PATH}" ;;
  esac
  export PATH
  export PULUMI_HOME="${NETLAB_E2E_CACHE}/pulumi-home"
  export PULUMI_BACKEND_URL="file://${NETLAB_E2E_STATE}/pulumi-backend"
  mkdir -p "${NETLAB_E2E_STATE}/pulumi-backend"
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-netlab-e2e-not-a-secret}"
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  # No look-up of missing packages in the Pulumi registry service.
  export PULUMI_DISABLE_REGISTRY_RESOLVE=true
  # The Automation API (@pulumi/pulumi/automation) would otherwise compare
  # the CLI version with its own minimum on every workspace.
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  # Ambient plugins stay allowed: the Kubernetes provider is found on PATH
  # (the ambient/ folder) when its version differs from the npm SDK's.
  unset PULUMI_IGNORE_AMBIENT_PLUGINS
else
  echo "pulumi-env.sh: could not read the Pulumi versions from package-lock.json" >&2
fi
