#!/usr/bin/env bash
# Builds the tiny test guest from Debian packages only: an uncompressed PVH vmlinux taken from linux-image-amd64
# and a busybox-static initramfs holding the eight virtio-net modules and vm-images/init.sh as /init.
#   vm-images/build.sh            build what is missing, print the output directory
#   vm-images/build.sh --force    rebuild both files
#   VNIC_VM_CACHE=DIR             cache directory (default: $VNIC_ROOT/.vm-cache, ignored by git)
#   SOURCE_DATE_EPOCH=N           mtime of every initramfs entry (default 0), for byte-identical rebuilds
# Prints, as its last line, the directory holding vmlinux, initramfs.cpio.gz and kernel.version.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
VNIC_ROOT="$(cd "$HERE/.." && pwd)"
CACHE="${VNIC_VM_CACHE:-$VNIC_ROOT/.vm-cache}"
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-0}"
export SOURCE_DATE_EPOCH
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

# The modules virtio-net needs, in load order (each one depends only on those before it).
MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net)
APT_PACKAGES=(linux-image-amd64 busybox-static cpio kmod zstd xz-utils python3)

log() { echo "vm-images/build.sh: $*" >&2; }
die() { log "$*"; exit 1; }

install_packages() {
  local missing=() p installed
  # One dpkg-query for all packages: this runs before every guest launch, so it must be quick.
  installed=" $(dpkg-query -W -f='${Package}:${db:Status-Status} ' "${APT_PACKAGES[@]}" 2>/dev/null) "
  for p in "${APT_PACKAGES[@]}"; do
    [[ "$installed" == *" $p:installed "* ]] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "needs these Debian packages, run as root or install them: ${missing[*]}"
  log "installing ${missing[*]}"
  # Other builds on the same host may hold the dpkg lock; wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# The kernel release that the linux-image-amd64 metapackage currently points at, e.g. 6.1.0-28-amd64.
kernel_release() {
  local dep
  dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 | sed 's/[,|]/\n/g' | sed -n 's/^ *linux-image-\([^ ]*\).*/\1/p' | head -n 1)
  [ -n "$dep" ] || die "cannot tell which kernel linux-image-amd64 depends on"
  [ -f "/boot/vmlinuz-$dep" ] || die "/boot/vmlinuz-$dep is missing; reinstall linux-image-$dep"
  echo "$dep"
}

# Writes the compressed payload of a bzImage ($1) to $2 and prints its format (gzip, xz, zstd, lzma, lz4, bzip2).
# The boot protocol header gives the payload's place: setup_sects at 0x1f1, payload_offset/length at 0x248/0x24c.
bzimage_payload() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
if data[0x202:0x206] != b"HdrS":
    sys.exit("not a bzImage: no HdrS boot header")
setup_sects = data[0x1f1] or 4
offset, length = struct.unpack_from("<II", data, 0x248)
start = (setup_sects + 1) * 512 + offset
payload = data[start:start + length]
magics = [(b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"),
          (b"\x5d\x00\x00", "lzma"), (b"\x02\x21\x4c\x18", "lz4"), (b"BZh", "bzip2")]
for magic, name in magics:
    if payload.startswith(magic):
        open(sys.argv[2], "wb").write(payload)
        print(name)
        break
else:
    sys.exit("unknown payload compression, first bytes %s" % payload[:6].hex())
PY
}

# Decompresses a bzImage payload ($1, format $2) into an ELF file $3. The kernel build appends the
# uncompressed size (4 bytes) after the stream, which the zstd tool would read as a broken frame.
decompress_payload() {
  local in=$1 format=$2 out=$3 trimmed="$1.trim"
  head -c -4 "$in" >"$trimmed"
  case "$format" in
    zstd) zstd -q -d -c "$trimmed" >"$out" ;;
    xz) xz -d -c --single-stream "$in" >"$out" ;;
    lzma) xz -d -c --format=lzma "$in" >"$out" 2>/dev/null || [ -s "$out" ] ;;
    gzip) gzip -d -c "$in" >"$out" 2>/dev/null || [ -s "$out" ] ;;
    bzip2) bzip2 -d -c "$in" >"$out" 2>/dev/null || [ -s "$out" ] ;;
    lz4) lz4 -d -c "$in" >"$out" 2>/dev/null || [ -s "$out" ] ;;
  esac
  rm -f "$trimmed"
  [ "$(head -c 4 "$out")" = $'\x7fELF' ] || die "decompressed kernel is not an ELF file"
}

