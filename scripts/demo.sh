#!/usr/bin/env bash
# The issue-5 demo: a real SigV4-verifying provider (S3Proxy, transient store, the demo tenant's credentials), the
# dataplane, and a guest network namespace. The guest sends UNSIGNED requests to the signing IP; the dataplane signs
# them with the tenant's credentials (which the guest never sees) and the provider accepts them. The same PUT sent
# directly to the provider is refused with 403. Ends with the counters. Cleans everything up, even on failure.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "demo.sh: needs root (it creates TAP devices and network namespaces)" >&2; exit 1; }
missing=()
for pkg in iproute2:ip curl:curl coreutils:sha256sum; do
  command -v "${pkg#*:}" >/dev/null || missing+=("${pkg%%:*}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "demo.sh: installing ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || { echo "demo.sh: could not install ${missing[*]}; install them and run again" >&2; exit 1; }
fi

vnic_setup_java
vnic_ensure_built

GUEST_NS=vsdemo-guest UPLINK_NS=vsdemo-uplink GUEST_TAP=vsdg0 UPLINK_TAP=vsdu0
GUEST_MAC=52:54:00:00:00:01 GUEST_IP=10.200.0.2 SIGNING_IP=169.254.169.250
S3PROXY_VERSION=2.6.0 ACCESS_KEY=AKIDDEMOACME SECRET_KEY=demo-secret-kept-on-the-host
WORK=$(mktemp -d /tmp/vnic-signer-demo.XXXXXX)
VNIC_DAEMON_PID="" S3PROXY_PID=""

cleanup() {
  set +e
  for pid in "$VNIC_DAEMON_PID" "$S3PROXY_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"; wait "$pid" 2>/dev/null
    fi
  done
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

step "start S3Proxy $S3PROXY_VERSION (org.gaul:s3proxy from Maven Central), verifying SigV4 for $ACCESS_KEY"
vnic_mvn -q -N dependency:copy -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
  -DoutputDirectory="$WORK/s3proxy" -Dmdep.stripVersion=true >&2
S3PROXY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$WORK/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$S3PROXY_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=transient
jclouds.identity=unused
jclouds.credential=unused
CONF
"$JAVA_HOME/bin/java" -Xmx256m -jar "$WORK/s3proxy/s3proxy-jar-with-dependencies.jar" \
  --properties "$WORK/s3proxy.conf" > "$WORK/s3proxy.log" 2>&1 &
S3PROXY_PID=$!
for _ in $(seq 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$S3PROXY_PORT") 2>/dev/null && break
  kill -0 "$S3PROXY_PID" 2>/dev/null || { tail -20 "$WORK/s3proxy.log"; exit 1; }
  sleep 0.1
done
echo "S3Proxy listening on 127.0.0.1:$S3PROXY_PORT"

install -m 0600 /dev/null "$WORK/acme.json"
printf '{"accessKeyId":"%s","secretAccessKey":"%s"}\n' "$ACCESS_KEY" "$SECRET_KEY" > "$WORK/acme.json"

cat > "$WORK/config.yaml" <<YAML
signingIp: $SIGNING_IP
uplink: { port: "tap:$UPLINK_TAP" }
instances:
  - id: i-demo1
    tenant: acme
    mac: "$GUEST_MAC"
    ip: $GUEST_IP
    port: "tap:$GUEST_TAP"
routes:
  - host: s3.local
    upstream: http://127.0.0.1:$S3PROXY_PORT
    service: s3
    region: us-east-1
    payload: auto        # the default: bodies up to 8 MiB are signed with their SHA-256, longer ones stream
tenants:
  - id: acme
    credentialsFile: $WORK/acme.json
YAML
step "config (the credentials file is mode 0600 and never reaches the guest)"
cat "$WORK/config.yaml"

step "start the dataplane"
vnic_start_daemon "$WORK/config.yaml" "$WORK/run" "$WORK/daemon.log" "$GUEST_TAP" "$UPLINK_TAP"
cat "$WORK/daemon.log"

step "guest namespace $GUEST_NS ($GUEST_IP, $GUEST_MAC) and uplink namespace $UPLINK_NS (10.200.0.1)"
vnic_guest_namespace "$GUEST_NS" "$GUEST_TAP" "$GUEST_MAC" "$GUEST_IP" "$SIGNING_IP"
ip netns add "$UPLINK_NS"
ip link set "$UPLINK_TAP" netns "$UPLINK_NS"
ip -n "$UPLINK_NS" link set "$UPLINK_TAP" up
ip -n "$UPLINK_NS" addr add 10.200.0.1/24 dev "$UPLINK_TAP"

step "guest: create demo-bucket, unsigned, through the signing IP"
in_guest curl -sS -m 20 -o /dev/null -w 'HTTP %{http_code}\n' -X PUT -H 'Host: s3.local' "http://$SIGNING_IP/demo-bucket" \
  | tee "$WORK/bucket.txt"
grep -q 'HTTP 200' "$WORK/bucket.txt" || { echo "demo.sh: bucket creation failed" >&2; tail -20 "$WORK/s3proxy.log"; exit 1; }

head -c 1048576 /dev/urandom > "$WORK/file"
step "guest: curl -X PUT --data-binary @file -H 'Host: s3.local' http://$SIGNING_IP/demo-bucket/hello.txt (1 MiB, no credentials)"
in_guest curl -sS -m 20 -o /dev/null -w 'HTTP %{http_code}\n' -X PUT --data-binary @"$WORK/file" \
  -H 'Host: s3.local' "http://$SIGNING_IP/demo-bucket/hello.txt" | tee "$WORK/put.txt"
grep -q 'HTTP 200' "$WORK/put.txt" || { echo "demo.sh: signed PUT failed" >&2; exit 1; }

step "guest: GET it back and compare"
in_guest curl -sS -m 20 -o "$WORK/fetched" -w 'HTTP %{http_code}\n' -H 'Host: s3.local' \
  "http://$SIGNING_IP/demo-bucket/hello.txt"
sha256sum "$WORK/file" "$WORK/fetched" | sed "s|$WORK/||"
cmp -s "$WORK/file" "$WORK/fetched" || { echo "demo.sh: GET returned different bytes" >&2; exit 1; }
echo "same bytes"

step "guest: a chunked upload (curl -H 'Transfer-Encoding: chunked'), held, hashed and sent with its length"
in_guest curl -sS -m 20 -o /dev/null -w 'HTTP %{http_code}\n' -X PUT -H 'Transfer-Encoding: chunked' \
  --data-binary @"$WORK/file" -H 'Host: s3.local' "http://$SIGNING_IP/demo-bucket/chunked.bin" | tee "$WORK/chunked.txt"
grep -q 'HTTP 200' "$WORK/chunked.txt" || { echo "demo.sh: chunked PUT failed" >&2; exit 1; }

step "guest: its identity document, signed with the host's Ed25519 key (no secret in it)"
in_guest curl -sS -m 20 "http://$SIGNING_IP/vnic/v1/identity"; echo

step "the same PUT sent directly to S3Proxy (127.0.0.1:$S3PROXY_PORT), unsigned"
curl -sS -m 20 -o "$WORK/direct.xml" -w 'HTTP %{http_code}\n' -X PUT --data-binary @"$WORK/file" \
  -H 'Host: s3.local' "http://127.0.0.1:$S3PROXY_PORT/demo-bucket/hello.txt" | tee "$WORK/direct.txt"
grep -o '<Code>[^<]*</Code>' "$WORK/direct.xml" || true
grep -q 'HTTP 403' "$WORK/direct.txt" || { echo "demo.sh: the direct PUT was not refused" >&2; exit 1; }

step "scripts/vnic-signer stats"
stats | tee "$WORK/stats.txt"
grep -q 'signed-requests' "$WORK/stats.txt" || { echo "demo.sh: no signed requests counted" >&2; exit 1; }

step "stop"
kill -TERM "$VNIC_DAEMON_PID"; wait "$VNIC_DAEMON_PID" || true; VNIC_DAEMON_PID=""
tail -1 "$WORK/daemon.log"
echo "demo.sh: done"
