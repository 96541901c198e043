# shellcheck shell=sh
# What the lab learns about the cluster before it builds anything (clusterReads.ts embeds this text, without
# its comments, after the definitions below). Every read runs side by side, each bounded by its own
# `timeout`; the script always succeeds and prints, for each read in turn, its exit status, what it printed
# and what it said on stderr, so that a read the credentials forbid is told from one that found nothing.
#
# Set by clusterReads.ts: netlab_first, the read that runs first and alone (the server's version: one short
# request); netlab_reads, the names of the others, separated by spaces; for each name N, a function
# netlab_read_N running that read's kubectl command line. When the first read fails (no kubectl, no such
# kubeconfig or context, no answer), the others are not made: they could only fail the same way, slower.
: "${netlab_first:?}" "${netlab_reads:?}"
netlab_dir=$(mktemp -d) || exit 1
netlab_run() {
  "netlab_read_$1" >"$netlab_dir/$1.out" 2>"$netlab_dir/$1.err"
  echo "$?" >"$netlab_dir/$1.exit"
}
netlab_run "$netlab_first"
if [ "$(cat "$netlab_dir/$netlab_first.exit")" = 0 ]; then
  for netlab_read in $netlab_reads; do
    netlab_run "$netlab_read" &
  done
  wait
else
  netlab_reads=
fi
for netlab_read in $netlab_first $netlab_reads; do
  printf -- '--- netlab read %s exit %s ---\n' "$netlab_read" "$(cat "$netlab_dir/$netlab_read.exit")"
  cat "$netlab_dir/$netlab_read.out"
  printf -- '\n--- netlab stderr %s ---\n' "$netlab_read"
  cat "$netlab_dir/$netlab_read.err"
  printf '\n'
done
rm -rf "$netlab_dir"
