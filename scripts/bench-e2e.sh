#!/usr/bin/env bash
# Whole-path HTTP load: a guest sends plain HTTP to the signing IP, measured over three paths to the SAME upstream
# (an nginx on loopback that answers 200 "ok" to any method, so it is never the bottleneck), in one run, alternating:
#   (a) vnic-signer: guest namespace -> TAP -> dataplane (userspace TCP, HTTP, SigV4 signing) -> upstream
#   (b) nginx:       guest namespace -> veth -> iptables DNAT of the signing IP -> nginx reverse proxy that adds
#                    static headers -> upstream
#   (c) haproxy:     the same as (b) with haproxy (Neutron's metadata-proxy design)
# Load is wrk from inside each guest namespace: keep-alive, a small GET and a 64 KiB PUT, at several connection
# counts. Each cell is repeated and the medians are reported, with CPU seconds per 1,000 requests of the proxy
# process (utime+stime from /proc/PID/stat, all its threads and, for nginx, its workers).
#
#   scripts/bench-e2e.sh [--quick] [--rounds N] [--seconds S] [--warmup S] [--conns "1 16 64 256"]
#                        [--out DIR] [--no-docs] [--jfr FILE] [--idle STRATEGY]
# (--idle sets the daemon's threading.idle: poll, the default, backoff, sleep, yield or busy-spin.)
#
# Everything runs inside namespaces this script creates (be-host holds the upstream, the proxies, the daemon and the
# DNAT rules; be-ga, be-gn, be-gh are the three guests); nothing is changed in the root namespace. Everything it
# starts is stopped by PID, and the namespaces (with their iptables rules) are removed on exit, even on failure.
# Without --no-docs (and --quick implies --no-docs) it writes docs/bench-data/e2e-*.csv, the PNG plots, and
# regenerates the block between the e2e markers in docs/benchmarks.md.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "bench-e2e.sh: needs root (namespaces, TAP devices, iptables)" >&2; exit 1; }

ROUNDS=3 SECS=5 WARMUP=5 CONNS="1 16 64 256" WRITE_DOCS=1 JFR="" OUT="" IDLE=""
ARGS_GIVEN="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) ROUNDS=1 SECS=2 WARMUP=2 CONNS="1 64" WRITE_DOCS=0 ;;
    --rounds) ROUNDS=$2; shift ;;
    --seconds) SECS=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-docs) WRITE_DOCS=0 ;;
    --jfr) JFR=$2; shift ;;
    --idle) IDLE=$2; shift ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
    *) echo "bench-e2e.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

# Peers from Debian, only those that are missing.
missing=()
for pkg in nginx:nginx haproxy:haproxy wrk:wrk iptables:iptables gnuplot-nox:gnuplot iproute2:ip python3:python3; do
  command -v "${pkg#*:}" >/dev/null || missing+=("${pkg%%:*}")
done
ECHO_MODULE=/usr/lib/nginx/modules/ngx_http_echo_module.so
[ -e $ECHO_MODULE ] || missing+=(libnginx-mod-http-echo)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-e2e.sh: installing ${missing[*]}" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || { echo "bench-e2e.sh: could not install ${missing[*]}; install them and run again" >&2; exit 1; }
fi
vnic_setup_java
vnic_ensure_built

HOST=be-host GA=be-ga GN=be-gn GH=be-gh
SIGNING_IP=169.254.169.250 STATUS_PORT=8090 UP_PORT=8080 NGINX_PORT=8081 HAPROXY_PORT=8082 HOSTNAME_HDR=bench.local
WORK=$(mktemp -d /tmp/vnic-bench-e2e.XXXXXX)
DATA_DIR="${OUT:-$VNIC_ROOT/docs/bench-data}"
[ "$WRITE_DOCS" = 1 ] || DATA_DIR="${OUT:-$WORK/out}"
mkdir -p "$DATA_DIR"
UP_PID="" NGX_PID="" HAP_PID="" DAEMON_PID=""

