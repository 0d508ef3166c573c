/*
 * JNI shim between io.vnicsigner.linux.dpdk.DpdkNative and DPDK.
 *
 * DPDK's rte_eth_rx_burst and rte_eth_tx_burst are static inline, so they cannot be reached through FFM; this file
 * exists to give them (and the few control calls around them) a stable symbol. Every function returns a negative
 * errno on failure instead of throwing, so the Java side decides how to report it. Nothing here allocates on the
 * burst paths.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jni.h>

#include <rte_common.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>

#include "io_vnicsigner_linux_dpdk_DpdkNative.h"

/* Bursts are bounded so that the mbuf pointer arrays can live on the C stack. */
#define VNIC_MAX_BURST 256
#define VNIC_MAX_EAL_ARGS 128

static struct rte_mempool *pools[RTE_MAX_ETHPORTS];

static int valid_port(const jint port)
{
    return port >= 0 && port < RTE_MAX_ETHPORTS && rte_eth_dev_is_valid_port((uint16_t)port);
}

/*
 * rte_eal_init pins the calling thread to its main lcore's CPU set. The caller is a JVM thread that must keep the
 * affinity the operator gave the JVM, so the mask is saved before and put back after.
 */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_ealInit(
    JNIEnv *env, jclass cls, jobjectArray args)
{
    (void)cls;
    const jsize argc = (*env)->GetArrayLength(env, args);
    if (argc <= 0 || argc > VNIC_MAX_EAL_ARGS)
    {
        return -EINVAL;
    }

    /* rte_eal_init keeps pointers into argv (and may permute it), so the strings are copied and never freed. */
    char **argv = calloc((size_t)argc + 1, sizeof(char *));
    if (argv == NULL)
    {
        return -ENOMEM;
    }
    for (jsize i = 0; i < argc; i++)
    {
        jstring s = (jstring)(*env)->GetObjectArrayElement(env, args, i);
        const char *utf = (*env)->GetStringUTFChars(env, s, NULL);
        if (utf == NULL)
        {
            return -ENOMEM;
        }
        argv[i] = strdup(utf);
        (*env)->ReleaseStringUTFChars(env, s, utf);
        (*env)->DeleteLocalRef(env, s);
    }

    cpu_set_t saved;
    CPU_ZERO(&saved);
    const int got = pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);

    const int rc = rte_eal_init((int)argc, argv);
    const int init_errno = rte_errno;

    if (got == 0)
    {
        pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
    }
    if (rc < 0)
    {
        return init_errno > 0 ? -init_errno : -EINVAL;
    }
    return rc;
}

JNIEXPORT jstring JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_runtimeDir(JNIEnv *env, jclass cls)
{
    (void)cls;
    return (*env)->NewStringUTF(env, rte_eal_get_runtime_dir());
}

JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_threadRegister(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    if (rte_lcore_id() != LCORE_ID_ANY)
    {
        return (jint)rte_lcore_id();
    }
    return rte_thread_register() == 0 ? (jint)rte_lcore_id() : -rte_errno;
}

JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_lcoreId(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return rte_lcore_id() == LCORE_ID_ANY ? -1 : (jint)rte_lcore_id();
}

/* Probes a device (a vdev spec with its arguments, or a PCI address) and returns its ethdev port id. */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_probe(
    JNIEnv *env, jclass cls, jstring devargs, jstring name)
{
    (void)cls;
    const char *args = (*env)->GetStringUTFChars(env, devargs, NULL);
    const char *devname = (*env)->GetStringUTFChars(env, name, NULL);
    if (args == NULL || devname == NULL)
    {
        return -ENOMEM;
    }
    uint16_t port = 0;
    int rc = 0;
    /* A device given on the EAL command line (-a, --vdev) is probed already; probing it again would fail with EEXIST. */
    if (rte_eth_dev_get_port_by_name(devname, &port) != 0)
    {
        rc = rte_dev_probe(args);
        if (rc == 0 && rte_eth_dev_get_port_by_name(devname, &port) != 0)
        {
            rc = -ENODEV;
        }
    }
    (*env)->ReleaseStringUTFChars(env, devargs, args);
    (*env)->ReleaseStringUTFChars(env, name, devname);
    return rc < 0 ? rc : (jint)port;
}

