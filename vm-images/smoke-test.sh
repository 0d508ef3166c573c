#!/usr/bin/env bash
# Boots the test guest inside a network namespace made for this test, with plain Linux networking on the other
# side (no vnic-signer): a TAP holding 10.201.0.1/24 and the signing IP 169.254.169.250, and a small Python HTTP
# server on port 80 that keeps PUT bodies for later GETs. Passes when the guest's scripted client reports
# arping, ping, GET, PUT and the GET of what it PUT as ok, with matching digests, and the server saw them.
# Cleans up the namespace, TAP, helpers and QEMU on every exit path. Needs root.
#   vm-images/smoke-test.sh [--attach tap|stream|vhost-user|all] [--accel auto|kvm|tcg] [--offloads on|off]
#                           [--keep-log FILE]
# How the guest's NIC reaches the namespace's TAP:
#   tap         QEMU opens the TAP itself (-netdev tap);
#   stream      QEMU -netdev stream to a Python relay that moves length-prefixed frames to and from a TAP;
#   vhost-user  QEMU vhost-user to dpdk-testpmd, forwarding between net_vhost and a net_tap TAP.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ME=smoke-test
ATTACH=tap ACCEL=auto KEEP_LOG="" OFFLOADS=on
while [ $# -gt 0 ]; do
  case "$1" in
    --attach) ATTACH=${2:?}; shift 2 ;;
    --accel) ACCEL=${2:?}; shift 2 ;;
    --keep-log) KEEP_LOG=${2:?}; shift 2 ;;
    --offloads) OFFLOADS=${2:?}; shift 2 ;;
    *) echo "$ME: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$ATTACH" = all ]; then
  for mode in tap stream vhost-user; do
    "$0" --attach "$mode" --accel "$ACCEL" --offloads "$OFFLOADS" ${KEEP_LOG:+--keep-log "$KEEP_LOG.$mode"} || exit 1
  done
  exit 0
fi
case "$ATTACH" in tap|stream|vhost-user) ;; *) echo "$ME: --attach tap|stream|vhost-user|all" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "$ME: needs root (network namespace and TAP)" >&2; exit 2; }
if [ "$ATTACH" = vhost-user ] && ! command -v dpdk-testpmd >/dev/null; then
  echo "$ME: --attach vhost-user needs dpdk-testpmd (apt-get install dpdk)" >&2; exit 2
fi

NS="vnic-smoke-$$"
TAP="vsmk$$"
HOST_IP=10.201.0.1 GUEST_IP=10.201.0.2 SIGNING_IP=169.254.169.250 GUEST_MAC=52:54:00:5e:00:02
WORK=$(mktemp -d /tmp/vnic-smoke.XXXXXX)
HELPERS=() LAUNCH_PID=""

cleanup() {
  local status=$? pid
  set +e
  pid=$(cat "$WORK/qemu.pid" 2>/dev/null)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qF "$WORK/serial.log" "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid"
  fi
  [ -n "$LAUNCH_PID" ] && kill -0 "$LAUNCH_PID" 2>/dev/null && kill -TERM "$LAUNCH_PID" && wait "$LAUNCH_PID"
  for pid in "${HELPERS[@]}"; do
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" && wait "$pid"
  done
  ip netns del "$NS" 2>/dev/null
  rm -rf "/var/run/dpdk/vnic-smoke-$$"
  [ -n "$KEEP_LOG" ] && cp "$WORK/serial.log" "$KEEP_LOG" 2>/dev/null
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
fail() {
  echo "$ME: FAIL ($ATTACH): $*" >&2
  local f
  for f in serial.log server.log helper.log; do
    [ -s "$WORK/$f" ] && { echo "---- $f ----" >&2; tail -n 40 "$WORK/$f" >&2; }
  done
  exit 1
}
# Helpers started in the background call ip netns exec directly (not in_ns), so that $! is their own PID:
# ip execs the command, whereas a function would run in a subshell that a kill would not reach through.
in_ns() { ip netns exec "$NS" "$@"; }
# Waits up to ten seconds for a command to succeed while helper $1 stays alive.
wait_for() {
  local pid=$1 what=$2
  shift 2
  for _ in $(seq 100); do
    "$@" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || fail "$what: its process died"
    sleep 0.1
  done
  fail "$what: not ready after 10 s"
}

T_START=$(now)
"$HERE/build.sh" >/dev/null
T_BUILT=$(now)

ip netns add "$NS"
in_ns ip link set lo up

# Python relay for -netdev stream: each frame on the unix socket is behind a 4-byte big-endian length.
cat >"$WORK/relay.py" <<'PY'
import fcntl, os, select, socket, struct, sys

TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0002, 0x1000
tap = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tap, TUNSETIFF, struct.pack("16sH22x", sys.argv[1].encode(), IFF_TAP | IFF_NO_PI))
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[2])
listener.listen(1)
peer, _ = listener.accept()
print("qemu connected", flush=True)
pending = b""
while True:
    ready, _, _ = select.select([tap, peer], [], [])
    if tap in ready:
        frame = os.read(tap, 65536)
        peer.sendall(struct.pack(">I", len(frame)) + frame)
    if peer in ready:
        data = peer.recv(65536)
        if not data:
            break
        pending += data
        while len(pending) >= 4:
            size = struct.unpack(">I", pending[:4])[0]
            if len(pending) < 4 + size:
                break
            os.write(tap, pending[4:4 + size])
            pending = pending[4 + size:]
