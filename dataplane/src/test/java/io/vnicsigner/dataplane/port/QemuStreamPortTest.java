package io.vnicsigner.dataplane.port;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.vnicsigner.linux.Posix;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link QemuStreamPort} against a plain JDK unix-socket client playing QEMU's part of {@code -netdev stream}.
 */
final class QemuStreamPortTest
{
    private static final long WAIT_NS = 5_000_000_000L;

    @TempDir
    Path dir;

    private QemuStreamPort port;
    private final FrameBatch batch = new FrameBatch();
    private final Random random = new Random(42);

    @AfterEach
    void closePort()
    {
        if (port != null)
        {
            port.close();
        }
    }

    @Test
    void shouldExchangeLengthPrefixedFramesWithThePeer() throws IOException
    {
        port = QemuStreamPort.open(dir.resolve("vm1.sock").toString());
        try (SocketChannel qemu = connect())
        {
            final byte[] a = frame(60);
            final byte[] b = frame(1514);
            final byte[] c = frame(64);
            qemu.write(ByteBuffer.wrap(concat(wire(a), wire(b), wire(c))));

            final List<byte[]> got = receiveFrames(3);
            assertArrayEquals(a, got.get(0));
            assertArrayEquals(b, got.get(1));
            assertArrayEquals(c, got.get(2));
            assertEquals(1, port.connections());

            final byte[] d = frame(98);
            final byte[] e = frame(1500);
            assertTrue(send(d));
            assertTrue(send(e));
            assertEquals(2, port.flush());
            final ByteBuffer expected = ByteBuffer.wrap(concat(wire(d), wire(e)));
            assertEquals(expected, readExactly(qemu, expected.remaining()));
        }
    }

    @Test
    void shouldReassembleAFrameThatArrivesOneByteAtATime() throws Exception
    {
        port = QemuStreamPort.open(dir.resolve("vm1.sock").toString());
        try (SocketChannel qemu = connect())
        {
            final byte[] f = frame(300);
            final byte[] bytes = wire(f);
            for (int i = 0; i < bytes.length - 1; i++)
            {
                qemu.write(ByteBuffer.wrap(bytes, i, 1));
                Thread.sleep(0, 100_000);
                assertEquals(0, port.receive(batch), "no frame before its last byte");
            }
            qemu.write(ByteBuffer.wrap(bytes, bytes.length - 1, 1));
            final List<byte[]> got = receiveFrames(1);
            assertArrayEquals(f, got.get(0));
            assertEquals(0, port.receiveErrors());
        }
    }

    @Test
    void shouldSkipAFrameLongerThanTheSlotAndKeepTheStream() throws IOException
    {
        port = QemuStreamPort.open(dir.resolve("vm1.sock").toString());
        try (SocketChannel qemu = connect())
        {
            final byte[] jumbo = frame(9000);
            final byte[] after = frame(70);
            qemu.write(ByteBuffer.wrap(concat(wire(jumbo), wire(after))));

            final List<byte[]> got = receiveFrames(1);
            assertArrayEquals(after, got.get(0));
            assertEquals(1, port.receiveErrors());
            assertEquals(0, port.protocolErrors());
            assertTrue(port.isConnected());
        }
    }

    @Test
    void shouldDropTheConnectionOnAnImpossibleLengthAndAcceptTheNextPeer() throws IOException
    {
        port = QemuStreamPort.open(dir.resolve("vm1.sock").toString());
        try (SocketChannel first = connect())
        {
            final ByteBuffer bogus = ByteBuffer.allocate(8).putInt(QemuStreamPort.MAX_WIRE_FRAME + 1).putInt(0);
            first.write(bogus.flip());
            awaitDisconnects(1);
            assertEquals(1, port.protocolErrors());
            assertEquals(-1, first.read(ByteBuffer.allocate(16)), "the peer sees the connection closed");
        }
        try (SocketChannel second = connect())
        {
            final byte[] f = frame(128);
            second.write(ByteBuffer.wrap(wire(f)));
            assertArrayEquals(f, receiveFrames(1).get(0));
            assertEquals(2, port.connections());
        }
    }

    @Test
    void shouldAcceptAReconnectAfterThePeerGoesAway() throws IOException
    {
        port = QemuStreamPort.open(dir.resolve("vm1.sock").toString());
        try (SocketChannel first = connect())
        {
            first.write(ByteBuffer.wrap(wire(frame(64))));
            receiveFrames(1);
            // Half a frame, then gone: the fragment must not leak into the next connection.
            first.write(ByteBuffer.wrap(Arrays.copyOf(wire(frame(200)), 50)));
        }
        awaitDisconnects(1);
        assertFalse(send(frame(64)), "nothing connected: dropped");
        assertEquals(1, port.sendDrops());
        try (SocketChannel second = connect())
        {
            final byte[] f = frame(77);
            second.write(ByteBuffer.wrap(wire(f)));
            assertArrayEquals(f, receiveFrames(1).get(0));
            assertTrue(send(f));
            port.flush();
            assertEquals(ByteBuffer.wrap(wire(f)), readExactly(second, 4 + f.length));
        }
    }