stop_pid() { # pid: TERM, wait up to 5 s, then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
del_namespaces() {
  ip netns exec $HOST iptables -t nat -F PREROUTING 2>/dev/null
  for ns in $GA $GN $GH $HOST; do ip netns del "$ns" 2>/dev/null; done
}
cleanup() {
  set +e
  stop_pid "$DAEMON_PID"; stop_pid "$HAP_PID"; stop_pid "$NGX_PID"; stop_pid "$UP_PID"
  del_namespaces
  if [ "$WRITE_DOCS" = 1 ] || [ -n "$OUT" ]; then rm -rf "$WORK"; else echo "bench-e2e.sh: results kept in $WORK/out"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
del_namespaces 2>/dev/null || true

# ---- the host namespace: upstream nginx, proxy nginx, haproxy, the daemon ----------------------------------------
ip netns add $HOST; ip -n $HOST link set lo up
mkdir -p "$WORK/up" "$WORK/ngx" "$WORK/hap" "$WORK/out"

cat > "$WORK/up/nginx.conf" <<CONF
# The common upstream: 200 with a 3-byte body for any method, after reading the whole request body as a real
# provider does (a bare "return 200" answers before the body arrives; vnic-signer then treats it as an early
# response, does not pool the upstream connection and closes the guest's, so every PUT would cost a new connection).
load_module $ECHO_MODULE;
user root;
worker_processes 1;
pid $WORK/up/nginx.pid;
error_log $WORK/up/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/up/body; proxy_temp_path $WORK/up/proxy; fastcgi_temp_path $WORK/up/fcgi;
  uwsgi_temp_path $WORK/up/uwsgi; scgi_temp_path $WORK/up/scgi;
  keepalive_requests 10000000; keepalive_timeout 300s;
  client_body_buffer_size 128k;
  server {
    listen 127.0.0.1:$UP_PORT backlog=4096;
    location / { echo_read_request_body; echo_exec @ok; }
    location @ok { return 200 "ok\n"; }
  }
  server {
    # "accepts" counts the TCP connections each path opened to the upstream (its keep-alive pooling)
    listen 127.0.0.1:$STATUS_PORT;
    location / { stub_status; }
  }
}
CONF
cat > "$WORK/ngx/nginx.conf" <<CONF
# Path (b): reverse proxy adding static headers, keep-alive to the upstream, request bodies kept in memory.
user root;
worker_processes auto;
pid $WORK/ngx/nginx.pid;
error_log $WORK/ngx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/ngx/body; proxy_temp_path $WORK/ngx/proxy; fastcgi_temp_path $WORK/ngx/fcgi;
  uwsgi_temp_path $WORK/ngx/uwsgi; scgi_temp_path $WORK/ngx/scgi;
  keepalive_requests 10000000; keepalive_timeout 300s;
  client_body_buffer_size 128k;
  upstream provider { server 127.0.0.1:$UP_PORT; keepalive 256; keepalive_requests 10000000; }
  server {
    listen 0.0.0.0:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://provider;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header x-vnic-identity "i-bench";
      proxy_set_header x-vnic-tenant "bench";
      proxy_set_header Authorization "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261125/us-east-1/s3/aws4_request";
    }
  }
}
CONF
cat > "$WORK/hap/haproxy.cfg" <<CONF
# Path (c): haproxy in HTTP mode adding static headers (the Neutron metadata-proxy design), keep-alive both sides.
global
  maxconn 8000
defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  option http-keep-alive
  http-reuse always
frontend guests
  bind 0.0.0.0:$HAPROXY_PORT
  http-request set-header x-vnic-identity i-bench
  http-request set-header x-vnic-tenant bench
  http-request set-header Authorization "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261125/us-east-1/s3/aws4_request"
  default_backend provider
backend provider
  server up 127.0.0.1:$UP_PORT
CONF

