#!/usr/bin/env bash
# Runs vnic-signer on an embedded default: a guest network namespace and an uplink namespace joined through the
# dataplane. Shows the guest resolving and pinging the signing IP, reaching the uplink, and a spoofed guest being
# dropped, with the counters. Cleans everything up, even on failure.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "demo.sh: needs root (it creates TAP devices and network namespaces)" >&2; exit 1; }
for tool in ip arping ping; do
  command -v "$tool" >/dev/null || { echo "demo.sh: needs '$tool'; run scripts/test.sh once or: apt-get install iproute2 arping iputils-ping" >&2; exit 1; }
done

vnic_setup_java
vnic_ensure_built

GUEST_NS=vsdemo-guest UPLINK_NS=vsdemo-uplink GUEST_TAP=vsdg0 UPLINK_TAP=vsdu0
GUEST_MAC=52:54:00:00:00:01 GUEST_IP=10.200.0.2 SIGNING_IP=169.254.169.250
WORK=$(mktemp -d /tmp/vnic-signer-demo.XXXXXX)
DAEMON_PID=""

cleanup() {
  set +e
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
  fi
  ip netns del "$GUEST_NS" 2>/dev/null
  ip netns del "$UPLINK_NS" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
in_guest() { ip netns exec "$GUEST_NS" "$@"; }
stats() { "$VNIC_ROOT/scripts/vnic-signer" stats --dir "$WORK/run"; }

ip netns del "$GUEST_NS" 2>/dev/null || true
ip netns del "$UPLINK_NS" 2>/dev/null || true

cat > "$WORK/config.yaml" <<YAML
signingIp: $SIGNING_IP
uplink: { port: "tap:$UPLINK_TAP" }
instances:
  - id: i-demo1
    tenant: acme
    mac: "$GUEST_MAC"
    ip: $GUEST_IP
    port: "tap:$GUEST_TAP"
YAML
step "config"
cat "$WORK/config.yaml"

step "start the dataplane"
# shellcheck disable=SC2046
"$JAVA_HOME/bin/java" $(vnic_jvm_flags) -jar "$VNIC_ROOT/control/target/vnic-signer.jar" \
  run --config "$WORK/config.yaml" --dir "$WORK/run" > "$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 100); do
  [ -e "/sys/class/net/$GUEST_TAP" ] && [ -e "/sys/class/net/$UPLINK_TAP" ] && [ -e "$WORK/run/counters.dat" ] && break
  kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/daemon.log"; exit 1; }
  sleep 0.1
done
cat "$WORK/daemon.log"

step "guest namespace $GUEST_NS ($GUEST_IP, $GUEST_MAC) and uplink namespace $UPLINK_NS (10.200.0.1)"
ip netns add "$GUEST_NS"
ip netns add "$UPLINK_NS"
ip link set "$GUEST_TAP" netns "$GUEST_NS"
ip link set "$UPLINK_TAP" netns "$UPLINK_NS"
ip -n "$GUEST_NS" link set lo up
ip -n "$GUEST_NS" link set "$GUEST_TAP" address "$GUEST_MAC" up
ip -n "$GUEST_NS" addr add "$GUEST_IP/24" dev "$GUEST_TAP"
ip -n "$GUEST_NS" route add "$SIGNING_IP/32" dev "$GUEST_TAP"
ip -n "$UPLINK_NS" link set "$UPLINK_TAP" up
ip -n "$UPLINK_NS" addr add 10.200.0.1/24 dev "$UPLINK_TAP"

step "guest: arping -c1 $SIGNING_IP (answered by the dataplane with the signing MAC)"
in_guest arping -c1 -w3 -I "$GUEST_TAP" "$SIGNING_IP"

step "guest: ping -c2 $SIGNING_IP (answered with TTL 1, the instance's hop limit)"
in_guest ping -c2 -W2 "$SIGNING_IP"

step "guest: ping -c2 10.200.0.1 (switched through to the uplink namespace)"
in_guest ping -c2 -W2 10.200.0.1

step "guest changes its MAC to 52:54:00:00:00:99: its frames are dropped as spoofed"
ip -n "$GUEST_NS" link set "$GUEST_TAP" address 52:54:00:00:00:99
if in_guest ping -c1 -W1 10.200.0.1 >/dev/null; then echo "unexpected: spoofed ping got through" >&2; exit 1; fi
echo "ping failed, as it should"
ip -n "$GUEST_NS" link set "$GUEST_TAP" address "$GUEST_MAC"

step "guest sends from 10.200.0.3, an IP that is not its own: dropped as spoofed"
ip -n "$GUEST_NS" addr add 10.200.0.3/24 dev "$GUEST_TAP"
# A static neighbour entry makes the guest send IPv4 straight away; its ARP from 10.200.0.3 would be dropped too.
UPLINK_MAC=$(cat "/sys/class/net/$UPLINK_TAP/address" 2>/dev/null || ip netns exec "$UPLINK_NS" cat "/sys/class/net/$UPLINK_TAP/address")
ip -n "$GUEST_NS" neigh replace 10.200.0.1 lladdr "$UPLINK_MAC" dev "$GUEST_TAP" nud permanent
if in_guest ping -c1 -W1 -I 10.200.0.3 10.200.0.1 >/dev/null; then echo "unexpected: spoofed ping got through" >&2; exit 1; fi
echo "ping failed, as it should"

step "scripts/vnic-signer stats"
stats | tee "$WORK/stats.txt"
grep -q 'spoofed-src-mac' "$WORK/stats.txt" && grep -q 'spoofed-src-ip' "$WORK/stats.txt" \
  || { echo "demo.sh: the spoof counters did not rise" >&2; exit 1; }

step "stop"
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || true; DAEMON_PID=""
tail -1 "$WORK/daemon.log"
echo "demo.sh: done"