    @Test
    void shouldResumePartialWritesAndDropWhenTheSendBufferIsFull() throws IOException
    {
        port = QemuStreamPort.open(dir.resolve("vm1.sock").toString());
        try (SocketChannel qemu = connect())
        {
            qemu.write(ByteBuffer.wrap(wire(frame(60))));
            receiveFrames(1);
            // The peer reads nothing: the socket buffer fills, then the port's own buffer, then frames drop.
            final List<byte[]> accepted = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 2000 && refused == 0; i++)
            {
                final byte[] f = frame(1514);
                if (send(f))
                {
                    accepted.add(f);
                }
                else
                {
                    refused++;
                }
                port.flush();
            }
            assertEquals(1, refused, "a full send buffer drops");
            assertEquals(1, port.sendDrops());
            assertTrue(accepted.size() > QemuStreamPort.SEND_BUFFER / 1518, "accepted " + accepted.size());

            final byte[][] wires = accepted.stream().map(QemuStreamPortTest::wire).toArray(byte[][]::new);
            final ByteBuffer expected = ByteBuffer.wrap(concat(wires));
            final ByteBuffer actual = ByteBuffer.allocate(expected.remaining());
            final long deadline = System.nanoTime() + WAIT_NS;
            qemu.configureBlocking(false);
            while (actual.hasRemaining() && System.nanoTime() - deadline < 0)
            {
                port.flush();
                qemu.read(actual);
            }
            assertEquals(expected, actual.flip(), "every accepted frame arrives whole and in order");
            assertTrue(port.isConnected());
        }
    }

    @Test
    void shouldWakeThePollerForAConnectionAndForData() throws IOException
    {
        port = QemuStreamPort.open(dir.resolve("vm1.sock").toString());
        assertFalse(readable(port.pollFd()), "nothing yet");
        try (SocketChannel qemu = connect())
        {
            assertTrue(readable(port.pollFd()), "a pending connection");
            assertEquals(0, port.receive(batch));
            assertTrue(port.isConnected());
            assertFalse(readable(port.pollFd()), "connected, no data");
            qemu.write(ByteBuffer.wrap(wire(frame(64))));
            assertTrue(readable(port.pollFd()), "data");
            assertEquals(1, port.receive(batch));
            assertFalse(readable(port.pollFd()), "drained");
        }
    }

    @Test
    void shouldReplaceAStaleSocketButNotOtherFiles() throws IOException
    {
        final Path socket = dir.resolve("vm1.sock");
        try (java.nio.channels.ServerSocketChannel stale =
            java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            stale.bind(UnixDomainSocketAddress.of(socket)); // the JDK leaves the file behind on close
        }
        assertTrue(Files.exists(socket));
        port = QemuStreamPort.open(socket.toString());
        port.close();
        assertFalse(Files.exists(socket), "close removes the socket");
        port = null;

        final Path plain = Files.writeString(dir.resolve("plain"), "x");
        assertThrows(io.vnicsigner.linux.LinuxException.class, () -> QemuStreamPort.open(plain.toString()));
        assertTrue(Files.exists(plain));
    }

    @Test
    void shouldValidateSpecs()
    {
        PortSpecs.validate("qemu-stream:/run/vnic-signer/vm1.sock");
        assertThrows(IllegalArgumentException.class, () -> PortSpecs.validate("qemu-stream:vm1.sock"));
        assertThrows(IllegalArgumentException.class, () -> PortSpecs.validate("qemu-stream:/" + "x".repeat(120)));
    }

    private SocketChannel connect() throws IOException
    {
        final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(port.path()));
        return channel;
    }

    private List<byte[]> receiveFrames(final int count)
    {
        final List<byte[]> frames = new ArrayList<>();
        final long deadline = System.nanoTime() + WAIT_NS;
        while (frames.size() < count)
        {
            batch.clear();
            port.receive(batch);
            for (int i = 0; i < batch.count(); i++)
            {
                final byte[] bytes = new byte[batch.length(i)];
                batch.buffer().getBytes(batch.offset(i), bytes);
                frames.add(bytes);
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("received " + frames.size() + " of " + count + " frames");
            }
        }
        batch.clear();
        return frames;
    }

    private void awaitDisconnects(final long count)
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (port.disconnects() < count)
        {
            batch.clear();
            port.receive(batch);
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("no disconnect seen");
            }
        }
    }

    private boolean send(final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frame.length, 64));
        buffer.putBytes(0, frame);
        return port.send(buffer, 0, frame.length);
    }

    private static ByteBuffer readExactly(final SocketChannel channel, final int length) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new AssertionError("peer closed after " + buffer.position() + " bytes");
            }
        }
        return buffer.flip();
    }

    private static boolean readable(final int fd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment pollFd = arena.allocate(Posix.POLLFD_SIZE, 8);
            pollFd.set(ValueLayout.JAVA_INT, 0, fd);
            pollFd.set(ValueLayout.JAVA_SHORT, 4, Posix.POLLIN);
            return new Posix().poll(pollFd.address(), 1, 100) == 1;
        }
    }

    private byte[] frame(final int length)
    {
        final byte[] frame = new byte[length];
        random.nextBytes(frame);
        return frame;
    }

    private static byte[] wire(final byte[] frame)
    {
        return ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array();
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (final byte[] part : parts)
        {
            all.put(part);
        }
        return all.array();
    }
}
