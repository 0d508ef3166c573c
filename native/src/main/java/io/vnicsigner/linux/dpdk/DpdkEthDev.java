package io.vnicsigner.linux.dpdk;

import io.vnicsigner.linux.LinuxException;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One DPDK ethdev (one rx and one tx queue, its own mempool), with copy bursts ({@link #rxCopy}, {@link #txCopy})
 * and zero-copy bursts that hand out mbuf data addresses ({@link #rxRefs}, {@link #txFlush}). Bursts allocate
 * nothing, are for one thread at a time, and do nothing after {@link #close()}.
 */
public final class DpdkEthDev implements AutoCloseable
{
    /** The largest burst the shim accepts. */
    public static final int MAX_BURST = 256;
    /** Bytes of frame an mbuf holds ({@code RTE_MBUF_DEFAULT_DATAROOM}); the pools use the default buffer size. */
    public static final int MBUF_DATA = 2048;

    public static final int STAT_IPACKETS = 0;
    public static final int STAT_OPACKETS = 1;
    public static final int STAT_IBYTES = 2;
    public static final int STAT_OBYTES = 3;
    public static final int STAT_IMISSED = 4;
    public static final int STAT_IERRORS = 5;
    public static final int STAT_OERRORS = 6;
    public static final int STAT_RX_NOMBUF = 7;
    public static final int STAT_COUNT = 8;

    private static final int RX_LENGTHS = 0;
    private static final int RX_ADDRESSES = RX_LENGTHS + 4 * MAX_BURST;
    private static final int RX_REFS = RX_ADDRESSES + 8 * MAX_BURST;
    private static final int TX_ADDRESSES = RX_REFS + 8 * MAX_BURST;
    private static final int TX_REFS = TX_ADDRESSES + 8 * MAX_BURST;
    private static final int TX_LENGTHS = TX_REFS + 8 * MAX_BURST;
    private static final int STATS = TX_LENGTHS + 4 * MAX_BURST;
    private static final int MAC = STATS + 8 * STAT_COUNT;
    private static final int SCRATCH_SIZE = MAC + 8;
    private static final int ENODEV = 19;

    private final String devargs;
    private final int portId;
    private final UnsafeBuffer scratch;
    private final long scratchAddress;
    private int rxHeld;
    private int txReserved;
    private long rxOversize;
    private boolean closed;

    private DpdkEthDev(final String devargs, final int portId)
    {
        this.devargs = devargs;
        this.portId = portId;
        // Freed with the DirectByteBuffer by the GC; a port is opened a handful of times per process.
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SCRATCH_SIZE, 64));
        this.scratchAddress = scratch.addressOffset();
    }

    /**
     * Probes the device (initialising the EAL with {@link Dpdk#ensureInitialised()} if nothing did before),
     * configures one rx and one tx queue and starts it.
     *
     * @param devargs a vdev spec such as {@code net_tap0,iface=vsg0}, or a PCI address such as {@code 0000:03:00.0}.
     * @param poolSize mbufs in the port's mempool; must exceed both descriptor counts plus a burst.
     */
    public static DpdkEthDev open(
        final String devargs, final int rxDescriptors, final int txDescriptors, final int poolSize)
        throws LinuxException
    {
        Dpdk.requireAvailable();
        Dpdk.ensureInitialised();
        synchronized (Dpdk.class)
        {
            return probeAndStart(devargs, rxDescriptors, txDescriptors, poolSize);
        }
    }

    /** DPDK's control path is not thread-safe, so every probe, start and close runs under one lock. */
    private static DpdkEthDev probeAndStart(
        final String devargs, final int rxDescriptors, final int txDescriptors, final int poolSize)
        throws LinuxException
    {
        final int comma = devargs.indexOf(',');
        final String deviceName = comma < 0 ? devargs : devargs.substring(0, comma);
        final int port = DpdkNative.probe(devargs, deviceName);
        if (port < 0)
        {
            throw new LinuxException("DPDK probe " + devargs, -port);
        }
        final int rc = DpdkNative.start(port, rxDescriptors, txDescriptors, poolSize);
        if (rc < 0)
        {
            DpdkNative.close(port);
            throw new LinuxException("DPDK start " + devargs, -rc);
        }
        return new DpdkEthDev(devargs, port);
    }

    public String devargs()
    {
        return devargs;
    }

    public int portId()
    {
        return portId;
    }

    /** The port's MAC address as six bytes. */
    public byte[] macAddress() throws LinuxException
    {
        final int rc = DpdkNative.macAddress(portId, scratchAddress + MAC);
        if (rc < 0)
        {
            throw new LinuxException("rte_eth_macaddr_get " + devargs, -rc);
        }
        final byte[] mac = new byte[6];
        scratch.getBytes(MAC, mac);
        return mac;
    }

    /**
     * Receives up to {@code max} frames, copying each into the next slot from {@code slotsAddress}; read their
     * lengths with {@link #rxLength}. Frames larger than a slot are dropped and counted in {@link #rxOversize()}.
     *
     * @return the number of frames copied.
     */
    public int rxCopy(final long slotsAddress, final int slotSize, final int max)
    {
        if (closed)
        {
            return 0;
        }
        final int packed = DpdkNative.rxCopy(
            portId, slotsAddress, slotSize, Math.min(max, MAX_BURST), scratchAddress + RX_LENGTHS);
        rxOversize += packed >>> 16;
        return packed & 0xFFFF;
    }

    /** Length of frame {@code index} of the last {@link #rxCopy} or {@link #rxRefs}. */
    public int rxLength(final int index)
    {
        return scratch.getInt(RX_LENGTHS + 4 * index);
    }

    /** Frames dropped by {@link #rxCopy} because they did not fit a slot. */
    public long rxOversize()
    {
        return rxOversize;
    }

    /**
     * Sends {@code count} frames held in slots from {@code slotsAddress}, with lengths as ints from
     * {@code lengthsAddress}; each is copied into a fresh mbuf.
     *
     * @return frames the device took (the rest are freed and are the caller's drops), or -errno when no mbufs.
     */
    public int txCopy(final long slotsAddress, final int slotSize, final long lengthsAddress, final int count)
    {
        return closed ? -ENODEV : DpdkNative.txCopy(portId, slotsAddress, slotSize, lengthsAddress, count);
    }

    /**
     * Frees the mbufs of the previous zero-copy burst and receives a new one: frame {@code i} is
     * {@link #rxLength}(i) bytes at {@link #rxAddress}(i), valid until the next call or {@link #close()}. A chained
     * frame shows a negative length.
     */
    public int rxRefs(final int max)
    {
        if (closed)
        {
            return 0;
        }
        final int held = rxHeld;
        rxHeld = 0;
        final int n = DpdkNative.rxRefs(portId, scratchAddress + RX_REFS, held, Math.min(max, MAX_BURST),
            scratchAddress + RX_ADDRESSES, scratchAddress + RX_LENGTHS);
        rxHeld = n;
        return n;
    }

    public long rxAddress(final int index)
    {
        return scratch.getLong(RX_ADDRESSES + 8 * index);
    }

    /**
     * Frames can be written in place into the first {@code txReserved()} mbufs: frame {@code i} at
     * {@link #txAddress}(i), up to {@link #MBUF_DATA} bytes, with its length set by {@link #txLength}.
     */
    public int txReserved()
    {
        return txReserved;
    }

    public long txAddress(final int index)
    {
        return scratch.getLong(TX_ADDRESSES + 8 * index);
    }

    public void txLength(final int index, final int length)
    {
        scratch.putInt(TX_LENGTHS + 4 * index, length);
    }

    /**
     * Sends the first {@code count} reserved mbufs, then tops the reservation back up to {@code want} (fewer when
     * the pool runs dry), keeping unused ones: one native call per burst.
     *
     * @return frames the device took; the other {@code count - sent} were freed and are the caller's drops.
     */
    public int txFlush(final int count, final int want)
    {
        if (closed)
        {
            return 0;
        }
        final int packed = DpdkNative.txFlush(portId, scratchAddress + TX_REFS, count, txReserved,
            scratchAddress + TX_LENGTHS, Math.min(want, MAX_BURST), scratchAddress + TX_ADDRESSES);
        txReserved = packed >>> 16;
        return packed & 0xFFFF;
    }

    /** Copies the device counters into {@code into}, indexed by the {@code STAT_} constants. */
    public void stats(final long[] into) throws LinuxException
    {
        final int rc = DpdkNative.stats(portId, scratchAddress + STATS);
        if (rc < 0)
        {
            throw new LinuxException("rte_eth_stats_get " + devargs, -rc);
        }
        for (int i = 0; i < STAT_COUNT; i++)
        {
            into[i] = scratch.getLong(STATS + 8 * i);
        }
    }

    /** Stops and closes the port, detaches the device and frees its mempool. Idempotent. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            DpdkNative.freeRefs(scratchAddress + RX_REFS, rxHeld);
            DpdkNative.freeRefs(scratchAddress + TX_REFS, txReserved);
            rxHeld = 0;
            txReserved = 0;
            synchronized (Dpdk.class)
            {
                DpdkNative.stop(portId);
                DpdkNative.close(portId);
            }
        }
    }
}
