#!/usr/bin/env bash
# Pass-through forwarding rate of the whole daemon over DPDK ports, against dpdk-testpmd io-forward in the same
# topology, in the same run:
#   generator: dpdk-testpmd --forward-mode=txonly on net_virtio_user (a guest's virtio NIC), UDP frames whose source
#              MAC and IP are the instance's, so the switch forwards them to the uplink
#   (a) vnic-signer run: guest port dpdk:net_vhost0 (vhost-user server) -> switch (anti-spoof checks, intercept
#       check) -> uplink dpdk:net_null0 (discards), all agents on one thread (threading.mode shared)
#   (b) C reference: dpdk-testpmd --forward-mode=io between net_vhost0 and net_null0 (one forwarding lcore)
# The rate is the uplink's transmitted frames per second: the daemon's "port <uplink> tx-frames" counter, read with
# `vnic-signer stats` at the start and end of the window; testpmd's Tx-pps of its net_null port. The generator's
# own Tx-pps (the offered rate) is reported beside it.
#
#   scripts/bench-pps.sh [--quick] [--rounds N] [--seconds S] [--warmup S] [--sizes "64 1500"] [--out DIR] [--no-docs]
#                        [--jfr PREFIX]   (records the daemon with JFR CPU-time sampling into PREFIX-SIZE-ROUND.jfr)
#
# Needs root (vhost-user sockets, DPDK runtime dirs) and dpdk-testpmd (Debian dpdk; installed if missing). No
# hugepages, no PCI, no network namespace: every port is virtual. Everything it starts is stopped by PID on exit.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "bench-pps.sh: needs root" >&2; exit 1; }

ROUNDS=3 SECS=5 WARMUP=3 SIZES="64 1500" WRITE_DOCS=1 OUT="" JFR=""
ARGS_GIVEN="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ROUNDS=1 SECS=3 WARMUP=2 SIZES="64" WRITE_DOCS=0 ;;
    --rounds) ROUNDS=$2; shift ;;
    --seconds) SECS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --sizes) SIZES=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-docs) WRITE_DOCS=0 ;;
    --jfr) JFR=$2; shift ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    *) echo "bench-pps.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