ip netns exec $HOST nginx -p "$WORK/up" -c "$WORK/up/nginx.conf" -g 'daemon off;' &
UP_PID=$!
ip netns exec $HOST nginx -p "$WORK/ngx" -c "$WORK/ngx/nginx.conf" -g 'daemon off;' &
NGX_PID=$!
ip netns exec $HOST haproxy -db -f "$WORK/hap/haproxy.cfg" > "$WORK/hap/haproxy.log" 2>&1 &
HAP_PID=$!

# ---- (a) the daemon, in the host namespace, with a guest TAP and an uplink TAP ---------------------------------------
install -m 0600 /dev/null "$WORK/bench.json"
printf '{"accessKeyId":"%s","secretAccessKey":"%s"}\n' AKIDBENCH bench-secret-not-checked > "$WORK/bench.json"
THREADING_LINE=""
[ -z "$IDLE" ] || THREADING_LINE="threading: { idle: $IDLE }"
cat > "$WORK/config.yaml" <<YAML
signingIp: $SIGNING_IP
uplink: { port: "tap:beup0" }
limits: { connectionsPerInstance: 1024 }
$THREADING_LINE
instances:
  - { id: i-bench, tenant: bench, mac: "52:54:00:be:00:01", ip: 10.210.0.2, port: "tap:beta0" }
routes:
  - { host: $HOSTNAME_HDR, upstream: "http://127.0.0.1:$UP_PORT", service: s3, region: us-east-1, payload: unsigned }
tenants:
  - { id: bench, credentialsFile: $WORK/bench.json }
YAML
JFR_OPT=()
[ -n "$JFR" ] && JFR_OPT=("-XX:StartFlightRecording=filename=$JFR,settings=profile,jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=2ms")
# shellcheck disable=SC2046
ip netns exec $HOST "$JAVA_HOME/bin/java" $(vnic_jvm_flags) "${JFR_OPT[@]}" \
  -jar "$VNIC_ROOT/control/target/vnic-signer.jar" run --config "$WORK/config.yaml" --dir "$WORK/run" \
  > "$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 200); do
  ip netns exec $HOST test -e /sys/class/net/beta0 && [ -e "$WORK/run/counters.dat" ] && break
  kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/daemon.log"; exit 1; }
  sleep 0.1
done
ip netns add $GA; ip -n $GA link set lo up
ip -n $HOST link set beta0 netns $GA
ip -n $HOST link set beup0 up
ip -n $GA link set beta0 address 52:54:00:be:00:01 up
ip -n $GA addr add 10.210.0.2/24 dev beta0
ip -n $GA route add $SIGNING_IP/32 dev beta0

# ---- (b), (c) guests on veths, DNAT of the signing IP in the host namespace ----------------------------------------
veth_guest() { # ns hostif guestif subnet proxy-port
  ip netns add "$1"; ip -n "$1" link set lo up
  ip link add "$2" netns $HOST type veth peer name "$3" netns "$1"
  ip -n $HOST addr add "$4.1/24" dev "$2"; ip -n $HOST link set "$2" up
  ip -n "$1" addr add "$4.2/24" dev "$3"; ip -n "$1" link set "$3" up
  ip -n "$1" route add $SIGNING_IP/32 via "$4.1"
  ip netns exec $HOST iptables -t nat -A PREROUTING -i "$2" -d $SIGNING_IP/32 -p tcp --dport 80 \
    -j DNAT --to-destination "$4.1:$5"
}
veth_guest $GN ben0 ben1 10.211.0 $NGINX_PORT
veth_guest $GH beh0 beh1 10.212.0 $HAPROXY_PORT

for ns in $GA $GN $GH; do
  ok=""
  for _ in $(seq 50); do
    code=$(ip netns exec "$ns" curl -s -m 2 -o /dev/null -w '%{http_code}' -H "Host: $HOSTNAME_HDR" "http://$SIGNING_IP/b/k" || true)
    [ "$code" = 200 ] && { ok=1; break; }
    sleep 0.2
  done
  [ -n "$ok" ] || { echo "bench-e2e.sh: $ns gets HTTP '$code' from the signing IP" >&2; tail -20 "$WORK/daemon.log" >&2; exit 1; }
