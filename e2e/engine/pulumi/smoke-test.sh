#!/usr/bin/env bash
# Proves the engine from e2e/engine/build-pulumi.sh works without a cluster and
# without network: a throw-away TypeScript project outside the repository
# (its node_modules is a link to the repository's) with one local.Command and
# one Pod rendered to YAML by a Kubernetes provider with renderYamlToDirectory.
#
#   e2e/engine/pulumi/smoke-test.sh [WORKDIR]
#
# Without WORKDIR it uses a new temporary folder and removes it on success.
# Runs stack init, preview, up, stack output, a second up that must change
# nothing, destroy and stack rm. Exits non-zero on the first failed check.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=../pulumi-env.sh
source "${HERE}/../pulumi-env.sh"

log() { printf '[smoke %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[[ -d "${REPO}/node_modules/@pulumi/pulumi" ]] || die "run npm ci in ${REPO} first"

OWN_WORK=0
if [[ $# -ge 1 ]]; then
  WORK="$1"
else
  WORK="$(mktemp -d /tmp/netlab-pulumi-smoke.XXXXXX)"
  OWN_WORK=1
fi
mkdir -p "${WORK}"
STACK="smoke"
log "project in ${WORK}"

cat >"${WORK}/Pulumi.yaml" <<'EOF'
name: netlab-engine-smoke
description: Checks the locally built Pulumi engine and providers.
runtime:
  name: nodejs
  options:
    typescript: true
EOF
cat >"${WORK}/package.json" <<'EOF'
{ "name": "netlab-engine-smoke", "private": true, "main": "index.ts" }
EOF
cat >"${WORK}/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "target": "ES2022",
    "module": "commonjs",
    "moduleResolution": "node",
    "esModuleInterop": true,
    "skipLibCheck": true
  },
  "files": ["index.ts"]
}
EOF
cat >"${WORK}/index.ts" <<'EOF'
import * as path from "path";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";

const hello = new command.local.Command("hello", { create: "echo hello" });

const render = new k8s.Provider("render", {
  renderYamlToDirectory: path.join(__dirname, "rendered"),
});

const pod = new k8s.core.v1.Pod(
  "web",
  {
    metadata: { name: "web", labels: { app: "web" } },
    spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
  },
  { provider: render },
);

export const helloStdout = hello.stdout;
export const podName = pod.metadata.name;
EOF
ln -sfn "${REPO}/node_modules" "${WORK}/node_modules"

cd "${WORK}"
log "pulumi $(pulumi version), node $(node --version)"
pulumi stack rm --yes --force "${STACK}" >/dev/null 2>&1 || true
rm -rf "${WORK}/rendered"

log "stack init"
pulumi stack init "${STACK}" --non-interactive
log "preview"
pulumi preview --non-interactive --diff
log "up"
pulumi up --yes --non-interactive --skip-preview
log "stack output"
out="$(pulumi stack output helloStdout)"
[[ "${out}" == "hello" ]] || die "helloStdout is '${out}', want 'hello'"
pod="$(pulumi stack output podName)"
[[ "${pod}" == "web" ]] || die "podName is '${pod}', want 'web'"
manifest="$(find rendered -name '*.yaml' | head -n 1)"
[[ -n "${manifest}" ]] || die "no manifest rendered under ${WORK}/rendered"
grep -q 'kind: Pod' "${manifest}" || die "${manifest} is not a Pod manifest"
log "rendered ${manifest}:"
cat "${manifest}" >&2

log "second up: must change nothing"
pulumi up --yes --non-interactive --expect-no-changes | tee "${WORK}/second-up.txt"
grep -Eq '[0-9]+ unchanged' "${WORK}/second-up.txt" || die "second up did not report unchanged resources"

log "destroy"
pulumi destroy --yes --non-interactive --skip-preview
[[ -z "$(find rendered -name '*.yaml' 2>/dev/null)" ]] || die "destroy left rendered manifests behind"
pulumi stack rm --yes "${STACK}"
cd /
if (( OWN_WORK )); then
  rm -rf "${WORK}"
fi
log "all checks passed"
