#!/usr/bin/env bash
# Boots the vm-images test guest in QEMU with one virtio-net NIC, attached by tap, vhost-user or qemu-stream.
# The serial console goes to a log file; the guest prints VNIC-READY, one VNIC-RESULT per step, VNIC-DONE and
# powers off. Uses KVM when a probe boot under KVM succeeds, TCG otherwise, and says which.
#
#   scripts/launch-guest.sh (--tap IFNAME | --vhost-user SOCKET | --stream SOCKET) [options]
#     --mac MAC             NIC MAC address given to QEMU (default 52:54:00:00:00:02)
#     --guest-mac MAC       MAC the guest sets on eth0 itself at boot (vnic.mac=), e.g. to spoof
#     --ip IP[/LEN]         guest address (default 10.201.0.2/24)
#     --gw IP               default gateway
#     --script NAME         named step list from vm-images/guest-scripts (default smoke)
#     --steps LIST          explicit comma-separated steps, overrides --script (see vm-images/README.md)
#     --target IP[:PORT]    where HTTP steps go (default 169.254.169.250:80)
#     --host NAME           Host header for HTTP steps
#     --body TEXT           PUT body (no spaces); --body-size N sends N bytes instead
#     --append ARGS         more kernel command-line words
#     --log FILE            serial console log (default ./guest-<pid>.log)
#     --timeout SECONDS     kill QEMU after this long (default 60)
#     --accel auto|kvm|tcg  default auto
#     --vhost-server        QEMU owns the vhost-user socket (server=on) instead of connecting to it
#     --background          print the PID and return at once; a watchdog still enforces --timeout
#     --pidfile FILE        write the QEMU PID there
#     --memory MB           guest RAM (default 256)
#     --netns NAME          run QEMU in that network namespace (where its TAP lives)
#     --offloads on|off     virtio-net checksum/TSO offloads (default on); off makes the guest send frames with
#                           complete checksums and no GSO, for backends that ignore virtio-net headers
# Exit status (foreground): 0 when the guest powered off, 124 on timeout, QEMU's status otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
ME=launch-guest

ATTACH="" ATTACH_ARG="" MAC=52:54:00:00:00:02 GUEST_MAC="" IP=10.201.0.2/24 GW="" SCRIPT=smoke STEPS=""
TARGET="" HOST_HEADER="" BODY="" BODY_SIZE="" APPEND="" LOG="" TIMEOUT=60 ACCEL=auto VHOST_SERVER=0
BACKGROUND=0 PIDFILE="" MEMORY=256 OFFLOADS=on NETNS=""

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
die() { echo "$ME: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --tap|--vhost-user|--stream) [ -z "$ATTACH" ] || die "give only one of --tap, --vhost-user, --stream"
      ATTACH=${1#--}; ATTACH_ARG=${2:?$1 needs a value}; shift 2 ;;
    --mac) MAC=${2:?}; shift 2 ;;
    --guest-mac) GUEST_MAC=${2:?}; shift 2 ;;
    --ip) IP=${2:?}; shift 2 ;;
    --gw) GW=${2:?}; shift 2 ;;
    --script) SCRIPT=${2:?}; shift 2 ;;
    --steps) STEPS=${2:?}; shift 2 ;;
    --target) TARGET=${2:?}; shift 2 ;;
    --host) HOST_HEADER=${2:?}; shift 2 ;;
    --body) BODY=${2:?}; shift 2 ;;
    --body-size) BODY_SIZE=${2:?}; shift 2 ;;
    --append) APPEND=${2:?}; shift 2 ;;
    --log) LOG=${2:?}; shift 2 ;;
    --timeout) TIMEOUT=${2:?}; shift 2 ;;
    --accel) ACCEL=${2:?}; shift 2 ;;
    --vhost-server) VHOST_SERVER=1; shift ;;
    --background) BACKGROUND=1; shift ;;
    --pidfile) PIDFILE=${2:?}; shift 2 ;;
    --memory) MEMORY=${2:?}; shift 2 ;;
    --offloads) OFFLOADS=${2:?}; shift 2 ;;
    --netns) NETNS=${2:?}; shift 2 ;;
    -h|--help) usage 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