missing=()
command -v dpdk-testpmd >/dev/null || missing+=(dpdk)
pkg-config --exists libdpdk 2>/dev/null || missing+=(dpdk-dev)
command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-pps.sh: installing ${missing[*]}" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || { echo "bench-pps.sh: could not install ${missing[*]}; install them and run again" >&2; exit 1; }
fi
vnic_setup_java
vnic_ensure_built
[ -e "$VNIC_ROOT/native/target/native/libvnicdpdk.so" ] || vnic_mvn -q -DskipTests -pl native package >&2
[ -e "$VNIC_ROOT/native/target/native/libvnicdpdk.so" ] \
  || { echo "bench-pps.sh: the DPDK shim was not built (is libdpdk-dev installed?)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/vnic-bench-pps.XXXXXX)
DATA_DIR="${OUT:-$VNIC_ROOT/docs/bench-data}"
[ "$WRITE_DOCS" = 1 ] || DATA_DIR="${OUT:-$WORK/out}"
mkdir -p "$DATA_DIR" "$WORK/out"
GEN_MAC=52:54:00:be:00:02 GEN_IP=10.213.0.2 PEER_IP=10.213.0.1 PEER_MAC=02:00:00:be:00:99
PREFIXES=()
# The generator busy-polls one CPU and the forwarder another, so that neither steals the other's core (with one CPU,
# both share it). Other processes on the machine still compete.
if [ "$(nproc)" -ge 2 ]; then GEN_CPU=0 FWD_CPU=1; else GEN_CPU=0 FWD_CPU=0; fi
GEN_PID="" FWD_PID=""

stop_pid() { # pid: TERM (testpmd prints its last stats and exits), wait up to 10 s, then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  stop_pid "$GEN_PID"; stop_pid "$FWD_PID"
  for p in "${PREFIXES[@]}"; do rm -rf "/var/run/dpdk/$p"; done
  if [ "$WRITE_DOCS" = 1 ] || [ -n "$OUT" ]; then rm -rf "$WORK"; else echo "bench-pps.sh: results kept in $WORK/out"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

EAL=(--no-huge -m 512 --no-pci --no-telemetry --log-level 'lib.vhost.*:warning')
start_generator() { # socket size tag -> GEN_PID; stats in $WORK/gen-TAG.log
  local prefix="begen-$$-$3"; PREFIXES+=("$prefix")
  dpdk-testpmd "${EAL[@]}" --lcores "0@$GEN_CPU,1@$GEN_CPU" --file-prefix "$prefix" \
    --vdev "net_virtio_user0,path=$1,mac=$GEN_MAC" -- --forward-mode=txonly --auto-start --stats-period 1 \
    --total-num-mbufs=16384 --txpkts="$2" --tx-ip="$GEN_IP,$PEER_IP" --eth-peer="0,$PEER_MAC" \
    < /dev/null > "$WORK/gen-$3.log" 2>&1 &
  GEN_PID=$!
}
wait_for_socket() { for _ in $(seq 200); do [ -S "$1" ] && return 0; sleep 0.05; done; echo "bench-pps.sh: no socket $1" >&2; exit 1; }
# Tx-pps samples of one port from testpmd's --stats-period output, one per line, from line FROM of the log.
tx_pps() { # log port from-line
  tail -n +"$3" "$1" | awk -v want="$2" '
    /NIC statistics for port/ { for (i = 1; i <= NF; i++) if ($i == "port") port = $(i + 1) }
    /Tx-pps:/ && port == want { print $2 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
counter() { # stats-file name -> value
  awk -v name="$2" '{ v = $1; $1 = ""; sub(/^ /, ""); if ($0 == name) print v }' "$1" | head -1
}
now() { date +%s.%N; }

# (a) the daemon
run_vnic() { # size round -> "forwarded_pps offered_pps"
  local tag="vs-$1-$2" sock="$WORK/vs-$1-$2.sock" dir="$WORK/run-$1-$2"
  cat > "$WORK/config-$tag.yaml" <<YAML
uplink: { port: "dpdk:net_null0,no-rx=1" }
threading: { mode: shared }
instances:
  - { id: i-pps, tenant: pps, mac: "$GEN_MAC", ip: $GEN_IP, port: "dpdk:net_vhost0,iface=$sock" }
YAML
  local prefix="bevs-$$-$tag"; PREFIXES+=("$prefix")
  # shellcheck disable=SC2046
  # -Dvnic.dpdk.lib: the launcher jar does not find the shim by itself (it looks under control/target only)
  local jfr=()
  [ -z "$JFR" ] || jfr=("-XX:StartFlightRecording=filename=$JFR-$1-$2.jfr,settings=profile,jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=2ms")
  taskset -c "$FWD_CPU" "$JAVA_HOME/bin/java" $(vnic_jvm_flags) "${jfr[@]}" -Dvnic.dpdk.lib="$VNIC_ROOT/native/target/native/libvnicdpdk.so" \
    "-Dvnic.dpdk.eal=--no-huge -m 512 --no-pci --no-telemetry --file-prefix $prefix --lcores 0@$FWD_CPU --log-level lib.vhost.*:warning" \
    -jar "$VNIC_ROOT/control/target/vnic-signer.jar" run --config "$WORK/config-$tag.yaml" --dir "$dir" \
    > "$WORK/daemon-$tag.log" 2>&1 &
  FWD_PID=$!
  for _ in $(seq 300); do
    [ -e "$dir/counters.dat" ] && [ -S "$sock" ] && break
    kill -0 "$FWD_PID" 2>/dev/null || { cat "$WORK/daemon-$tag.log" >&2; exit 1; }
    sleep 0.1
  done
  start_generator "$sock" "$1" "$tag"
  sleep "$WARMUP"
  local t0a t0b t1a t1b from
  from=$(($(wc -l < "$WORK/gen-$tag.log") + 1))
  t0a=$(now); "$VNIC_ROOT/scripts/vnic-signer" stats --dir "$dir" > "$WORK/stats0-$tag.txt"; t0b=$(now)
  sleep "$SECS"
  t1a=$(now); "$VNIC_ROOT/scripts/vnic-signer" stats --dir "$dir" > "$WORK/stats1-$tag.txt"; t1b=$(now)
  local offered; offered=$(tx_pps "$WORK/gen-$tag.log" 0 "$from" | median)
  stop_pid "$GEN_PID"; GEN_PID=""
  stop_pid "$FWD_PID"; FWD_PID=""
  cp "$WORK/stats1-$tag.txt" "$WORK/out/pps-counters-$1.txt"
  local name="port dpdk:net_null0,no-rx=1 tx-frames" c0 c1
  c0=$(counter "$WORK/stats0-$tag.txt" "$name"); c1=$(counter "$WORK/stats1-$tag.txt" "$name")
  [ -n "$c0" ] && [ -n "$c1" ] || { echo "bench-pps.sh: no '$name' counter" >&2; cat "$WORK/stats1-$tag.txt" >&2; exit 1; }
  # the window runs from the middle of the first stats read to the middle of the second
  awk -v c0="$c0" -v c1="$c1" -v a="$t0a" -v b="$t0b" -v x="$t1a" -v y="$t1b" \
    'BEGIN { printf "%.0f ", (c1 - c0) / ((x + y) / 2 - (a + b) / 2) }'
  echo "$offered"
}

# (b) testpmd io-forward, net_vhost0 (port 0) <-> net_null0 (port 1)
run_testpmd() { # size round -> "forwarded_pps offered_pps"
  local tag="tp-$1-$2" sock="$WORK/tp-$1-$2.sock" prefix="betp-$$-$1-$2"; PREFIXES+=("$prefix")
  dpdk-testpmd "${EAL[@]}" --lcores "0@$FWD_CPU,1@$FWD_CPU" --file-prefix "$prefix" \
    --vdev "net_vhost0,iface=$sock" --vdev "net_null0,no-rx=1" -- --forward-mode=io --auto-start \
    --stats-period 1 --total-num-mbufs=16384 < /dev/null > "$WORK/fwd-$tag.log" 2>&1 &
  FWD_PID=$!
  wait_for_socket "$sock"
  start_generator "$sock" "$1" "$tag"
  sleep "$WARMUP"
  local from_f from_g
  from_f=$(($(wc -l < "$WORK/fwd-$tag.log") + 1)); from_g=$(($(wc -l < "$WORK/gen-$tag.log") + 1))
  sleep "$SECS"
  local fwd offered
  fwd=$(tx_pps "$WORK/fwd-$tag.log" 1 "$from_f" | median)
  offered=$(tx_pps "$WORK/gen-$tag.log" 0 "$from_g" | median)
  stop_pid "$GEN_PID"; GEN_PID=""
  stop_pid "$FWD_PID"; FWD_PID=""
  echo "$fwd $offered"
}

RAW="$WORK/out/pps-raw.csv"
echo "round,frame_bytes,path,seconds,forwarded_pps,offered_pps" > "$RAW"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START_TS=$(date -u +%Y-%m-%dT%H:%MZ)
for round in $(seq "$ROUNDS"); do
  for size in $SIZES; do
    for i in 0 1; do
      if [ $(( (i + round) % 2 )) = 0 ]; then path=vnic-signer; else path=testpmd-io; fi
      # not in $(...): the functions set GEN_PID and FWD_PID, which the exit trap must see
      if [ $path = vnic-signer ]; then run_vnic "$size" "$round" > "$WORK/res"; else run_testpmd "$size" "$round" > "$WORK/res"; fi
      read -r fwd offered < "$WORK/res"
      echo "$round,$size,$path,$SECS,$fwd,$offered" | tee -a "$RAW" >&2
    done
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p;T;q' /proc/cpuinfo)
JDK=$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 1p)
DPDK_VERSION=$(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)
MACHINE="$(nproc) CPUs ($CPU_MODEL), kernel $(uname -r), $JDK, DPDK $DPDK_VERSION"
COMMAND="scripts/bench-pps.sh${ARGS_GIVEN:+ $ARGS_GIVEN}"
python3 - "$RAW" "$WORK/out" "$MACHINE" "$COMMAND" "$START_TS" "$LOAD_START" "$LOAD_END" "$ROUNDS" "$SECS" <<'PY'
import csv, os, statistics, sys
raw, out, machine, command, start_ts, load_start, load_end, rounds, secs = sys.argv[1:10]
rows = list(csv.DictReader(open(raw)))
sizes = sorted({int(r["frame_bytes"]) for r in rows})
paths = ("vnic-signer", "testpmd-io")
def med(size, path, key):
    v = [float(r[key]) for r in rows if int(r["frame_bytes"]) == size and r["path"] == path]
    return statistics.median(v) if v else float("nan")
def rng(size, path):
    v = [float(r["forwarded_pps"]) / 1e6 for r in rows if int(r["frame_bytes"]) == size and r["path"] == path]
    return f"{min(v):.2f}–{max(v):.2f}" if v else "–"
with open(os.path.join(out, "pps-summary.csv"), "w") as f:
    f.write("frame_bytes,path,median_forwarded_mpps,median_offered_mpps,ratio_to_testpmd\n")
    for s in sizes:
        for p in paths:
            f.write(f"{s},{p},{med(s, p, 'forwarded_pps') / 1e6:.3f},{med(s, p, 'offered_pps') / 1e6:.3f},"
                    f"{med(s, p, 'forwarded_pps') / med(s, 'testpmd-io', 'forwarded_pps'):.3f}\n")
with open(os.path.join(out, "pps.dat"), "w") as f:
    f.write("# frame_bytes vnic_signer_mpps testpmd_io_mpps\n")
    for i, s in enumerate(sizes):
        f.write(f"{i} \"{s} B\" {med(s, 'vnic-signer', 'forwarded_pps') / 1e6:.3f} {med(s, 'testpmd-io', 'forwarded_pps') / 1e6:.3f}\n")
open(os.path.join(out, "pps.gp"), "w").write("""set terminal pngcairo size 700,420 font ',10'
set output 'pps.png'
set title 'forwarded Mpps, net_vhost -> net_null (median of rounds; higher is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'Mpps'
set yrange [0:*]
set grid ytics
set key top right
plot 'pps.dat' using 3:xtic(2) title 'vnic-signer (whole daemon, 1 thread)', '' using 4 title 'dpdk-testpmd io'
""")
md = ["<!-- pps:begin (generated by scripts/bench-pps.sh; edit the script, not this block) -->",
      f"Command: `{command}`. Run at {start_ts} on {machine}. Each cell is the median of {rounds} rounds of "
      f"{secs} s (the two forwarders alternate). Load average (1, 5, 15 min) at the start: {load_start}; at the end: "
      f"{load_end}. Raw data: `docs/bench-data/pps-raw.csv`; medians: `pps-summary.csv`; the daemon's counters "
      "after its last run of each size: `pps-counters-<size>.txt`.", "",
      "| frame | forwarder | forwarded Mpps (min–max) | generator Tx Mpps (accepted by the vhost ring) | ratio to testpmd |",
      "|---:|---|---:|---:|---:|"]
for s in sizes:
    base = med(s, "testpmd-io", "forwarded_pps")
    for p in paths:
        fwd = med(s, p, "forwarded_pps")
        md.append(f"| {s} B | {p} | {fwd / 1e6:.2f} ({rng(s, p)}) | {med(s, p, 'offered_pps') / 1e6:.2f} | "
                  f"{fwd / base:.2f} |")
md += ["", "![forwarded Mpps](bench-data/pps.png)", "<!-- pps:end -->"]
open(os.path.join(out, "pps-section.md"), "w").write("\n".join(md) + "\n")
PY
(cd "$WORK/out" && gnuplot pps.gp)
if [ "$WRITE_DOCS" = 1 ] || [ -n "$OUT" ]; then
  cp "$WORK/out"/pps-*.csv "$WORK/out"/pps.png "$WORK/out"/pps-counters-*.txt "$DATA_DIR"/
fi
if [ "$WRITE_DOCS" = 1 ]; then
  python3 - "$VNIC_ROOT/docs/benchmarks.md" "$WORK/out/pps-section.md" <<'PY'
import sys
doc_path, section_path = sys.argv[1], sys.argv[2]
doc, section = open(doc_path).read(), open(section_path).read().rstrip("\n")
begin, end = "<!-- pps:begin", "<!-- pps:end -->"
if begin in doc:
    head, rest = doc.split(begin, 1)
    doc = head + section + rest.split(end, 1)[1]
else:
    doc = doc.rstrip("\n") + "\n\n" + section + "\n"
open(doc_path, "w").write(doc)
PY
  echo "bench-pps.sh: wrote $DATA_DIR and the pps block of docs/benchmarks.md" >&2
fi
cat "$WORK/out/pps-section.md"
