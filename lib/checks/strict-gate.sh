# shellcheck shell=sh
# The strict-mode gate (report.ts): fails the update when a check failed. Its message comes in the
# environment (strictGateEnvironment), so that the provider's error shows it once, not inside the command.
if [ "$NETLAB_FAILED_CHECKS" = 0 ]; then printf '%s\n' "$NETLAB_STRICT_MESSAGE"; exit 0; fi
printf '%s\n' "$NETLAB_STRICT_MESSAGE" >&2
exit 1
