#!/bin/sh
# /init of the vnic-signer test guest. It runs as PID 1 from the initramfs: it loads the virtio-net modules,
# configures eth0 from the kernel command line, runs a list of client steps, prints one VNIC-RESULT line per
# step on the serial console and powers off. vm-images/README.md documents the vnic.* parameters and steps.
# shellcheck shell=ash

export PATH=/bin:/sbin
# The initramfs has no /dev/console node, so the kernel started us without stdio; devtmpfs provides it.
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /tmp /run
mount -t tmpfs tmpfs /tmp

# Kernel parameters may hold glob characters; never let the shell expand them.
set -f

# Prints the value of vnic.NAME= from the kernel command line, or the default given as $2.
param() {
    # shellcheck disable=SC2013 # the command line is one line of words
    for word in $(cat /proc/cmdline); do
        case "$word" in
            "vnic.$1="*) echo "${word#*=}"; return 0 ;;
        esac
    done
    echo "$2"
}

uptime_s() {
    read -r up _ </proc/uptime
    echo "$up"
}

halt_guest() {
    echo "VNIC-DONE ok=$OK fail=$FAIL uptime=$(uptime_s)"
    sync
    poweroff -f
    # poweroff only returns when ACPI is missing; halting keeps QEMU from rebooting into a loop.
    halt -f
}

OK=0
FAIL=0
SEQ=0

# Prints one result line; $1 is ok or fail, the rest are key=value fields.
result() {
    status=$1
    shift
    SEQ=$((SEQ + 1))
    if [ "$status" = ok ]; then OK=$((OK + 1)); else FAIL=$((FAIL + 1)); fi
    echo "VNIC-RESULT seq=$SEQ status=$status $*"
}

SCRIPT=$(param script smoke)
if [ "$SCRIPT" = probe ]; then
    # The launcher's KVM probe only needs to know that the kernel reached userspace.
    echo "VNIC-PROBE-OK uptime=$(uptime_s)"
    halt_guest
fi

echo "VNIC-BOOT uptime=$(uptime_s) kernel=$(uname -r)"
# shellcheck disable=SC2013 # one module name per line, no spaces
for module in $(cat /lib/modules/vnic-order); do
    if ! insmod "/lib/modules/$module.ko"; then
        result fail op=insmod module="$module"
    fi
done

# virtio_net registers eth0 asynchronously after the PCI probe.
tries=0
while [ ! -e /sys/class/net/eth0 ] && [ $tries -lt 100 ]; do
    sleep 0.05
    tries=$((tries + 1))
done
if [ ! -e /sys/class/net/eth0 ]; then
    result fail op=link reason=no-eth0
    halt_guest
fi

IP=$(param ip 10.201.0.2/24)
case "$IP" in */*) ;; *) IP="$IP/24" ;; esac
GW=$(param gw "")
MAC=$(param mac "")
SIGNING_IP=$(param signing 169.254.169.250)
TARGET=$(param target "$SIGNING_IP:80")
HOST_HEADER=$(param host "")
BODY=$(param body hello-from-vnic-guest)
BODY_SIZE=$(param bodysize "")

ip link set lo up
[ -n "$MAC" ] && ip link set eth0 address "$MAC"
ip link set eth0 up
ip addr add "$IP" dev eth0
[ -n "$GW" ] && ip route add default via "$GW"
# Like a cloud metadata address, the signing IP is on-link: the guest ARPs for it instead of using the gateway.
ip route add "$SIGNING_IP/32" dev eth0 scope link 2>/dev/null
echo "VNIC-READY uptime=$(uptime_s) ip=$IP gw=${GW:-none} mac=$(cat /sys/class/net/eth0/address) target=$TARGET"

# The request body for put steps, in a file so that its size and digest are exact.
if [ -n "$BODY_SIZE" ]; then
    head -c "$BODY_SIZE" /dev/zero | tr '\000' 'v' >/tmp/body
else
    printf '%s' "$BODY" >/tmp/body
fi

host_of() { echo "${1%%:*}"; }
port_of() { case "$1" in *:*) echo "${1##*:}" ;; *) echo 80 ;; esac; }

# Prints "bytes=N md5=HEX" for a file.
digest() {
    set -- "$1" "$(wc -c <"$1")" "$(md5sum "$1")"
    echo "bytes=$(($2)) md5=${3%% *}"
}

# Prints the HTTP status code found in a file holding a status line, or 000.
status_code() {
    code=$(sed -n 's/^ *HTTP\/1\.[01] \([0-9][0-9][0-9]\).*/\1/p' "$1" | tail -n 1)
    echo "${code:-000}"
}

is_2xx() { case "$1" in 2??) return 0 ;; *) return 1 ;; esac; }

