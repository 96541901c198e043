# shellcheck shell=bash
# A large transfer both ways, run in the client (probes.ts embeds it as one `bash -c` line): $2 random bytes,
# base64-encoded, POSTed as a form to $1 (agnhost netexec's /echo returns the message it is given), with
# curl's connect timeout $3 and time limit $4. Prints what went and what came back, each as
# "<sent|received>=<bytes> <sha256>", then exits with curl's status.
netlab_sent=$(mktemp) && netlab_back=$(mktemp) || exit 1
head -c "$2" /dev/urandom | base64 -w0 >"$netlab_sent"
curl -sS --connect-timeout "$3" --max-time "$4" --data-urlencode "msg@$netlab_sent" -o "$netlab_back" "$1"; netlab_rc=$?
echo "sent=$(wc -c <"$netlab_sent") $(sha256sum <"$netlab_sent" | cut -d' ' -f1)"
echo "received=$(wc -c <"$netlab_back") $(sha256sum <"$netlab_back" | cut -d' ' -f1)"
rm -f "$netlab_sent" "$netlab_back"
exit "$netlab_rc"
