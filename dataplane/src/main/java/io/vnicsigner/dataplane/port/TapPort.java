package io.vnicsigner.dataplane.port;

import io.vnicsigner.linux.LinuxException;
import io.vnicsigner.linux.Posix;
import io.vnicsigner.linux.TunTap;
import org.agrona.DirectBuffer;

/**
 * A Linux TAP device opened through {@code /dev/net/tun} ({@code IFF_TAP | IFF_NO_PI}, non-blocking): one
 * {@code read} per received frame straight into the batch slot, one {@code write} per sent frame.
 * <p>
 * Frames longer than the batch slot are truncated by the kernel; they are detected (a read that fills the slot)
 * and dropped as receive errors. A write to a device that is down fails with EIO and is reported as a drop.
 */
public final class TapPort implements Port
{
    private final Posix posix = new Posix();
    private final String name;
    private final String ifname;
    private final int fd;
    private long receiveErrors;
    private boolean closed;

    private TapPort(final String name, final String ifname, final int fd)
    {
        this.name = name;
        this.ifname = ifname;
        this.fd = fd;
    }

    /**
     * Creates the TAP device {@code ifname} in the current network namespace.
     */
    public static TapPort open(final String ifname) throws LinuxException
    {
        final Posix posix = new Posix();
        final int fd = TunTap.openTap(posix, ifname);
        return new TapPort("tap:" + ifname, ifname, fd);
    }

    public String name()
    {
        return name;
    }

    public String interfaceName()
    {
        return ifname;
    }

    public int receive(final FrameBatch batch)
    {
        int received = 0;
        final int slotSize = batch.slotSize();
        while (!batch.isFull())
        {
            final long n = posix.read(fd, batch.nextSlotAddress(), slotSize);
            if (n > 0 && n < slotSize)
            {
                batch.commit((int)n);
                received++;
            }
            else if (n == slotSize)
            {
                receiveErrors++;
            }
            else
            {
                if (n < 0 && n != -Posix.EAGAIN && n != -Posix.EINTR)
                {
                    receiveErrors++;
                }
                break;
            }
        }
        return received;
    }

    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        if (buffer.byteArray() != null)
        {
            return false; // only off-heap buffers have an address the kernel can read
        }
        final long n = posix.write(fd, buffer.addressOffset() + offset, length);
        return n == length;
    }

    public int flush()
    {
        return 0;
    }

    public int pollFd()
    {
        return fd;
    }

    public long receiveErrors()
    {
        return receiveErrors;
    }

    public void close()
    {
        if (!closed)
        {
            closed = true;
            try
            {
                posix.close(fd);
            }
            catch (final LinuxException ignore)
            {
                // The device is gone either way; nothing useful to do with a failed close at shutdown.
            }
        }
    }
}
