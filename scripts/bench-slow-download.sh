#!/usr/bin/env bash
# Daemon memory while a slow guest downloads a large object through the signing IP (issue 5: "a 1 GiB download to
# a slow guest keeps daemon memory bounded"). The upstream is python3's http.server on loopback serving a sparse
# file, so nothing but the dataplane holds the bytes; the guest's curl reads at --limit-rate. The daemon's RSS
# (VmRSS) is sampled every 200 ms before, during and after. Usage: bench-slow-download.sh [MiB] [rate, e.g. 40M]
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "bench-slow-download.sh: needs root (TAP devices, namespaces)" >&2; exit 1; }
SIZE_MIB=${1:-1024}
RATE=${2:-40M}
vnic_setup_java
vnic_ensure_built

NS=vsslow-g$$ TAP=vssg$$ UPLINK_TAP=vssu$$ MAC=52:54:00:00:00:01 IP=10.200.0.2
WORK=$(mktemp -d /tmp/vnic-slow-download.XXXXXX)
VNIC_DAEMON_PID="" SERVER_PID=""
cleanup() {
  set +e
  for pid in "$VNIC_DAEMON_PID" "$SERVER_PID"; do
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { kill -TERM "$pid"; wait "$pid" 2>/dev/null; }
  done
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

truncate -s "${SIZE_MIB}M" "$WORK/object.bin"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$WORK" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
install -m 0600 /dev/null "$WORK/t.json"
echo '{"accessKeyId":"AKIDSLOW","secretAccessKey":"slow-download-secret"}' > "$WORK/t.json"
cat > "$WORK/config.yaml" <<YAML
uplink: { port: "tap:$UPLINK_TAP" }
instances:
  - { id: i-slow, tenant: t, mac: "$MAC", ip: $IP, port: "tap:$TAP" }
routes:
  - { host: files.local, upstream: "http://127.0.0.1:$PORT", service: s3, region: us-east-1 }
tenants:
  - { id: t, credentialsFile: $WORK/t.json }
YAML
vnic_start_daemon "$WORK/config.yaml" "$WORK/run" "$WORK/daemon.log" "$TAP" "$UPLINK_TAP"
vnic_guest_namespace "$NS" "$TAP" "$MAC" "$IP"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$VNIC_DAEMON_PID/status"; }
sleep 2
before=$(rss_kib)
max=$before
ip netns exec "$NS" curl -sS -o /dev/null --limit-rate "$RATE" -w '%{http_code} %{size_download} %{time_total}\n' \
  -H 'Host: files.local' "http://169.254.169.250/object.bin" > "$WORK/curl.txt" &
CURL_PID=$!
while kill -0 "$CURL_PID" 2>/dev/null; do
  now=$(rss_kib); [ "$now" -gt "$max" ] && max=$now
  sleep 0.2
done
wait "$CURL_PID"
after=$(rss_kib)
read -r status bytes seconds < "$WORK/curl.txt"
[ "$status" = 200 ] && [ "$bytes" -eq $((SIZE_MIB * 1048576)) ] || { echo "download failed: $status $bytes" >&2; exit 1; }
echo "downloaded $bytes bytes at $RATE/s in $seconds s"
echo "daemon RSS: before $((before / 1024)) MiB, max during $((max / 1024)) MiB (+$(((max - before) / 1024)) MiB), after $((after / 1024)) MiB"
