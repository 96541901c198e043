# shellcheck shell=sh
# What a container sees of its network, run as `sh -c "<these lines joined by ;>"`: its network namespace,
# its interfaces, eth0's MAC and its local addresses (the kernel's fib_trie lists them without `ip`).
echo "netns: $(readlink /proc/self/ns/net)"
# shellcheck disable=SC2012 # interface names are plain words, and minimal images have no find
echo "interfaces: $(ls /sys/class/net | tr "\n" " ")"
echo "eth0 mac: $(cat /sys/class/net/eth0/address)"
cat /proc/net/fib_trie