# GET with busybox wget, as a guest application would. -S puts the status lines on stderr.
do_get() {
    path=$1
    rm -f /tmp/resp /tmp/hdr
    if [ -n "$HOST_HEADER" ]; then
        wget -S -q -O /tmp/resp --header "Host: $HOST_HEADER" "http://$TARGET$path" 2>/tmp/hdr
    else
        wget -S -q -O /tmp/resp "http://$TARGET$path" 2>/tmp/hdr
    fi
    code=$(status_code /tmp/hdr)
    [ -f /tmp/resp ] || : >/tmp/resp
    if is_2xx "$code"; then st=ok; else st=fail; fi
    result "$st" op=get via=wget path="$path" http="$code" "$(digest /tmp/resp)"
    show_body /tmp/resp
}

# Prints a short response body on one line, for tests that check error reasons.
show_body() {
    size=$(wc -c <"$1")
    if [ "$size" -gt 0 ] && [ "$size" -le 512 ]; then
        echo "VNIC-BODY seq=$SEQ $(tr '\n\r' '  ' <"$1")"
    fi
}

# Any method with a raw HTTP/1.1 request over busybox nc, which the PUT needs: busybox 1.35 wget can only
# GET and POST. Unlike wget, this keeps error bodies. The body file is $3 (may be empty).
do_raw() {
    method=$1 path=$2 body=$3
    host=${HOST_HEADER:-$(host_of "$TARGET")}
    length=$(wc -c <"$body")
    {
        printf '%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: vnic-guest\r\nContent-Length: %d\r\n' \
            "$method" "$path" "$host" "$length"
        printf 'Connection: close\r\n\r\n'
        cat "$body"
    } >/tmp/req
    rm -f /tmp/raw
    nc -w 10 "$(host_of "$TARGET")" "$(port_of "$TARGET")" </tmp/req >/tmp/raw 2>/dev/null
    head -n 1 /tmp/raw >/tmp/hdr
    code=$(status_code /tmp/hdr)
    # The response body is everything after the first empty line.
    sed '1,/^\r\{0,1\}$/d' /tmp/raw >/tmp/resp
    if is_2xx "$code"; then st=ok; else st=fail; fi
    # shellcheck disable=SC2018,SC2019 # methods are ASCII
    op=$(echo "$method" | tr 'A-Z' 'a-z')
    result "$st" op="$op" via=nc path="$path" http="$code" sent="$length" "$(digest /tmp/resp)"
    show_body /tmp/resp
}

do_ping() {
    if ping -c 1 -W 2 "$1" >/tmp/ping 2>&1; then st=ok; else st=fail; fi
    result "$st" op=ping dst="$1"
}

do_arping() {
    if arping -c 1 -w 2 -I eth0 "$1" >/tmp/arping 2>&1; then st=ok; else st=fail; fi
    mac=$(sed -n 's/.*\[\([0-9a-fA-F:]*\)\].*/\1/p' /tmp/arping | head -n 1)
    result "$st" op=arping dst="$1" mac="${mac:-none}"
}

do_mac() {
    ip link set eth0 down
    if ip link set eth0 address "$1"; then st=ok; else st=fail; fi
    ip link set eth0 up
    # Addresses survive a down/up, but routes through eth0 do not.
    [ -n "$GW" ] && ip route add default via "$GW" 2>/dev/null
    ip route add "$SIGNING_IP/32" dev eth0 scope link 2>/dev/null
    result "$st" op=mac mac="$(cat /sys/class/net/eth0/address)"
}

run_step() {
    step=$1
    case "$step" in
        ping) do_ping "$(host_of "$TARGET")" ;;
        ping@*) do_ping "${step#ping@}" ;;
        arping) do_arping "$(host_of "$TARGET")" ;;
        arping@*) do_arping "${step#arping@}" ;;
        get:*) do_get "${step#get:}" ;;
        rawget:*) : >/tmp/empty; do_raw GET "${step#rawget:}" /tmp/empty ;;
        put:*) do_raw PUT "${step#put:}" /tmp/body ;;
        put0:*) : >/tmp/empty; do_raw PUT "${step#put0:}" /tmp/empty ;;
        post:*) do_raw POST "${step#post:}" /tmp/body ;;
        delete:*) : >/tmp/empty; do_raw DELETE "${step#delete:}" /tmp/empty ;;
        head:*) : >/tmp/empty; do_raw HEAD "${step#head:}" /tmp/empty ;;
        target:*) TARGET=${step#target:}; result ok op=target target="$TARGET" ;;
        mac:*) do_mac "${step#mac:}" ;;
        sleep:*) sleep "${step#sleep:}"; result ok op=sleep seconds="${step#sleep:}" ;;
        *) result fail op=unknown step="$step" ;;
    esac
}

STEPS=$(param steps "")
if [ -z "$STEPS" ]; then
    if [ -f "/etc/vnic/scripts/$SCRIPT" ]; then
        STEPS=$(cat "/etc/vnic/scripts/$SCRIPT")
    else
        result fail op=script reason=unknown-script script="$SCRIPT"
    fi
fi
echo "VNIC-STEPS script=$SCRIPT steps=$STEPS"
IFS=,
for step in $STEPS; do
    IFS=' 	
'
    run_step "$step"
    IFS=,
done
IFS=' 	
'
halt_guest