PY

LAUNCH_ARGS=()
TAP_OWNER=$$
case "$ATTACH" in
  tap)
    in_ns ip tuntap add dev "$TAP" mode tap
    LAUNCH_ARGS=(--tap "$TAP") ;;
  stream)
    ip netns exec "$NS" python3 -u "$WORK/relay.py" "$TAP" "$WORK/stream.sock" >"$WORK/helper.log" 2>&1 &
    HELPERS+=($!)
    TAP_OWNER=${HELPERS[-1]}
    wait_for "$TAP_OWNER" "stream relay" test -S "$WORK/stream.sock"
    LAUNCH_ARGS=(--stream "$WORK/stream.sock") ;;
  vhost-user)
    # Both lcores float over all CPUs, so testpmd pins nothing on this shared machine.
    ip netns exec "$NS" dpdk-testpmd --lcores '0@(0-1),1@(0-1)' --no-huge -m 256 --no-pci --no-telemetry \
      --file-prefix "vnic-smoke-$$" --vdev "net_vhost0,iface=$WORK/vhost.sock" --vdev "net_tap0,iface=$TAP" \
      -- --forward-mode=io --nb-cores=1 --total-num-mbufs=8192 --stats-period 10 >"$WORK/helper.log" 2>&1 </dev/null &
    HELPERS+=($!)
    TAP_OWNER=${HELPERS[-1]}
    wait_for "$TAP_OWNER" "dpdk-testpmd" test -S "$WORK/vhost.sock"
    LAUNCH_ARGS=(--vhost-user "$WORK/vhost.sock") ;;
esac
wait_for "$TAP_OWNER" "TAP $TAP" in_ns test -e "/sys/class/net/$TAP"
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
        self.reply(200, b"")

http.server.ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
PY
ip netns exec "$NS" python3 -u "$WORK/server.py" 80 >"$WORK/server.log" 2>&1 &
HELPERS+=($!)
wait_for "${HELPERS[-1]}" "HTTP server" in_ns python3 -c 'import socket; socket.create_connection(("10.201.0.1", 80), 0.2)'

: >"$WORK/serial.log"
T_LAUNCH=$(now)
"$ROOT/scripts/launch-guest.sh" --netns "$NS" "${LAUNCH_ARGS[@]}" --mac "$GUEST_MAC" --ip "$GUEST_IP/24" --gw "$HOST_IP" \
  --script smoke --log "$WORK/serial.log" --pidfile "$WORK/qemu.pid" --timeout 90 --accel "$ACCEL" --offloads "$OFFLOADS" \
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
expect() { grep -E "^VNIC-RESULT .*status=ok $1" "$WORK/vnic.lines" >/dev/null || fail "missing result: $1"; }
expect "op=arping dst=$SIGNING_IP mac=[0-9a-fA-F:]{17}"
expect "op=ping dst=$SIGNING_IP"
expect "op=get via=wget path=/hello http=200 bytes=33 "
expect "op=put via=nc path=/vnic/object http=200 sent=21 "
# The GET after the PUT returns exactly what was sent: md5 of "hello-from-vnic-guest".
sent_md5=$(printf 'hello-from-vnic-guest' | md5sum | cut -d' ' -f1)
expect "op=get via=wget path=/vnic/object http=200 bytes=21 md5=$sent_md5"
grep -q '^VNIC-DONE ok=5 fail=0' "$WORK/vnic.lines" || fail "expected 5 ok steps and no failure"
grep -q "^$GUEST_IP .*\"PUT /vnic/object HTTP/1.1\" 200" "$WORK/server.log" || fail "server did not log the guest's PUT"
grep -q "^$GUEST_IP .*\"GET /vnic/object HTTP/1.1\" 200" "$WORK/server.log" || fail "server did not log the guest's GET"

accel=$(sed -n 's/.*accel=\([a-z]*\).*/\1/p' "$WORK/launch.out" | head -n 1)
ready_uptime=$(sed -n 's/^VNIC-READY uptime=\([0-9.]*\).*/\1/p' "$WORK/vnic.lines")
echo "$ME: PASS (attach=$ATTACH accel=$accel offloads=$OFFLOADS)"
echo "$ME: image check $(elapsed "$T_START" "$T_BUILT") s;" \
  "launch to /init $(elapsed "$T_LAUNCH" "${T_BOOT:-$T_DONE}") s;" \
  "launch to NIC ready $(elapsed "$T_LAUNCH" "${T_READY:-$T_DONE}") s (guest uptime $ready_uptime s);" \
  "launch to poweroff $(elapsed "$T_LAUNCH" "$T_DONE") s; total $(elapsed "$T_START" "$(now)") s"
