#!/usr/bin/env bash
# Boots the test guest on a TAP inside a network namespace made for this test, with plain Linux networking on
# the other side (no vnic-signer): the TAP holds 10.201.0.1/24 and the signing IP 169.254.169.250, and a small
# Python HTTP server answers there on port 80, keeping PUT bodies for later GETs. Passes when the guest's
# scripted client reports arping, ping, GET, PUT and the GET of what it PUT as ok, with matching digests.
# Cleans up the namespace, TAP, server and QEMU on every exit path. Needs root.
#   vm-images/smoke-test.sh [--accel auto|kvm|tcg] [--keep-log FILE]
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ME=smoke-test
ACCEL=auto KEEP_LOG=""
while [ $# -gt 0 ]; do
  case "$1" in
    --accel) ACCEL=${2:?}; shift 2 ;;
    --keep-log) KEEP_LOG=${2:?}; shift 2 ;;
    *) echo "$ME: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "$ME: needs root (network namespace and TAP)" >&2; exit 2; }

NS="vnic-smoke-$$"
TAP="vsmk$$"
HOST_IP=10.201.0.1 GUEST_IP=10.201.0.2 SIGNING_IP=169.254.169.250 GUEST_MAC=52:54:00:5e:00:02
WORK=$(mktemp -d /tmp/vnic-smoke.XXXXXX)
SERVER_PID="" LAUNCH_PID=""

cleanup() {
  local status=$? pid
  set +e
  pid=$(cat "$WORK/qemu.pid" 2>/dev/null)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qF "$WORK/serial.log" "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid"
  fi
  [ -n "$LAUNCH_PID" ] && kill -0 "$LAUNCH_PID" 2>/dev/null && kill -TERM "$LAUNCH_PID" && wait "$LAUNCH_PID"
  [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null && kill -TERM "$SERVER_PID" && wait "$SERVER_PID"
  ip netns del "$NS" 2>/dev/null
  [ -n "$KEEP_LOG" ] && cp "$WORK/serial.log" "$KEEP_LOG" 2>/dev/null
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
fail() {
  echo "$ME: FAIL: $*" >&2
  echo "---- serial log ----" >&2; cat "$WORK/serial.log" >&2 2>/dev/null
  echo "---- server log ----" >&2; cat "$WORK/server.log" >&2 2>/dev/null
  exit 1
}

T_START=$(now)
"$HERE/build.sh" >/dev/null
T_BUILT=$(now)

ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }
in_ns ip link set lo up
in_ns ip tuntap add dev "$TAP" mode tap
in_ns ip addr add "$HOST_IP/24" dev "$TAP"
# The namespace plays the dataplane's part for the signing IP, so the guest's on-link route and ARP work.
in_ns ip addr add "$SIGNING_IP/32" dev "$TAP"
in_ns ip link set "$TAP" up

cat >"$WORK/server.py" <<'PY'
import http.server, sys

store = {}

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stdout.write("%s %s\n" % (self.client_address[0], fmt % args))
        sys.stdout.flush()

    def reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        if self.path == "/hello":
            self.reply(200, b"hello from the smoke-test server\n")
        elif self.path in store:
            self.reply(200, store[self.path])
        else:
            self.reply(404, b"not found\n")

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        store[self.path] = body
        sys.stdout.write("PUT-BODY %s %d %s\n" % (self.path, len(body), body[:64]))
        self.reply(200, b"")

http.server.ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
PY
in_ns python3 -u "$WORK/server.py" 80 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
  in_ns python3 -c 'import socket; socket.create_connection(("10.201.0.1", 80), 0.2)' 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "HTTP server did not start"
  sleep 0.1
done

: >"$WORK/serial.log"
T_LAUNCH=$(now)
in_ns "$ROOT/scripts/launch-guest.sh" --tap "$TAP" --mac "$GUEST_MAC" --ip "$GUEST_IP/24" --gw "$HOST_IP" \
  --script smoke --log "$WORK/serial.log" --pidfile "$WORK/qemu.pid" --timeout 90 --accel "$ACCEL" \
  >"$WORK/launch.out" 2>&1 &
LAUNCH_PID=$!

# Timestamps the first appearance of each milestone line, polling the serial log.
T_BOOT="" T_READY=""
while kill -0 "$LAUNCH_PID" 2>/dev/null; do
  [ -z "$T_BOOT" ] && grep -q '^VNIC-BOOT' "$WORK/serial.log" && T_BOOT=$(now)
  [ -z "$T_READY" ] && grep -q '^VNIC-READY' "$WORK/serial.log" && T_READY=$(now)
  sleep 0.05
done
T_DONE=$(now)
launch_status=0
wait "$LAUNCH_PID" || launch_status=$?
LAUNCH_PID=""
cat "$WORK/launch.out"
[ "$launch_status" -eq 0 ] || fail "launch-guest.sh exited with $launch_status"

tr -d '\r' <"$WORK/serial.log" | grep '^VNIC-' >"$WORK/vnic.lines" || fail "no VNIC lines on the serial console"
cat "$WORK/vnic.lines"
grep -q '^VNIC-READY' "$WORK/vnic.lines" || fail "guest never configured its NIC"
grep -q '^VNIC-DONE ok=5 fail=0' "$WORK/vnic.lines" || fail "expected 5 ok steps and no failure"
expect() { grep -E "^VNIC-RESULT .*status=ok $1" "$WORK/vnic.lines" >/dev/null || fail "missing result: $1"; }
expect "op=arping dst=$SIGNING_IP mac=[0-9a-fA-F:]{17}"
expect "op=ping dst=$SIGNING_IP"
expect "op=get path=/hello http=200 bytes=33 "
expect "op=put path=/vnic/object http=200 sent=21 "
# The GET after the PUT returns exactly what was sent: md5 of "hello-from-vnic-guest".
sent_md5=$(printf 'hello-from-vnic-guest' | md5sum | cut -d' ' -f1)
expect "op=get path=/vnic/object http=200 bytes=21 md5=$sent_md5"
grep -q "^$GUEST_IP .*\"PUT /vnic/object HTTP/1.1\" 200" "$WORK/server.log" || fail "server did not log the guest's PUT"
grep -q "^$GUEST_IP .*\"GET /vnic/object HTTP/1.1\" 200" "$WORK/server.log" || fail "server did not log the guest's GET"

accel=$(sed -n 's/.*accel=\([a-z]*\).*/\1/p' "$WORK/launch.out" | head -n 1)
ready_uptime=$(sed -n 's/^VNIC-READY uptime=\([0-9.]*\).*/\1/p' "$WORK/vnic.lines")
echo "$ME: PASS (accel=$accel)"
echo "$ME: image build/check $(elapsed "$T_START" "$T_BUILT") s;" \
  "launch to /init $(elapsed "$T_LAUNCH" "${T_BOOT:-$T_DONE}") s;" \
  "launch to NIC ready $(elapsed "$T_LAUNCH" "${T_READY:-$T_DONE}") s (guest uptime $ready_uptime s);" \
  "launch to poweroff $(elapsed "$T_LAUNCH" "$T_DONE") s; total $(elapsed "$T_START" "$(now)") s"