[ -n "$ATTACH" ] || die "needs --tap IFNAME, --vhost-user SOCKET or --stream SOCKET"
case "$STEPS$BODY$HOST_HEADER$TARGET" in *[[:space:]]*) die "steps, body, host and target cannot hold spaces" ;; esac
command -v qemu-system-x86_64 >/dev/null || die "needs qemu-system-x86_64 (apt-get install qemu-system-x86)"

IMAGE_DIR=$("$ROOT/vm-images/build.sh" | tail -n 1)
KERNEL="$IMAGE_DIR/vmlinux"
INITRD="$IMAGE_DIR/initramfs.cpio.gz"
LOG=${LOG:-$PWD/guest-$$.log}

# Words every boot uses: the serial console, no reboot on panic, and quiet so VNIC lines stand out.
# no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can miss its ticks and panic with
# "IO-APIC + timer doesn't work!" (seen here at a load average of 20 on 2 CPUs); the check proves nothing in a VM.
BASE_CMDLINE="console=ttyS0 quiet loglevel=3 panic=-1 no_timer_check i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd"

# -nodefaults drops the default NIC, VGA and monitor; -no-reboot turns a guest panic into a QEMU exit.
QEMU_BASE=(-nodefaults -no-user-config -no-reboot -display none -monitor none -machine pc -cpu max -smp 1
  -kernel "$KERNEL" -initrd "$INITRD")

# Prints kvm when a guest actually reaches userspace under KVM within a few seconds, tcg otherwise. The answer
# is kept per host boot, because /dev/kvm can exist and still be unable to run a stock kernel.
probe_accel() {
  if ! [ -c /dev/kvm ] || ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then echo tcg; return; fi
  local boot cache out pid
  boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
  cache="${TMPDIR:-/tmp}/vnic-kvm-probe.$boot.$(basename "$IMAGE_DIR")"
  if [ -f "$cache" ]; then cat "$cache"; return; fi
  out=$(mktemp)
  qemu-system-x86_64 "${QEMU_BASE[@]}" -accel kvm -m 128 -serial "file:$out" \
    -append "$BASE_CMDLINE vnic.script=probe" >/dev/null 2>&1 &
  pid=$!
  # Under KVM the guest reaches /init in well under a second; eight seconds leaves room for a busy host.
  for _ in $(seq 80); do
    grep -q VNIC-PROBE-OK "$out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if grep -q VNIC-PROBE-OK "$out" 2>/dev/null; then echo kvm >"$cache"; else echo tcg >"$cache"; fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$out"
  cat "$cache"
}

case "$ACCEL" in
  auto) ACCEL=$(probe_accel) ;;
  kvm|tcg) ;;
  *) die "--accel must be auto, kvm or tcg" ;;
esac

CMDLINE="$BASE_CMDLINE vnic.ip=$IP vnic.script=$SCRIPT"
[ -n "$GW" ] && CMDLINE+=" vnic.gw=$GW"
[ -n "$GUEST_MAC" ] && CMDLINE+=" vnic.mac=$GUEST_MAC"
[ -n "$STEPS" ] && CMDLINE+=" vnic.steps=$STEPS"
[ -n "$TARGET" ] && CMDLINE+=" vnic.target=$TARGET"
[ -n "$HOST_HEADER" ] && CMDLINE+=" vnic.host=$HOST_HEADER"
[ -n "$BODY" ] && CMDLINE+=" vnic.body=$BODY"
[ -n "$BODY_SIZE" ] && CMDLINE+=" vnic.bodysize=$BODY_SIZE"
[ -n "$APPEND" ] && CMDLINE+=" $APPEND"

