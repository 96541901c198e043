# shellcheck shell=sh
# Run in a node probe, on the node's host network (network.ts embeds it as one `sh -c` line): kube-proxy's
# mode as it answers on the node's loopback (its metrics port), then the way toward another node's pod ($1)
# and the details of the device that way leaves by (a tunnel says its kind: vxlan, geneve...), and for a
# tunnel over another device (a vxlan's "dev"), that device's line: the link the tunnel's packets cross. One
# key=value line each; a value is empty when its tool or its answer is missing.
netlab_mode=$(curl -s --connect-timeout 2 --max-time 3 http://127.0.0.1:10249/proxyMode 2>/dev/null)
echo "proxy-mode=$netlab_mode"
netlab_route=$(ip -o route get "$1" 2>/dev/null | head -n 1)
echo "route=$netlab_route"
netlab_dev=$(printf '%s\n' "$netlab_route" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
[ -n "$netlab_dev" ] || exit 0
netlab_link=$(ip -d -o link show dev "$netlab_dev" 2>/dev/null | head -n 1)
echo "link=$netlab_link"
netlab_under=$(printf '%s\n' "$netlab_link" | sed -n 's/.* \(vxlan\|geneve\|ipip\|gre\) .* dev \([^ ]*\) .*/\2/p')
if [ -n "$netlab_under" ]; then echo "underlay=$(ip -o link show dev "$netlab_under" 2>/dev/null | head -n 1)"; fi