done
echo "bench-e2e.sh: all three paths answer 200; rounds=$ROUNDS seconds=$SECS conns='$CONNS'" >&2

# ---- load -------------------------------------------------------------------------------------------------------
cat > "$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
LUA
{ cat "$WORK/report.lua"; echo 'wrk.method = "GET"'; } > "$WORK/get.lua"
{ cat "$WORK/report.lua"; cat <<'LUA'; } > "$WORK/put.lua"
wrk.method = "PUT"
wrk.body = string.rep("x", 65536)
wrk.headers["Content-Type"] = "application/octet-stream"
LUA

ns_of() { case $1 in vnic-signer) echo $GA ;; nginx) echo $GN ;; haproxy) echo $GH ;; esac; }
pids_of() { # the proxy's processes: the JVM; nginx master and workers; haproxy
  case $1 in
    vnic-signer) echo "$DAEMON_PID" ;;
    nginx) echo "$NGX_PID $(pgrep -P "$NGX_PID" | tr '\n' ' ')" ;;
    haproxy) echo "$HAP_PID" ;;
  esac
}
cpu_ticks() { # utime+stime of the given PIDs, in clock ticks
  local t=0 p f
  for p in "$@"; do
    f=$(sed 's/^.*) //' "/proc/$p/stat") || continue
    # after "pid (comm) ", field 3 is state; utime and stime are fields 14 and 15 of the full line
    t=$((t + $(echo "$f" | awk '{print $12 + $13}')))
  done
  echo $t
}
upstream_accepts() { ip netns exec $HOST curl -s -m 5 "http://127.0.0.1:$STATUS_PORT/" | awk 'NR == 3 {print $1}'; }
upstream_pids() { echo "$UP_PID $(pgrep -P "$UP_PID" | tr '\n' ' ')"; }
HZ=$(getconf CLK_TCK)
run_wrk() { # path req conns seconds -> RESULT line
  local threads=$(( $3 < 2 ? $3 : 2 ))
  ip netns exec "$(ns_of "$1")" wrk -t"$threads" -c"$3" -d"${4}s" --timeout 10s --latency -s "$WORK/$2.lua" \
    -H "Host: $HOSTNAME_HDR" "http://$SIGNING_IP/bench-bucket/key" > "$WORK/wrk.out" 2>&1 || true
  grep '^RESULT' "$WORK/wrk.out" || { echo "bench-e2e.sh: wrk failed:" >&2; cat "$WORK/wrk.out" >&2; exit 1; }
}

RAW="$WORK/out/e2e-raw.csv"
echo "round,request,connections,path,seconds,requests,req_per_s,p50_us,p99_us,p999_us,socket_errors,non_2xx,timeouts,cpu_s,cpu_s_per_1k_req,upstream_cpu_share,upstream_conns_per_1k_req" > "$RAW"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START_TS=$(date -u +%Y-%m-%dT%H:%MZ)
for path in vnic-signer nginx haproxy; do   # warm-up (JIT, connection pools); not recorded
  for req in get put; do run_wrk "$path" "$req" 64 "$WARMUP" > /dev/null; done
