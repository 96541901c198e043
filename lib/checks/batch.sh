# shellcheck shell=sh
# Runs inside a container: sh -c '<this>' netlab-batch '<probe 0>' '<probe 1>' ..., each probe a command line
# quoted for sh (batch.ts embeds this text, without its comments, after the variables below). Runs the probes
# side by side, their outputs kept in a temporary directory, then prints netlab_header and per probe a line
# `probe <i> exit=<code> ms=<duration or -1> out=<bytes> err=<bytes>` followed by its stdout and stderr.
#
# Set by batch.ts: netlab_header, the first line of the answer; netlab_no_tmp_exit, the exit code when the
# container has no writable temporary directory (then nothing runs and nothing is printed).
: "${netlab_header:?}" "${netlab_no_tmp_exit:?}"
if ! d=$(mktemp -d 2>/dev/null) || [ ! -d "$d" ]; then
  echo 'netlab-batch: no writable temporary directory' >&2
  exit "$netlab_no_tmp_exit"
fi
trap 'rm -rf "$d"' EXIT
n=0
for p in "$@"; do
  ( s=$(date +%s%N 2>/dev/null); eval "$p" >"$d/$n.o" 2>"$d/$n.e" </dev/null; c=$?; e=$(date +%s%N 2>/dev/null); echo "$c $s $e" >"$d/$n.c" ) &
  n=$((n + 1))
done
wait
echo "$netlab_header"
i=0
while [ "$i" -lt "$n" ]; do
  c=-1 s="" e=""
  [ -f "$d/$i.c" ] && read -r c s e <"$d/$i.c"
  ms=-1
  # A date that cannot give nanoseconds gives no duration: -1.
  case "$s$e" in ""|*[!0-9]*) ;; *) ms=$(((e - s) / 1000000)) ;; esac
  echo "probe $i exit=$c ms=$ms out=$(($(wc -c <"$d/$i.o"))) err=$(($(wc -c <"$d/$i.e")))"
  cat "$d/$i.o" "$d/$i.e"
  i=$((i + 1))
done
