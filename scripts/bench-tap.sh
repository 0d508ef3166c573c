#!/usr/bin/env bash
# Forwarding rate between two TAP ports through vnic-signer, against a Linux bridge between the same two kinds of
# namespaces, with the same UDP generator, in the same run. Writes bench/results/tap-forward.csv and prints ratios.
#   scripts/bench-tap.sh [SECONDS] [ROUNDS]
# The generator is a Python UDP loop (64-byte frames), so on a 2-core host it may be the bottleneck for both
# paths; the script reports the generator's send rate too, so a reader can tell.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "bench-tap.sh: needs root" >&2; exit 1; }
SECONDS_PER_RUN=${1:-5}
ROUNDS=${2:-3}
vnic_setup_java
vnic_ensure_built

G=vsbt-g U=vsbt-u BR=vsbtbr WORK=$(mktemp -d /tmp/vnic-bench-tap.XXXXXX) DAEMON_PID=""
cleanup() {
  set +e
  [ -n "$DAEMON_PID" ] && kill -TERM "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  ip netns del $G 2>/dev/null; ip netns del $U 2>/dev/null; ip link del $BR 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
cleanup; WORK=$(mktemp -d /tmp/vnic-bench-tap.XXXXXX); trap cleanup EXIT INT TERM

cat > "$WORK/gen.py" <<'PY'
import socket, sys, time
dst, seconds = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b"x" * 18            # 14 + 20 + 8 + 18 = 60 bytes on the wire (64 with FCS)
n, end = 0, time.time() + seconds
while time.time() < end:
    for _ in range(1000):
        try:
            s.sendto(payload, (dst, 9)); n += 1
        except OSError:
            pass
print(n)
PY

rx_packets() { ip netns exec $U cat "/sys/class/net/$1/statistics/rx_packets"; }

measure() { # uplink-ifname -> prints "sent delivered"
  local before after sent
  before=$(rx_packets "$1")
  sent=$(ip netns exec $G python3 "$WORK/gen.py" 10.200.0.1 "$SECONDS_PER_RUN")
  sleep 0.2
  after=$(rx_packets "$1")
  echo "$sent $((after - before))"
}

setup_ns() {
  ip netns add $G; ip netns add $U
  ip -n $G link set lo up; ip -n $U link set lo up
}
guest_side() { # ifname
  ip -n $G link set "$1" address 52:54:00:00:00:01 up
  ip -n $G addr add 10.200.0.2/24 dev "$1"
}
uplink_side() { # ifname
  ip -n $U link set "$1" up
  ip -n $U addr add 10.200.0.1/24 dev "$1"
  # drop the generator's datagrams before any socket lookup, so no ICMP errors flow back
  ip netns exec $U iptables -t raw -A PREROUTING -p udp --dport 9 -j DROP 2>/dev/null || true
}

echo "round,path,seconds,sent,delivered,delivered_pps" > "$WORK/results.csv"
for round in $(seq "$ROUNDS"); do
  # (a) vnic-signer between two TAPs
  setup_ns
  cat > "$WORK/config.yaml" <<YAML
uplink: { port: "tap:vsbtu0" }
instances:
  - { id: i-bench, tenant: bench, mac: "52:54:00:00:00:01", ip: 10.200.0.2, port: "tap:vsbtg0" }
YAML
  # shellcheck disable=SC2046
  "$JAVA_HOME/bin/java" $(vnic_jvm_flags) -jar "$VNIC_ROOT/control/target/vnic-signer.jar" \
    run --config "$WORK/config.yaml" --dir "$WORK/run" > "$WORK/daemon.log" 2>&1 &
  DAEMON_PID=$!
  for _ in $(seq 100); do [ -e /sys/class/net/vsbtg0 ] && [ -e /sys/class/net/vsbtu0 ] && break; sleep 0.1; done
  ip link set vsbtg0 netns $G; ip link set vsbtu0 netns $U
  guest_side vsbtg0; uplink_side vsbtu0
  ip netns exec $G ping -c1 -W2 10.200.0.1 >/dev/null
  read -r sent delivered < <(measure vsbtu0)
  echo "$round,vnic-signer,$SECONDS_PER_RUN,$sent,$delivered,$((delivered / SECONDS_PER_RUN))" >> "$WORK/results.csv"
  kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" || true; DAEMON_PID=""
  ip netns del $G; ip netns del $U

  # (b) Linux bridge between two veth pairs
  setup_ns
  ip link add $BR type bridge; ip link set $BR up
  ip link add vsbtg0 type veth peer name vsbtgb; ip link add vsbtu0 type veth peer name vsbtub
  ip link set vsbtgb master $BR up; ip link set vsbtub master $BR up
  ip link set vsbtg0 netns $G; ip link set vsbtu0 netns $U
  guest_side vsbtg0; uplink_side vsbtu0
  ip netns exec $G ping -c1 -W2 10.200.0.1 >/dev/null
  read -r sent delivered < <(measure vsbtu0)
  echo "$round,linux-bridge,$SECONDS_PER_RUN,$sent,$delivered,$((delivered / SECONDS_PER_RUN))" >> "$WORK/results.csv"
  ip netns del $G; ip netns del $U; ip link del $BR
done

mkdir -p "$VNIC_ROOT/bench/results"
cp "$WORK/results.csv" "$VNIC_ROOT/bench/results/tap-forward.csv"
cat "$WORK/results.csv"
python3 - "$WORK/results.csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def med(path, key): return statistics.median(int(r[key]) for r in rows if r["path"] == path)
for path in ("vnic-signer", "linux-bridge"):
    print(f"{path:13s} median delivered {med(path, 'delivered_pps'):>9,.0f} pps  (generator sent {med(path, 'sent') / float(rows[0]['seconds']):,.0f}/s)")
print(f"ratio vnic-signer / linux-bridge: {med('vnic-signer', 'delivered_pps') / med('linux-bridge', 'delivered_pps'):.2f}")
PY