done
PATHS=(vnic-signer nginx haproxy)
for round in $(seq "$ROUNDS"); do
  for req in get put; do
    for c in $CONNS; do
      for i in 0 1 2; do
        path=${PATHS[$(( (i + round) % 3 ))]}   # rotate the order each round
        # shellcheck disable=SC2046
        before=$(cpu_ticks $(pids_of "$path")); up_before=$(cpu_ticks $(upstream_pids)); acc_before=$(upstream_accepts)
        res=$(run_wrk "$path" "$req" "$c" "$SECS")
        read -r _ n dur_us econ eread ewrite estatus etimeout p50 p99 p999 <<< "$res"
        # shellcheck disable=SC2046
        after=$(cpu_ticks $(pids_of "$path")); up_after=$(cpu_ticks $(upstream_pids)); acc_after=$(upstream_accepts)
        # awk, not python, per cell: python3 can be a slow pyenv shim
        awk -v r="$round" -v req="$req" -v c="$c" -v path="$path" -v dur_us="$dur_us" -v n="$n" -v p50="$p50" \
          -v p99="$p99" -v p999="$p999" -v sock=$((econ + eread + ewrite)) -v status="$estatus" -v tmo="$etimeout" \
          -v ticks=$((after - before)) -v up_ticks=$((up_after - up_before)) -v accepts=$((acc_after - acc_before)) \
          -v hz="$HZ" 'BEGIN {
            secs = dur_us / 1e6; cpu = ticks / hz
            printf "%s,%s,%s,%s,%.2f,%d,%.0f,%s,%s,%s,%s,%s,%s,%.2f,%.4f,%.2f,%.2f\n", r, req, c, path, secs, n, n / secs,
              p50, p99, p999, sock, status, tmo, cpu, n ? cpu * 1000 / n : 0, up_ticks / hz / secs,
              n ? accepts * 1000 / n : 0
          }' >> "$RAW"
        tail -1 "$RAW" >&2
      done
    done
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
ip netns exec $HOST "$VNIC_ROOT/scripts/vnic-signer" stats --dir "$WORK/run" > "$WORK/out/e2e-counters.txt" 2>&1 || true
grep -q 'signed-requests' "$WORK/out/e2e-counters.txt" \
  || { echo "bench-e2e.sh: the daemon counted no signed requests" >&2; cat "$WORK/out/e2e-counters.txt" >&2; exit 1; }

# ---- summary, plots, docs ---------------------------------------------------------------------------------------
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p;T;q' /proc/cpuinfo)
JDK=$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 1p)
WRK_VERSION=$( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $2}')
MACHINE="$(nproc) CPUs ($CPU_MODEL), kernel $(uname -r), $JDK, $(nginx -v 2>&1 | sed 's/.*: //'), \
$(haproxy -v | awk 'NR == 1 {print "HAProxy " $3}'), wrk $WRK_VERSION"
COMMAND="scripts/bench-e2e.sh${ARGS_GIVEN:+ $ARGS_GIVEN}"
python3 "$VNIC_ROOT/scripts/bench-e2e-report.py" "$RAW" "$WORK/out" "$MACHINE" "$COMMAND" "$START_TS" \
  "$LOAD_START" "$LOAD_END" "$ROUNDS" "$SECS"
for f in "$WORK/out"/*.gp; do (cd "$WORK/out" && gnuplot "$f"); done
if [ "$WRITE_DOCS" = 1 ] || [ -n "$OUT" ]; then
  cp "$WORK/out"/e2e-*.csv "$WORK/out"/e2e-*.png "$WORK/out/e2e-counters.txt" "$DATA_DIR"/
fi
if [ "$WRITE_DOCS" = 1 ]; then
  python3 - "$VNIC_ROOT/docs/benchmarks.md" "$WORK/out/e2e-section.md" <<'PY'
import sys
doc_path, section_path = sys.argv[1], sys.argv[2]
doc, section = open(doc_path).read(), open(section_path).read().rstrip("\n")
begin, end = "<!-- e2e:begin", "<!-- e2e:end -->"
if begin in doc:
    head, rest = doc.split(begin, 1)
    tail = rest.split(end, 1)[1]
    doc = head + section + tail
else:
    doc = doc.rstrip("\n") + "\n\n" + section + "\n"
open(doc_path, "w").write(doc)
PY
  echo "bench-e2e.sh: wrote $DATA_DIR and the e2e block of docs/benchmarks.md" >&2
fi
cat "$WORK/out/e2e-section.md"
