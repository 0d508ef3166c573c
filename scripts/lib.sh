# Shared helpers for the scripts in this folder. Source it; do not run it.
# shellcheck shell=bash

VNIC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Prints the home of a JDK 25 or newer: $JAVA_HOME if it qualifies, then Temurin 25, then any
# JDK >= 25 under /usr/lib/jvm. Exits with install advice when there is none.
vnic_find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  for c in /usr/lib/jvm/*; do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  cat >&2 <<'MSG'
vnic-signer needs a JDK 25 or newer and none was found
(looked at $JAVA_HOME, /usr/lib/jvm/temurin-25-jdk-amd64 and /usr/lib/jvm/*).
Install one, for example Temurin 25 (apt package temurin-25-jdk from the Adoptium repository),
or set JAVA_HOME to a JDK 25 home.
MSG
  return 1
}

# Prints the JVM flags kept in jvm.flags (one place for Surefire, JMH and the launcher).
vnic_jvm_flags() {
  sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' "$VNIC_ROOT/jvm.flags" | sed -n 's/^vnic\.jvm\.flags=//p'
}

vnic_setup_java() {
  JAVA_HOME="$(vnic_find_jdk)" || exit 1
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
}

vnic_mvn() {
  (cd "$VNIC_ROOT" && ./mvnw -B -ntp "$@")
}

# Builds the launcher jar when it is missing or older than any source file.
vnic_ensure_built() {
  local jar="$VNIC_ROOT/control/target/vnic-signer.jar"
  # Only the modules the launcher jar is built from; bench/ and tests do not make it stale.
  local modules=("$VNIC_ROOT/native" "$VNIC_ROOT/signer" "$VNIC_ROOT/dataplane" "$VNIC_ROOT/control")
  if [ ! -f "$jar" ] || [ -n "$(find "${modules[@]}" -path '*/src/main/*' -newer "$jar" -print -quit 2>/dev/null)" ] \
     || [ "$VNIC_ROOT/pom.xml" -nt "$jar" ]; then
    echo "vnic-signer: building (first use or sources changed)..." >&2
    vnic_mvn -q -DskipTests -pl control -am package >&2 || { echo "vnic-signer: build failed" >&2; return 1; }
    # Maven leaves an unchanged jar's time alone; mark it current so the next call does not build again.
    touch "$jar"
  fi
}

# Starts the daemon (the built jar) on CONFIG with runtime dir RUNDIR, output to LOG; waits until TAPs named in
# the remaining arguments exist and the counters file is there. Sets VNIC_DAEMON_PID.
vnic_start_daemon() {
  local config=$1 rundir=$2 log=$3 tap
  shift 3
  # shellcheck disable=SC2046
  "$JAVA_HOME/bin/java" $(vnic_jvm_flags) ${VNIC_JAVA_OPTS:-} -jar "$VNIC_ROOT/control/target/vnic-signer.jar" \
    run --config "$config" --dir "$rundir" > "$log" 2>&1 &
  VNIC_DAEMON_PID=$!
  for _ in $(seq 300); do
    local ready=1
    for tap in "$@"; do [ -e "/sys/class/net/$tap" ] || ready=0; done
    [ -e "$rundir/counters.dat" ] || ready=0
    [ "$ready" -eq 1 ] && return 0
    kill -0 "$VNIC_DAEMON_PID" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "vnic-signer did not start within 30 s" >&2; cat "$log" >&2; return 1
}

# Moves TAP into a new namespace NS as a guest with MAC and IP/24, routed to the signing IP.
vnic_guest_namespace() {
  local ns=$1 tap=$2 mac=$3 ip=$4 signing_ip=${5:-169.254.169.250}
  ip netns add "$ns"
  ip link set "$tap" netns "$ns"
  ip -n "$ns" link set lo up
  ip -n "$ns" link set "$tap" address "$mac" up
  ip -n "$ns" addr add "$ip/24" dev "$tap"
  ip -n "$ns" route add "$signing_ip/32" dev "$tap"
}