NIC="virtio-net-pci,netdev=n0,mac=$MAC,romfile="
case "$OFFLOADS" in
  on) ;;
  off) NIC+=",csum=off,guest_csum=off,gso=off,host_tso4=off,host_tso6=off,host_ecn=off,host_ufo=off"
       NIC+=",guest_tso4=off,guest_tso6=off,guest_ecn=off,guest_ufo=off" ;;
  *) die "--offloads must be on or off" ;;
esac
ARGS=()
case "$ATTACH" in
  tap)
    ARGS+=(-netdev "tap,id=n0,ifname=$ATTACH_ARG,script=no,downscript=no")
    ARGS+=(-m "$MEMORY") ;;
  vhost-user)
    # The backend maps guest memory, so it must be a shared memfd. Under TCG QEMU cannot deliver
    # MSI-X interrupts for vhost-user, so the NIC falls back to INTx with vectors=0.
    server=off
    [ $VHOST_SERVER -eq 1 ] && server=on
    ARGS+=(-object "memory-backend-memfd,id=mem0,size=${MEMORY}M,share=on" -machine memory-backend=mem0 -m "$MEMORY")
    ARGS+=(-chardev "socket,id=vhu0,path=$ATTACH_ARG,server=$server")
    ARGS+=(-netdev "vhost-user,id=n0,chardev=vhu0")
    [ "$ACCEL" = tcg ] && NIC+=",vectors=0" ;;
  stream)
    # QEMU 7.2 connects once; the peer must already listen on the socket.
    ARGS+=(-netdev "stream,id=n0,addr.type=unix,addr.path=$ATTACH_ARG,server=off")
    ARGS+=(-m "$MEMORY") ;;
esac
ARGS+=(-device "$NIC")

: >"$LOG"
# ip netns exec execs QEMU, so $! is QEMU's own PID either way.
IN_NS=()
[ -n "$NETNS" ] && IN_NS=(ip netns exec "$NETNS")
"${IN_NS[@]}" qemu-system-x86_64 "${QEMU_BASE[@]}" -accel "$ACCEL" -serial "file:$LOG" "${ARGS[@]}" -append "$CMDLINE" \
  >>"$LOG.qemu" 2>&1 &
QEMU_PID=$!
[ -n "$PIDFILE" ] && echo "$QEMU_PID" >"$PIDFILE"
echo "$ME: accel=$ACCEL attach=$ATTACH:$ATTACH_ARG kernel=$(cat "$IMAGE_DIR/kernel.version") log=$LOG"
echo "$ME: qemu pid $QEMU_PID"

# Kills our QEMU, and only it: the PID must still belong to a QEMU process using this log file.
kill_qemu() {
  if kill -0 "$QEMU_PID" 2>/dev/null && tr '\0' ' ' <"/proc/$QEMU_PID/cmdline" 2>/dev/null | grep -qF "file:$LOG"; then
    kill -TERM "$QEMU_PID" 2>/dev/null || true
  fi
}

if [ $BACKGROUND -eq 1 ]; then
  # A detached watchdog enforces the timeout after this script has returned.
  (
    trap '' HUP
    end=$((SECONDS + TIMEOUT))
    while [ $SECONDS -lt $end ] && kill -0 "$QEMU_PID" 2>/dev/null; do sleep 1; done
    kill_qemu
  ) </dev/null >/dev/null 2>&1 &
  disown
  exit 0
fi

trap 'kill_qemu' INT TERM
end=$((SECONDS + TIMEOUT))
while kill -0 "$QEMU_PID" 2>/dev/null; do
  if [ $SECONDS -ge $end ]; then
    echo "$ME: timeout after ${TIMEOUT}s, killing qemu $QEMU_PID" >&2
    kill_qemu
    wait "$QEMU_PID" 2>/dev/null || true
    exit 124
  fi
  sleep 0.2
done
status=0
wait "$QEMU_PID" || status=$?
echo "$ME: qemu exited with status $status"
exit "$status"
