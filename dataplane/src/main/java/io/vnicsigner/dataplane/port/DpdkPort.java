package io.vnicsigner.dataplane.port;

import io.vnicsigner.linux.LinuxException;
import io.vnicsigner.linux.dpdk.DpdkEthDev;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A port on any DPDK poll-mode driver, opened from its device arguments ({@code net_vhost0,iface=/run/x.sock},
 * {@code net_tap0,iface=NAME}, {@code net_af_packet0,iface=NAME}, {@code net_null0}, {@code net_ring0} or a PCI
 * address). Received frames are copied out of their mbufs into the batch; sent frames are written straight into
 * reserved mbufs and go out on {@link #flush()} or when a burst fills, and refused ones count as
 * {@link #sendDrops()}.
 */
public final class DpdkPort implements Port
{
    public static final String KIND = "dpdk";
    /** Frames per transmit burst, as in {@link FrameBatch#DEFAULT_CAPACITY}. */
    public static final int TX_BURST = 32;
    /** The longest frame an mbuf holds. */
    public static final int MAX_FRAME = DpdkEthDev.MBUF_DATA;

    private static final int DESCRIPTORS = 1024;
    private static final int POOL_SIZE = 8191;

    private final String name;
    private final DpdkEthDev device;
    private final UnsafeBuffer mbufData = new UnsafeBuffer(0, 0);
    private final boolean copyTx;
    private final UnsafeBuffer staging;
    private final long stagingLengths;
    private int queued;
    private long sendDrops;

    private DpdkPort(final String name, final DpdkEthDev device, final boolean copyTx)
    {
        this.name = name;
        this.device = device;
        this.copyTx = copyTx;
        this.staging = copyTx ?
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(TX_BURST * (MAX_FRAME + 4), 64)) : null;
        this.stagingLengths = copyTx ? staging.addressOffset() + (long)TX_BURST * MAX_FRAME : 0;
    }

    /**
     * Opens and starts the device, initialising the process's EAL first if nothing else has.
     *
     * @param devargs the spec after {@code dpdk:}.
     * @throws IllegalStateException when the JNI shim is not built or cannot be loaded.
     */
    public static DpdkPort open(final String devargs) throws LinuxException
    {
        return open(devargs, false);
    }

    /**
     * As {@link #open(String)}, choosing how sent frames reach mbufs: {@code copyTx} stages them in a Java-owned
     * burst that the shim copies into fresh mbufs on flush (two copies), otherwise they are written into reserved
     * mbufs directly (one copy, the default). Kept for the benchmark that compares the two.
     */
    public static DpdkPort open(final String devargs, final boolean copyTx) throws LinuxException
    {
        validate(devargs);
        return new DpdkPort(KIND + ":" + devargs, DpdkEthDev.open(devargs, DESCRIPTORS, DESCRIPTORS, POOL_SIZE), copyTx);
    }

    /**
     * Checks the device arguments without touching DPDK.
     *
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static void validate(final String devargs)
    {
        if (devargs == null || devargs.isEmpty() || devargs.startsWith(","))
        {
            throw new IllegalArgumentException("dpdk port needs a device: dpdk:net_tap0,iface=NAME or dpdk:PCI_ADDRESS: '" +
                devargs + "'");
        }
        for (int i = 0; i < devargs.length(); i++)
        {
            final char c = devargs.charAt(i);
            if (c <= ' ' || c >= 127)
            {
                throw new IllegalArgumentException("dpdk device arguments must be printable ASCII without spaces: '" +
                    devargs + "'");
            }
        }
    }

    public String name()
    {
        return name;
    }

    /** The underlying ethdev, for its counters and MAC address. */
    public DpdkEthDev device()
    {
        return device;
    }

    public int receive(final FrameBatch batch)
    {
        final int space = batch.capacity() - batch.count();
        if (space == 0)
        {
            return 0;
        }
        final int n = device.rxCopy(batch.nextSlotAddress(), batch.slotSize(), space);
        for (int i = 0; i < n; i++)
        {
            batch.commit(device.rxLength(i));
        }
        return n;
    }

    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= 0 || length > MAX_FRAME)
        {
            sendDrops++;
            return false;
        }
        if (copyTx)
        {
            staging.putBytes(queued * MAX_FRAME, buffer, offset, length);
            staging.putInt(TX_BURST * MAX_FRAME + queued * 4, length);
        }
        else
        {
            if (queued == device.txReserved())
            {
                device.txFlush(0, TX_BURST); // sends nothing, only reserves
                if (queued == device.txReserved())
                {
                    sendDrops++; // the pool is empty: every mbuf is queued somewhere
                    return false;
                }
            }
            mbufData.wrap(device.txAddress(queued), MAX_FRAME);
            mbufData.putBytes(0, buffer, offset, length);
            device.txLength(queued, length);
        }
        if (++queued == TX_BURST)
        {
            flush();
        }
        return true;
    }

    public int flush()
    {
        final int count = queued;
        if (count == 0)
        {
            return 0;
        }
        queued = 0;
        final int sent;
        if (copyTx)
        {
            sent = Math.max(0, device.txCopy(staging.addressOffset(), MAX_FRAME, stagingLengths, count));
        }
        else
        {
            sent = device.txFlush(count, TX_BURST);
        }
        sendDrops += count - sent;
        return sent;
    }

    /** Frames not sent: too long, no free mbuf, or refused by the device at flush. */
    public long sendDrops()
    {
        return sendDrops;
    }

    public long receiveErrors()
    {
        return device.rxOversize();
    }

    public void close()
    {
        flush();
        device.close();
    }
}
