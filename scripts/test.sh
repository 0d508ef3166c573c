#!/usr/bin/env bash
# Installs what the tests need (JDK check, Debian packages, Maven wrapper) and runs the whole test suite.
#   scripts/test.sh               everything
#   scripts/test.sh -pl signer    extra arguments go to Maven
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/lib.sh"

# Debian packages the tests use: real Linux tools in network namespaces, Python for many-connection clients,
# DPDK (headers for the JNI shim, dpdk-testpmd as a peer), and QEMU plus what vm-images/build.sh makes the test
# guest from (the Debian kernel, busybox-static, cpio and the module/decompression tools).
APT_PACKAGES=(iproute2 iputils-ping arping curl wrk iptables procps python3 pkg-config gcc libdpdk-dev dpdk-dev
  qemu-system-x86 linux-image-amd64 busybox-static cpio kmod zstd xz-utils)

install_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && { echo "test.sh: Debian packages present"; return 0; }
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: not root, cannot install: ${missing[*]} (namespace tests will be skipped)" >&2
    return 0
  fi
  echo "test.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_packages
vnic_setup_java
echo "test.sh: JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) at $JAVA_HOME"
if [ "$(id -u)" -ne 0 ]; then
  echo "test.sh: WARNING: not root; TAP and network-namespace tests need root and will be skipped" >&2
fi
# Namespaces left by a test run that was killed (tests remove their own; this catches SIGKILL).
if [ "$(id -u)" -eq 0 ]; then
  for ns in $(ip netns list 2>/dev/null | awk '/^vst-/ {print $1}'); do
    echo "test.sh: removing stale test namespace $ns"; ip netns del "$ns" || true
  done
fi
# The VM end-to-end tests boot the tiny guest; build it now (cached outside git, a no-op when up to date) so a
# failure to build shows here, not as a test timeout.
if [ "$(id -u)" -eq 0 ]; then
  export VNIC_VM_CACHE="${VNIC_VM_CACHE:-$VNIC_ROOT/.vm-cache}"
  if image_dir=$("$VNIC_ROOT/vm-images/build.sh" | tail -n 1); then
    echo "test.sh: guest image in $image_dir"
  else
    # Not fatal here: VmEndToEndTest runs build.sh again and skips only when QEMU or the kernel is missing.
    echo "test.sh: WARNING: vm-images/build.sh failed; the VM end-to-end tests will report why" >&2
  fi
fi
start=$(date +%s)
vnic_mvn verify "$@"
echo "test.sh: suite passed in $(( $(date +%s) - start )) s"
if [ $# -eq 0 ]; then
  # A short fuzzing session on top of the seed replay that ran inside the suite.
  "$VNIC_ROOT/scripts/fuzz.sh" --ci
fi
