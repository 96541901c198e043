# shellcheck shell=bash
# An HTTP GET with bash's own TCP support, for images that have bash but no curl (httpd, nginx), run as
# `bash -c "<these lines joined by ;>" _ HOST PORT`. It times the connect and the whole request with bash's
# $EPOCHREALTIME and prints them as curl's --write-out does, on a line of its own after the body.
# @TIMING_PREFIX@ is replaced by the prefix lib/checks/timing.ts reads back.
s=${EPOCHREALTIME/[.,]/}
exec 3<>"/dev/tcp/$1/$2" || exit
c=${EPOCHREALTIME/[.,]/}
# shellcheck disable=SC2015 # a failed write and a failed read both end the probe
printf 'GET / HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" >&3 && cat <&3 || exit
e=${EPOCHREALTIME/[.,]/}
printf '\n@TIMING_PREFIX@ connect=%d.%06d total=%d.%06d\n' $(((c - s) / 1000000)) $(((c - s) % 1000000)) $(((e - s) / 1000000)) $(((e - s) % 1000000))
