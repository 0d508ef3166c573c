#!/usr/bin/env bash
# Runs each Jazzer fuzz target of the dataplane in fuzzing mode, one Maven/JVM run per target (Jazzer fuzzes one
# test per run), and reports executions, exec/s and findings per target.
#   scripts/fuzz.sh [--ci] [SECONDS]    SECONDS per target: default 300, --ci 30
#   FUZZ_TARGETS=HttpSegmentsFuzzTest#segmentsToHttp scripts/fuzz.sh 600    one target only
# Plain `mvn test` runs the same targets in regression mode over their committed seeds only.
# Everything lands under dataplane/target/fuzz/ (outside git): <target>.log, the grown corpus (corpus/, reused by
# the next run until `mvn clean`), and findings/<target>/ with each crashing input.
# Exits 1 when a target has a finding or its run fails, 0 otherwise.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib.sh"

usage() { echo "usage: scripts/fuzz.sh [--ci] [SECONDS]" >&2; exit 2; }
SECONDS_PER_TARGET=300
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) SECONDS_PER_TARGET=30 ;;
    -h|--help) usage ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] || usage; SECONDS_PER_TARGET=$1 ;;
  esac
  shift
done

# class#method; each class keeps its seeds in src/test/resources/<package>/<Class>Inputs/<method>/.
# FUZZ_TARGETS="Class#method ..." picks some of them.
read -r -a TARGETS <<<"${FUZZ_TARGETS:-FrameTcpFuzzTest#framesToTcp HttpSegmentsFuzzTest#segmentsToHttp}"
PACKAGE=io.vnicsigner.dataplane.fuzz
MODULE="$VNIC_ROOT/dataplane"
OUT="$MODULE/target/fuzz"
INPUTS="$MODULE/src/test/resources/${PACKAGE//.//}"
# Jazzer keeps its generated corpus in .cifuzz-corpus/ of the working directory; it lives in target/ between runs.
JAZZER_CORPUS="$MODULE/.cifuzz-corpus"

vnic_setup_java
mkdir -p "$OUT/corpus" "$OUT/findings"

restore_corpus() {
  if [ -d "$JAZZER_CORPUS" ]; then
    cp -a "$JAZZER_CORPUS/." "$OUT/corpus/" && rm -rf "$JAZZER_CORPUS"
  fi
}
trap restore_corpus EXIT

# Moves crash, timeout and OOM inputs that Jazzer wrote next to the seeds (or into the working directory) to
# findings/, so that git stays clean; prints how many there were.
collect_findings() {
  local target=$1 since=$2 dest="$OUT/findings/$1" n=0 f
  mkdir -p "$dest"
  while IFS= read -r -d '' f; do
    mv "$f" "$dest/" && n=$((n + 1))
  done < <(find "$INPUTS" "$MODULE" -maxdepth 4 -path "$MODULE/target" -prune -o -type f \
             \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' -o -name 'slow-unit-*' \
                -o -name 'Crash_*.java' \) -newer "$since" -print0 2>/dev/null)
  echo "$n"
}

status=0
summary=()
for target in "${TARGETS[@]}"; do
  class=${target%%#*} method=${target##*#} name=${class}.${method}
  log="$OUT/$name.log" stamp="$OUT/.start-$name"
  rm -rf "$JAZZER_CORPUS"; mkdir -p "$JAZZER_CORPUS"
  cp -a "$OUT/corpus/." "$JAZZER_CORPUS/"
  touch "$stamp"
  echo "fuzz.sh: $name for ${SECONDS_PER_TARGET}s (log: ${log#"$VNIC_ROOT"/})"
  rc=0
  (cd "$VNIC_ROOT" && JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${SECONDS_PER_TARGET}s" \
     ./mvnw -B -ntp -pl dataplane -am test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false) \
     >"$log" 2>&1 || rc=$?
  restore_corpus
  findings=$(collect_findings "$name" "$stamp")
  rm -f "$stamp"

  # libFuzzer's last status line: "#<runs> DONE cov: ... exec/s: <n> ..." or, after a crash, the last "#<runs>".
  last=$(grep -aE '^#[0-9]+[[:space:]]' "$log" | tail -1 || true)
  runs=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/p' "$log" | tail -1)
  [ -n "$runs" ] || runs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
  rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$last")
  corpus=$(sed -nE 's/.* corp: ([0-9]+\/[^ ]+) .*/\1/p' <<<"$last")
  crashed=$(grep -acE 'Test unit written to|FuzzTestFindingException' "$log" || true)
  line="$name: executions=${runs:-?} exec/s=${rate:-?} cov=${cov:-?} corpus=${corpus:-?} findings=$findings"
  if [ "$findings" -gt 0 ] || [ "$crashed" -gt 0 ]; then
    line="$line -> FINDING, inputs in ${OUT#"$VNIC_ROOT"/}/findings/$name/"
    { grep -a -m1 'FuzzTestFindingException' "$log"; grep -a -m1 -A25 '^Caused by' "$log"; } >&2 || true
    status=1
  elif [ "$rc" -ne 0 ]; then
    line="$line -> RUN FAILED (exit $rc), see the log"
    tail -30 "$log" >&2
    status=1
  fi
  echo "fuzz.sh: $line"
  summary+=("$line")
done

echo "fuzz.sh: summary (${SECONDS_PER_TARGET}s per target)"
printf '  %s\n' "${summary[@]}"
exit $status
