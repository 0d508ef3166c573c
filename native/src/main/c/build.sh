#!/usr/bin/env bash
# Builds libvnicdpdk.so, the JNI shim for DPDK ports, when libdpdk-dev is installed; otherwise says so and succeeds,
# so that everything else still builds. Run by the native module's Maven build (process-classes phase).
# Usage: build.sh <source dir> <JNI header dir> <output dir>
set -euo pipefail

src="$1"
headers="$2"
out="$3"

if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libdpdk; then
  echo "[vnic] DPDK ports are not built: libdpdk-dev not installed (apt-get install libdpdk-dev dpdk-dev)"
  exit 0
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -f "$JAVA_HOME/include/jni.h" ]; then
  # Maven runs on a full JDK; derive its home from javac on the PATH when JAVA_HOME is unset.
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
fi

mkdir -p "$out"
lib="$out/libvnicdpdk.so"
if [ -f "$lib" ] && [ "$lib" -nt "$src/vnicdpdk.c" ] && [ "$lib" -nt "$headers/io_vnicsigner_linux_dpdk_DpdkNative.h" ]; then
  exit 0
fi

# shellcheck disable=SC2046
gcc -O3 -std=gnu11 -fPIC -shared -Wall -Wextra \
  -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux" -I"$headers" \
  $(pkg-config --cflags libdpdk) \
  -o "$lib" "$src/vnicdpdk.c" \
  $(pkg-config --libs libdpdk)
echo "[vnic] built $lib against DPDK $(pkg-config --modversion libdpdk)"
