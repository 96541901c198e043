# shellcheck shell=sh
# Run in a node probe, on the node's host network (network.ts embeds it as one `sh -c` line): kube-proxy's
# mode as it answers on the node's loopback (its metrics port), then the way toward another node's pod ($1)
# and the details of the device that way leaves by (a tunnel says its kind: vxlan, geneve...), and for a
# tunnel over another device (a vxlan's "dev"), that device's line: the link the tunnel's packets cross. With
# $2, an IPv6 address of a pod on another node (dual-stack), the way toward it and its device as well: a
# network plugin may carry IPv6 by another device (flannel's flannel-v6.1) at another MTU. One key=value line
# each; a value is empty when its tool or its answer is missing. (One statement per line: network.ts joins
# the lines with "; ".)
netlab_mode=$(curl -s --connect-timeout 2 --max-time 3 http://127.0.0.1:10249/proxyMode 2>/dev/null)
echo "proxy-mode=$netlab_mode"
[ -z "$2" ] || netlab_route6=$(ip -o -6 route get "$2" 2>/dev/null | head -n 1)
[ -z "$2" ] || echo "route6=$netlab_route6"
netlab_dev6=$(printf '%s\n' "$netlab_route6" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
[ -z "$netlab_dev6" ] || echo "link6=$(ip -d -o link show dev "$netlab_dev6" 2>/dev/null | head -n 1)"
netlab_route=$(ip -o route get "$1" 2>/dev/null | head -n 1)
echo "route=$netlab_route"
netlab_dev=$(printf '%s\n' "$netlab_route" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
[ -n "$netlab_dev" ] || exit 0
netlab_link=$(ip -d -o link show dev "$netlab_dev" 2>/dev/null | head -n 1)
echo "link=$netlab_link"
netlab_under=$(printf '%s\n' "$netlab_link" | sed -n 's/.* \(vxlan\|geneve\|ipip\|gre\) .* dev \([^ ]*\) .*/\2/p')
if [ -n "$netlab_under" ]; then echo "underlay=$(ip -o link show dev "$netlab_under" 2>/dev/null | head -n 1)"; fi
