# shellcheck shell=sh
# What the lab learns about the cluster before it builds anything (discoveryCommand in cluster.ts embeds this
# text, without its comments, after the definitions below). Two kubectl calls side by side; it always
# succeeds: when the cluster cannot be reached, the provider's own error says so more clearly.
#
# Set by cluster.ts: netlab_get_cluster, a function printing the nodes, namespaces and EndpointSlices as JSON;
# netlab_get_objects, one printing a line per lab object in the namespace; netlab_unreachable, what to print
# for the cluster when kubectl fails; netlab_marker, the line between the two answers.
: "${netlab_unreachable:?}" "${netlab_marker:?}"
netlab_cluster=$(mktemp) && netlab_objects=$(mktemp) || exit 1
{ netlab_get_cluster >"$netlab_cluster" 2>/dev/null || printf '%s' "$netlab_unreachable" >"$netlab_cluster"; } &
{ netlab_get_objects >"$netlab_objects" 2>/dev/null || : >"$netlab_objects"; } &
wait
cat "$netlab_cluster"; printf '\n%s\n' "$netlab_marker"; cat "$netlab_objects"
rm -f "$netlab_cluster" "$netlab_objects"