build_vmlinux() {
  local release=$1 out=$2 tmp format
  tmp=$(mktemp -d)
  format=$(bzimage_payload "/boot/vmlinuz-$release" "$tmp/payload") || { rm -rf "$tmp"; die "cannot read /boot/vmlinuz-$release"; }
  decompress_payload "$tmp/payload" "$format" "$tmp/vmlinux"
  # QEMU boots an ELF kernel directly only through the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, type 18).
  python3 - "$tmp/vmlinux" <<'PY' || { rm -rf "$tmp"; die "vmlinux has no PVH entry note; boot the bzImage instead"; }
import struct, sys
data = open(sys.argv[1], "rb").read()
phoff, = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
for i in range(phnum):
    p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
    if p_type != 4:
        continue
    pos, end = p_offset, p_offset + p_filesz
    while pos + 12 <= end:
        namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
        name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0")
        if name == b"Xen" and ntype == 18:
            sys.exit(0)
        pos += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
sys.exit(1)
PY
  mv "$tmp/vmlinux" "$out"
  rm -rf "$tmp"
  log "vmlinux from /boot/vmlinuz-$release ($format payload), $(stat -c %s "$out") bytes"
}

# Copies module $1 of kernel $2, decompressed, to directory $3. Prints nothing for a built-in module.
copy_module() {
  local name=$1 release=$2 dest=$3 file
  file=$(modinfo -k "$release" -F filename "$name" 2>/dev/null | head -n 1) || die "kernel $release has no module $name"
  case "$file" in
    "") die "kernel $release has no module $name" ;;
    "(builtin)") return 1 ;;
    *.ko.xz) xz -d -c "$file" >"$dest/$name.ko" ;;
    *.ko.zst) zstd -q -d -c "$file" >"$dest/$name.ko" ;;
    *.ko.gz) gzip -d -c "$file" >"$dest/$name.ko" ;;
    *.ko) cp "$file" "$dest/$name.ko" ;;
    *) die "unexpected module file $file" ;;
  esac
}

build_initramfs() {
  local release=$1 out=$2 root name
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc/vnic/scripts,lib/modules}
  cp /bin/busybox "$root/bin/busybox"
  # One symlink per applet; the list comes from the binary itself, so it always matches. Python makes the
  # few hundred links without a process per link.
  /bin/busybox --list-full | python3 -c '
import os, sys
root = sys.argv[1]
for applet in sorted(sys.stdin.read().split()):
    path = os.path.join(root, applet)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.lexists(path):
        os.symlink("/bin/busybox", path)
' "$root"
  install -m 0755 "$HERE/init.sh" "$root/init"
  for name in "$HERE"/guest-scripts/*; do
    install -m 0644 "$name" "$root/etc/vnic/scripts/$(basename "$name")"
  done
  : >"$root/lib/modules/vnic-order"
  for name in "${MODULES[@]}"; do
    if copy_module "$name" "$release" "$root/lib/modules"; then
      echo "$name" >>"$root/lib/modules/vnic-order"
    fi
  done
  echo "$release" >"$root/etc/vnic/kernel.version"
  find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  (cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) \
    | gzip -n -9 >"$out.tmp"
  mv "$out.tmp" "$out"
  log "initramfs with modules $(tr '\n' ' ' <"$root/lib/modules/vnic-order")($(stat -c %s "$out") bytes)"
  rm -rf "$root"
}

# A digest of everything that goes into the initramfs, so that editing init.sh or a script rebuilds it.
initramfs_inputs() {
  local release=$1
  {
    echo "$release"
    echo "$SOURCE_DATE_EPOCH"
    printf '%s\n' "${MODULES[@]}"
    sha256sum /bin/busybox "$HERE/build.sh" "$HERE/init.sh" "$HERE"/guest-scripts/* | sed 's|  .*/|  |'
  } | sha256sum | cut -d' ' -f1
}

main() {
  local release dir inputs built=0
  install_packages
  release=$(kernel_release)
  dir="$CACHE/$release"
  mkdir -p "$dir"
  # Guests launched in parallel all call this script; one builds while the others wait, then find it done.
  exec 9>"$CACHE/.lock"
  flock 9
  if [ $FORCE -eq 1 ] || [ ! -s "$dir/vmlinux" ]; then
    build_vmlinux "$release" "$dir/vmlinux"
    built=1
  fi
  inputs=$(initramfs_inputs "$release")
  if [ $FORCE -eq 1 ] || [ ! -s "$dir/initramfs.cpio.gz" ] || [ "$(cat "$dir/initramfs.inputs" 2>/dev/null)" != "$inputs" ]; then
    build_initramfs "$release" "$dir/initramfs.cpio.gz"
    echo "$inputs" >"$dir/initramfs.inputs"
    built=1
  fi
  if [ $built -eq 1 ]; then
    echo "$release" >"$dir/kernel.version"
    (cd "$dir" && sha256sum vmlinux initramfs.cpio.gz >SHA256SUMS)
  fi
  echo "$dir"
}

main "$@"