/*
 * One rx and one tx queue, a mempool of its own, promiscuous mode (a switch port must see every MAC), then start.
 */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_start(
    JNIEnv *env, jclass cls, jint port, jint rx_desc, jint tx_desc, jint pool_size)
{
    (void)env;
    (void)cls;
    if (!valid_port(port))
    {
        return -ENODEV;
    }
    const int socket = rte_eth_dev_socket_id((uint16_t)port);
    const int pool_socket = socket < 0 ? (int)SOCKET_ID_ANY : socket;
    if (pools[port] == NULL)
    {
        char name[RTE_MEMPOOL_NAMESIZE];
        snprintf(name, sizeof(name), "vnic_p%d", (int)port);
        pools[port] = rte_pktmbuf_pool_create(
            name, (unsigned)pool_size, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, pool_socket);
        if (pools[port] == NULL)
        {
            return -rte_errno;
        }
    }

    struct rte_eth_conf conf;
    memset(&conf, 0, sizeof(conf));
    int rc = rte_eth_dev_configure((uint16_t)port, 1, 1, &conf);
    if (rc < 0)
    {
        return rc;
    }
    uint16_t nb_rx = (uint16_t)rx_desc;
    uint16_t nb_tx = (uint16_t)tx_desc;
    rc = rte_eth_dev_adjust_nb_rx_tx_desc((uint16_t)port, &nb_rx, &nb_tx);
    if (rc < 0)
    {
        return rc;
    }
    rc = rte_eth_rx_queue_setup((uint16_t)port, 0, nb_rx, (unsigned)pool_socket, NULL, pools[port]);
    if (rc < 0)
    {
        return rc;
    }
    rc = rte_eth_tx_queue_setup((uint16_t)port, 0, nb_tx, (unsigned)pool_socket, NULL);
    if (rc < 0)
    {
        return rc;
    }
    rc = rte_eth_dev_start((uint16_t)port);
    if (rc < 0)
    {
        return rc;
    }
    /* Some PMDs (net_null, net_ring) have no promiscuous switch; they pass everything anyway. */
    rte_eth_promiscuous_enable((uint16_t)port);
    return 0;
}

JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_stop(JNIEnv *env, jclass cls, jint port)
{
    (void)env;
    (void)cls;
    return valid_port(port) ? rte_eth_dev_stop((uint16_t)port) : -ENODEV;
}

/* Closes the port, detaches its device (so the same vdev name can be probed again) and frees its mempool. */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_close(JNIEnv *env, jclass cls, jint port)
{
    (void)env;
    (void)cls;
    if (!valid_port(port))
    {
        return -ENODEV;
    }
    struct rte_eth_dev_info info;
    struct rte_device *device = NULL;
    if (rte_eth_dev_info_get((uint16_t)port, &info) == 0)
    {
        device = info.device;
    }
    int rc = rte_eth_dev_close((uint16_t)port);
    if (device != NULL)
    {
        const int removed = rte_dev_remove(device);
        rc = rc < 0 ? rc : removed;
    }
    if (pools[port] != NULL)
    {
        rte_mempool_free(pools[port]);
        pools[port] = NULL;
    }
    return rc;
}

JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_macAddress(
    JNIEnv *env, jclass cls, jint port, jlong into)
{
    (void)env;
    (void)cls;
    if (!valid_port(port))
    {
        return -ENODEV;
    }
    struct rte_ether_addr mac;
    const int rc = rte_eth_macaddr_get((uint16_t)port, &mac);
    if (rc == 0)
    {
        memcpy((void *)(uintptr_t)into, mac.addr_bytes, RTE_ETHER_ADDR_LEN);
    }
    return rc;
}

/* Writes ipackets, opackets, ibytes, obytes, imissed, ierrors, oerrors, rx_nombuf as eight longs. */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_stats(
    JNIEnv *env, jclass cls, jint port, jlong into)
{
    (void)env;
    (void)cls;
    if (!valid_port(port))
    {
        return -ENODEV;
    }
    struct rte_eth_stats s;
    const int rc = rte_eth_stats_get((uint16_t)port, &s);
    if (rc == 0)
    {
        int64_t *out = (int64_t *)(uintptr_t)into;
        out[0] = (int64_t)s.ipackets;
        out[1] = (int64_t)s.opackets;
        out[2] = (int64_t)s.ibytes;
        out[3] = (int64_t)s.obytes;
        out[4] = (int64_t)s.imissed;
        out[5] = (int64_t)s.ierrors;
        out[6] = (int64_t)s.oerrors;
        out[7] = (int64_t)s.rx_nombuf;
    }
    return rc;
}

