#!/usr/bin/env bash
# The README's picture: the `diagram` output of a real e2e run, rendered by headless chromium.
#
#   e2e/lab/diagram-screenshot.sh [OUTPUTS_JSON] [PNG]
#
# OUTPUTS_JSON defaults to the stack outputs e2e/lab/run.sh saved after its injected failure (step 5: a
# service targetPort nothing serves); PNG defaults to docs/diagram-e2e-one-failure.png.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUTPUTS="${1:-${NETLAB_E2E_STATE:-/var/lib/netlab-e2e}/e2e-run/broken-outputs.json}"
PNG="${2:-${ROOT}/docs/diagram-e2e-one-failure.png}"
[[ -f "${OUTPUTS}" ]] || { echo "no ${OUTPUTS}: run npm run e2e first" >&2; exit 1; }
node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).diagram)' "${OUTPUTS}" |
  node "${ROOT}/scripts/render-diagram.mjs" --png "${PNG}"
