package io.vnicsigner.dataplane.port;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import io.vnicsigner.linux.LinuxException;
import io.vnicsigner.linux.Posix;
import io.vnicsigner.linux.UnixSockets;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A guest attached by QEMU's {@code -netdev stream} over a unix socket: this port listens (QEMU 7.2 connects only
 * once, so the socket must exist before QEMU starts), accepts one connection at a time, and moves frames each
 * behind a 4-byte big-endian length.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  frame length (big-endian)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Ethernet frame (length bytes) ...              |
 * </pre>
 * Limits and what happens at them:
 * <table>
 * <caption>limits</caption>
 * <tr><td>receive buffer</td><td>{@value #RECEIVE_BUFFER} bytes; a frame longer than the batch slot is skipped
 * as it streams past and counted in {@link #receiveErrors()}</td></tr>
 * <tr><td>length prefix</td><td>0 or above {@value #MAX_WIRE_FRAME} (QEMU's own {@code NET_BUFSIZE}): the
 * stream cannot be trusted any more, so it is counted in {@link #protocolErrors()} (and receive errors) and the
 * connection is dropped; the listener stays open for a reconnect</td></tr>
 * <tr><td>send buffer</td><td>{@value #SEND_BUFFER} bytes queued for {@link #flush()}; a frame that does not
 * fit after a flush attempt is dropped ({@link #sendDrops()}); partial writes resume on the next flush</td></tr>
 * <tr><td>no peer</td><td>frames sent while nothing is connected are dropped (false)</td></tr>
 * </table>
 * {@link #pollFd()} is an epoll set holding the listener (while nobody is connected) or the connection, so the
 * descriptor the idle strategy polls stays the same across reconnects.
 */
public final class QemuStreamPort implements Port
{
    public static final String KIND = "qemu-stream";
    /** QEMU's {@code NET_BUFSIZE} (4096 + 65536): no QEMU frame is longer. */
    public static final int MAX_WIRE_FRAME = 69_632;
    public static final int RECEIVE_BUFFER = 64 * 1024;
    public static final int SEND_BUFFER = 256 * 1024;
    private static final int LENGTH_BYTES = 4;

    private final Posix posix = new Posix();
    private final UnixSockets sockets = new UnixSockets();
    private final String name;
    private final Path path;
    private final int listenFd;
    private final int epollFd;
    private final UnsafeBuffer rx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RECEIVE_BUFFER, 64));
    private final UnsafeBuffer tx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SEND_BUFFER, 64));
    private int connectionFd = -1;
    private int rxStart;
    private int rxEnd;
    private int skipRemaining;
    private int txStart;
    private int txEnd;
    private int txFrameCursor;
    private long connections;
    private long disconnects;
    private long receiveErrors;
    private long protocolErrors;
    private long sendDrops;
    private boolean closed;

    private QemuStreamPort(final String name, final Path path, final int listenFd, final int epollFd)
    {
        this.name = name;
        this.path = path;
        this.listenFd = listenFd;
        this.epollFd = epollFd;
    }

    /**
     * Listens on {@code socketPath}. A stale socket left there by an earlier run is removed; any other file is an
     * error.
     */
    public static QemuStreamPort open(final String socketPath) throws LinuxException
    {
        validate(socketPath);
        final Path path = Path.of(socketPath);
        removeStaleSocket(path);
        final UnixSockets sockets = new UnixSockets();
        final int listenFd = sockets.listen(socketPath, 1);
        final int epollFd;
        try
        {
            epollFd = sockets.epollCreate();
        }
        catch (final LinuxException e)
        {
            new Posix().close(listenFd);
            throw e;
        }
        final int rc = sockets.epollAdd(epollFd, listenFd);
        if (rc < 0)
        {
            new Posix().close(listenFd);
            new Posix().close(epollFd);
            throw new LinuxException("epoll_ctl(ADD listener)", -rc);
        }
        return new QemuStreamPort(KIND + ":" + socketPath, path, listenFd, epollFd);
    }

    /**
     * Checks the socket path without touching the file system.
     *
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static void validate(final String socketPath)
    {
        if (socketPath == null || !socketPath.startsWith("/"))
        {
            throw new IllegalArgumentException("qemu-stream port needs an absolute socket path: qemu-stream:/run/vnic-signer/vm1.sock: '" +
                socketPath + "'");
        }
        if (socketPath.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > UnixSockets.MAX_PATH_BYTES)
        {
            throw new IllegalArgumentException("qemu-stream socket path longer than " + UnixSockets.MAX_PATH_BYTES +
                " bytes: '" + socketPath + "'");
        }
    }

    public String name()
    {
        return name;
    }

    public Path path()
    {
        return path;
    }

    public boolean isConnected()
    {
        return connectionFd >= 0;
    }

    public int receive(final FrameBatch batch)
    {
        if (connectionFd < 0 && !tryAccept())
        {
            return 0;
        }
        int received = 0;
        while (!batch.isFull() && connectionFd >= 0)
        {
            final int available = rxEnd - rxStart;
            if (skipRemaining > 0)
            {
                final int skipped = Math.min(skipRemaining, available);
                skipRemaining -= skipped;
                rxStart += skipped;
                if (skipRemaining > 0 && !fill())
                {
                    break;
                }
                continue;
            }
            if (available >= LENGTH_BYTES)
            {
                final int length = rx.getInt(rxStart, ByteOrder.BIG_ENDIAN);
                if (length <= 0 || length > MAX_WIRE_FRAME)
                {
                    protocolErrors++;
                    receiveErrors++;
                    disconnect();
                    break;
                }
                if (length > batch.slotSize() || length > RECEIVE_BUFFER - LENGTH_BYTES)
                {
                    receiveErrors++;
                    rxStart += LENGTH_BYTES;
                    skipRemaining = length;
                    continue;
                }
                if (available >= LENGTH_BYTES + length)
                {
                    batch.buffer().putBytes(batch.nextSlotOffset(), rx, rxStart + LENGTH_BYTES, length);
                    batch.commit(length);
                    rxStart += LENGTH_BYTES + length;
                    received++;
                    continue;
                }
            }
            if (!fill())
            {
                break;
            }
        }
        return received;
    }

    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        if (connectionFd < 0 || length <= 0 || length > MAX_WIRE_FRAME)
        {
            sendDrops++;
            return false;
        }
        final int needed = LENGTH_BYTES + length;
        if (SEND_BUFFER - txEnd < needed)
        {
            flush();
            compactTx();
            if (connectionFd < 0 || SEND_BUFFER - txEnd < needed)
            {
                sendDrops++;
                return false;
            }
        }
        tx.putInt(txEnd, length, ByteOrder.BIG_ENDIAN);
        tx.putBytes(txEnd + LENGTH_BYTES, buffer, offset, length);
        txEnd += needed;
        return true;
    }

    public int flush()
    {
        if (connectionFd < 0 || txStart == txEnd)
        {
            return 0;
        }
        final long n = sockets.send(connectionFd, tx.addressOffset() + txStart, txEnd - txStart);
        if (n < 0)
        {
            if (n != -Posix.EAGAIN && n != -Posix.EINTR)
            {
                disconnect();
            }
            return 0;
        }
        txStart += (int)n;
        int frames = 0;
        while (txEnd - txFrameCursor >= LENGTH_BYTES)
        {
            final int frameEnd = txFrameCursor + LENGTH_BYTES + tx.getInt(txFrameCursor, ByteOrder.BIG_ENDIAN);
            if (frameEnd > txStart)
            {
                break;
            }
            txFrameCursor = frameEnd;
            frames++;
        }
        if (txStart == txEnd)
        {
            txStart = 0;
            txEnd = 0;
            txFrameCursor = 0;
        }
        return frames;
    }

    public int pollFd()
    {
        return epollFd;
    }

    public long receiveErrors()
    {
        return receiveErrors;
    }

    /** Connections accepted since the port opened. */
    public long connections()
    {
        return connections;
    }

    /** Connections ended: by the peer, by an I/O error or by a bad length prefix. */
    public long disconnects()
    {
        return disconnects;
    }

    /** Length prefixes that were 0 or above {@link #MAX_WIRE_FRAME}; each one dropped the connection. */
    public long protocolErrors()
    {
        return protocolErrors;
    }

    /** Frames refused by {@link #send}: no peer, or the send buffer full. */
    public long sendDrops()
    {
        return sendDrops;
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        disconnect();
        closeQuietly(listenFd);
        closeQuietly(epollFd);
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // A socket file left behind is removed by the next open.
        }
    }

    private boolean tryAccept()
    {
        final int fd = sockets.accept(listenFd);
        if (fd < 0)
        {
            return false;
        }
        if (sockets.epollAdd(epollFd, fd) < 0)
        {
            closeQuietly(fd);
            return false;
        }
        // While connected only the connection wakes the poller; a second client waits in the backlog.
        sockets.epollDelete(epollFd, listenFd);
        connectionFd = fd;
        connections++;
        return true;
    }

    /** Reads more bytes after the unconsumed ones; false when nothing more is available now. */
    private boolean fill()
    {
        if (rxStart == rxEnd)
        {
            rxStart = 0;
            rxEnd = 0;
        }
        else if (rxStart > 0)
        {
            final int remaining = rxEnd - rxStart;
            rx.putBytes(0, rx, rxStart, remaining);
            rxStart = 0;
            rxEnd = remaining;
        }
        final long n = posix.read(connectionFd, rx.addressOffset() + rxEnd, RECEIVE_BUFFER - rxEnd);
        if (n > 0)
        {
            rxEnd += (int)n;
            return true;
        }
        if (n == 0 || (n != -Posix.EAGAIN && n != -Posix.EINTR))
        {
            disconnect();
        }
        return false;
    }

    private void compactTx()
    {
        if (txStart > 0)
        {
            final int remaining = txEnd - txStart;
            tx.putBytes(0, tx, txStart, remaining);
            txFrameCursor -= txStart;
            txStart = 0;
            txEnd = remaining;
        }
    }

    private void disconnect()
    {
        if (connectionFd >= 0)
        {
            closeQuietly(connectionFd);
            connectionFd = -1;
            disconnects++;
            if (!closed)
            {
                sockets.epollAdd(epollFd, listenFd);
            }
        }
        rxStart = 0;
        rxEnd = 0;
        skipRemaining = 0;
        txStart = 0;
        txEnd = 0;
        txFrameCursor = 0;
    }

    private void closeQuietly(final int fd)
    {
        try
        {
            posix.close(fd);
        }
        catch (final LinuxException ignore)
        {
            // Nothing useful to do with a failed close.
        }
    }

    private static void removeStaleSocket(final Path path) throws LinuxException
    {
        try
        {
            final BasicFileAttributes attributes =
                Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isOther())
            {
                throw new LinuxException("qemu-stream: " + path + " exists and is not a socket", Posix.EINVAL);
            }
            Files.delete(path);
        }
        catch (final java.nio.file.NoSuchFileException absent)
        {
            // Nothing to remove.
        }
        catch (final LinuxException e)
        {
            throw e;
        }
        catch (final IOException e)
        {
            throw new LinuxException("qemu-stream: cannot remove stale socket " + path + ": " + e.getMessage(),
                Posix.EACCES);
        }
    }
}