static void copy_out(const struct rte_mbuf *m, uint8_t *dst)
{
    for (; m != NULL; m = m->next)
    {
        const uint16_t n = rte_pktmbuf_data_len(m);
        memcpy(dst, rte_pktmbuf_mtod(m, const void *), n);
        dst += n;
    }
}

/*
 * Copy variant of rx: each frame is copied into the next Java-owned slot and its mbuf freed at once. A frame larger
 * than a slot is dropped. Returns kept | (oversize << 16).
 */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_rxCopy(
    JNIEnv *env, jclass cls, jint port, jlong slots, jint slot_size, jint max, jlong lengths)
{
    (void)env;
    (void)cls;
    struct rte_mbuf *pkts[VNIC_MAX_BURST];
    const uint16_t want = (uint16_t)(max > VNIC_MAX_BURST ? VNIC_MAX_BURST : max);
    const uint16_t n = rte_eth_rx_burst((uint16_t)port, 0, pkts, want);
    uint8_t *dst = (uint8_t *)(uintptr_t)slots;
    int32_t *lens = (int32_t *)(uintptr_t)lengths;
    int kept = 0;
    int oversize = 0;
    for (uint16_t i = 0; i < n; i++)
    {
        if (i + 1 < n)
        {
            rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
        }
        const struct rte_mbuf *m = pkts[i];
        const uint32_t len = rte_pktmbuf_pkt_len(m);
        if (len > (uint32_t)slot_size)
        {
            oversize++;
            continue;
        }
        if (m->nb_segs == 1)
        {
            memcpy(dst, rte_pktmbuf_mtod(m, const void *), len);
        }
        else
        {
            copy_out(m, dst);
        }
        lens[kept++] = (int32_t)len;
        dst += slot_size;
    }
    if (n > 0)
    {
        rte_pktmbuf_free_bulk(pkts, n);
    }
    return kept | (oversize << 16);
}

/*
 * Copy variant of tx: allocates one mbuf per queued frame, copies the frame in, sends the burst and frees what the
 * device did not take. Returns the number sent, or a negative errno when no mbufs could be had (nothing sent).
 */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_txCopy(
    JNIEnv *env, jclass cls, jint port, jlong slots, jint slot_size, jlong lengths, jint count)
{
    (void)env;
    (void)cls;
    if (count <= 0)
    {
        return 0;
    }
    if (count > VNIC_MAX_BURST || pools[port] == NULL)
    {
        return -EINVAL;
    }
    struct rte_mbuf *pkts[VNIC_MAX_BURST];
    if (rte_pktmbuf_alloc_bulk(pools[port], pkts, (unsigned)count) != 0)
    {
        return -ENOBUFS;
    }
    const uint8_t *src = (const uint8_t *)(uintptr_t)slots;
    const int32_t *lens = (const int32_t *)(uintptr_t)lengths;
    int ready = 0;
    for (int i = 0; i < count; i++)
    {
        struct rte_mbuf *m = pkts[i];
        const int32_t len = lens[i];
        char *dst = len > 0 && len <= UINT16_MAX ? rte_pktmbuf_append(m, (uint16_t)len) : NULL;
        if (dst == NULL)
        {
            /* Longer than the data room: dropped here rather than sent cut short. */
            rte_pktmbuf_free(m);
        }
        else
        {
            memcpy(dst, src, (size_t)len);
            pkts[ready++] = m;
        }
        src += slot_size;
    }
    const uint16_t sent = rte_eth_tx_burst((uint16_t)port, 0, pkts, (uint16_t)ready);
    if (sent < ready)
    {
        rte_pktmbuf_free_bulk(pkts + sent, (unsigned)(ready - sent));
    }
    return sent;
}

/*
 * Zero-copy variant of rx: frees the mbufs handed out by the previous call, receives a new burst and hands Java the
 * data address and length of each first segment. The mbuf pointers stay in Java's refs array until the next call.
 * A chained (multi-segment) frame is reported with a negative length so Java can drop it.
 */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_rxRefs(
    JNIEnv *env, jclass cls, jint port, jlong refs, jint previous, jint max, jlong addresses, jlong lengths)
{
    (void)env;
    (void)cls;
    struct rte_mbuf **pkts = (struct rte_mbuf **)(uintptr_t)refs;
    if (previous > 0)
    {
        rte_pktmbuf_free_bulk(pkts, (unsigned)previous);
    }
    const uint16_t want = (uint16_t)(max > VNIC_MAX_BURST ? VNIC_MAX_BURST : max);
    const uint16_t n = rte_eth_rx_burst((uint16_t)port, 0, pkts, want);
    int64_t *addrs = (int64_t *)(uintptr_t)addresses;
    int32_t *lens = (int32_t *)(uintptr_t)lengths;
    for (uint16_t i = 0; i < n; i++)
    {
        const struct rte_mbuf *m = pkts[i];
        addrs[i] = (int64_t)(uintptr_t)rte_pktmbuf_mtod(m, void *);
        lens[i] = m->nb_segs == 1 ? (int32_t)rte_pktmbuf_data_len(m) : -(int32_t)rte_pktmbuf_pkt_len(m);
    }
    return n;
}

/* Frees mbufs still held in a refs array (the zero-copy receive burst at close). */
JNIEXPORT void JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_freeRefs(
    JNIEnv *env, jclass cls, jlong refs, jint count)
{
    (void)env;
    (void)cls;
    if (count > 0)
    {
        rte_pktmbuf_free_bulk((struct rte_mbuf **)(uintptr_t)refs, (unsigned)count);
    }
}

/*
 * Zero-copy tx: the caller has written frames straight into the first count mbufs of its reservation (refs, with
 * data addresses handed out before). Sends those, frees what the device refused, moves the unused reserved mbufs to
 * the front and tops the reservation up to want, handing out the new data addresses. One call per burst, so the
 * reservation is kept across flushes instead of being freed. Returns sent | (reserved << 16).
 */
JNIEXPORT jint JNICALL Java_io_vnicsigner_linux_dpdk_DpdkNative_txFlush(
    JNIEnv *env, jclass cls, jint port, jlong refs, jint count, jint reserved, jlong lengths, jint want,
    jlong addresses)
{
    (void)env;
    (void)cls;
    struct rte_mbuf **pkts = (struct rte_mbuf **)(uintptr_t)refs;
    int64_t *addrs = (int64_t *)(uintptr_t)addresses;
    uint16_t sent = 0;
    if (reserved < 0 || reserved > VNIC_MAX_BURST)
    {
        return -EINVAL;
    }
    count = count < 0 ? 0 : (count > reserved ? reserved : count);
    if (count > 0)
    {
        const int32_t *lens = (const int32_t *)(uintptr_t)lengths;
        struct rte_mbuf *burst[VNIC_MAX_BURST];
        int ready = 0;
        for (int i = 0; i < count; i++)
        {
            struct rte_mbuf *m = pkts[i];
            const int32_t len = lens[i];
            if (len <= 0 || len > (int32_t)rte_pktmbuf_tailroom(m))
            {
                /* A length the mbuf cannot hold would make the device read past it: dropped instead. */
                rte_pktmbuf_free(m);
                continue;
            }
            m->data_len = (uint16_t)len;
            m->pkt_len = (uint32_t)len;
            burst[ready++] = m;
        }
        sent = rte_eth_tx_burst((uint16_t)port, 0, burst, (uint16_t)ready);
        if (sent < ready)
        {
            rte_pktmbuf_free_bulk(burst + sent, (unsigned)(ready - sent));
        }
        const int left = reserved - count;
        if (left > 0)
        {
            memmove(pkts, pkts + count, (size_t)left * sizeof(*pkts));
            memmove(addrs, addrs + count, (size_t)left * sizeof(*addrs));
        }
        reserved = left;
    }
    if (want > VNIC_MAX_BURST)
    {
        want = VNIC_MAX_BURST;
    }
    if (reserved < want && pools[port] != NULL &&
        rte_pktmbuf_alloc_bulk(pools[port], pkts + reserved, (unsigned)(want - reserved)) == 0)
    {
        for (int i = reserved; i < want; i++)
        {
            addrs[i] = (int64_t)(uintptr_t)rte_pktmbuf_mtod(pkts[i], void *);
        }
        reserved = want;
    }
    return (jint)sent | (reserved << 16);
}
