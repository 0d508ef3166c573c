package io.vnicsigner.dataplane.tcp;

import java.io.ByteArrayOutputStream;
import java.util.PriorityQueue;
import java.util.Random;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.tcp.TcpFlags.ACK;
import static io.vnicsigner.dataplane.tcp.TcpFlags.FIN;
import static io.vnicsigner.dataplane.tcp.TcpFlags.RST;
import static io.vnicsigner.dataplane.tcp.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Moves 10 MiB each way between the endpoint and a minimal reference peer over a seeded lossy link (5% drop, 2%
 * duplicate, 5% reorder), all on a fake clock, and checks byte-exact delivery and a clean close.
 */
class TcpSoakTest
{
    private static final long MS = 1_000_000L;
    private static final int PEER_IP = 0x0A000009;
    private static final int PEER_PORT = 50_000;
    private static final int MSS = 1460;

    private record Packet(long deliverAt, long order, boolean toEndpoint, int seq, int ack, int flags, int window,
        int mss, int wscale, byte[] data)
    {
    }

    private final Random rng = new Random(0x5EED);
    private final PriorityQueue<Packet> link = new PriorityQueue<>(
        (a, b) -> a.deliverAt != b.deliverAt ? Long.compare(a.deliverAt, b.deliverAt) : Long.compare(a.order, b.order));
    private long order;
    private long nowNs;
    private int dropped;
    private int duplicated;
    private int reordered;

    private void transmit(final boolean toEndpoint, final int seq, final int ack, final int flags, final int window,
        final int mss, final int wscale, final byte[] data)
    {
        final double r = rng.nextDouble();
        if (r < 0.05)
        {
            dropped++;
            return;
        }
        final int copies = r < 0.07 ? 2 : 1;
        duplicated += copies - 1;
        for (int i = 0; i < copies; i++)
        {
            long delay = MS;
            if (rng.nextDouble() < 0.05)
            {
                delay += (1 + rng.nextInt(5)) * MS;
                reordered++;
            }
            link.add(new Packet(nowNs + delay, order++, toEndpoint, seq, ack, flags, window, mss, wscale, data));
        }
    }

    /** The guest side: a deliberately simple sender (go-back-N, fast retransmit) and an in-order-only receiver. */
    private final class Peer
    {
        final byte[] out;
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        final int iss = 0x7FFF_0000; // close to wrap to exercise sequence arithmetic
        int sndUna = iss;
        int sndNxt = iss;
        int sndEnd;
        int rcvNxt;
        int endpointWscale;
        int endpointWindow = MSS;
        boolean established;
        boolean finReceived;
        boolean finAcked;
        int dupAcks;
        long rtoDeadline;
        boolean reset;

        final int rcvBufferSize;
        final int drainPerTick;
        int buffered;
        int maxRightEdge;
        int windowViolations;
        long nextDrainNs;

        Peer(final byte[] out, final int rcvBufferSize, final int drainPerTick)
        {
            this.out = out;
            this.sndEnd = iss + 1 + out.length;
            this.rcvBufferSize = rcvBufferSize;
            this.drainPerTick = drainPerTick;
        }

        int advertisedWindow()
        {
            final int raw = Math.min((rcvBufferSize - buffered) >> 2, 65_535);
            if (rcvNxt + (raw << 2) - maxRightEdge > 0)
            {
                maxRightEdge = rcvNxt + (raw << 2);
            }
            return raw;
        }

        void drain()
        {
            if (nowNs - nextDrainNs < 0 || !established)
            {
                return;
            }
            nextDrainNs = nowNs + 20 * MS;
            final boolean wasSmall = rcvBufferSize - buffered < 4 * MSS;
            final int n = Math.min(buffered, drainPerTick);
            buffered -= n;
            if (n > 0 && wasSmall)
            {
                sendAck(); // window update
            }
        }

        void start()
        {
            transmit(true, iss, 0, SYN, Math.min(65_535, rcvBufferSize), MSS, 2, new byte[0]);
            sndNxt = iss + 1;
            rtoDeadline = nowNs + 100 * MS;
        }

        void onPacket(final Packet p)
        {
            if ((p.flags & RST) != 0)
            {
                reset = true;
                return;
            }
            if ((p.flags & SYN) != 0)
            {
                if (!established)
                {
                    established = true;
                    rcvNxt = p.seq + 1;
                    maxRightEdge = rcvNxt + Math.min(65_535, rcvBufferSize);
                    endpointWscale = Math.max(p.wscale, 0);
                    sndUna = iss + 1;
                }
                sendAck();
                return;
            }
            if (!established)
            {
                return;
            }
            if ((p.flags & ACK) != 0)
            {
                onAck(p.ack, p.window << endpointWscale, p.data.length == 0 && (p.flags & FIN) == 0);
            }
            boolean ack = p.data.length > 0 || (p.flags & FIN) != 0;
            final int end = p.seq + p.data.length;
            if (p.data.length > 0 && end - maxRightEdge > 1) // a one-byte zero-window probe may pass the edge
            {
                windowViolations++;
            }
            if (p.data.length > 0 && p.seq - rcvNxt <= 0 && end - rcvNxt > 0)
            {
                final int skip = rcvNxt - p.seq;
                final int n = Math.min(p.data.length - skip, rcvBufferSize - buffered);
                in.write(p.data, skip, n);
                rcvNxt += n;
                buffered += n;
            }
            if ((p.flags & FIN) != 0 && end == rcvNxt && !finReceived)
            {
                finReceived = true;
                rcvNxt++;
            }
            if (ack)
            {
                sendAck();
            }
        }

        void onAck(final int ack, final int window, final boolean pure)
        {
            if (ack - sndUna > 0 && ack - sndNxt <= 0 + (sndNxt == sndEnd ? 1 : 0))
            {
                sndUna = ack;
                dupAcks = 0;
                rtoDeadline = nowNs + 40 * MS;
                if (sndUna == sndEnd + 1)
                {
                    finAcked = true;
                }
            }
            else if (ack == sndUna && pure && sndNxt != sndUna)
            {
                if (++dupAcks == 3)
                {
                    sendFrom(sndUna, 1);
                }
            }
            endpointWindow = window;
            pump();
        }

        void sendAck()
        {
            transmit(true, sndNxt, rcvNxt, ACK, advertisedWindow(), -1, -1, new byte[0]);
        }

        void pump()
        {
            if (!established)
            {
                return;
            }
            while (sndNxt - sndEnd < 0 && sndNxt - sndUna < 65_536)
            {
                final int usable = sndUna + endpointWindow - sndNxt;
                final int n = Math.min(Math.min(MSS, sndEnd - sndNxt), usable);
                if (n <= 0)
                {
                    break;
                }
                sendFrom(sndNxt, n);
                sndNxt += n;
            }
            if (sndNxt == sndEnd && !finAcked)
            {
                transmit(true, sndEnd, rcvNxt, ACK | FIN, advertisedWindow(), -1, -1, new byte[0]);
                sndNxt = sndEnd + 1;
            }
        }

        void sendFrom(final int seq, final int n)
        {
            final int offset = seq - (iss + 1);
            if (offset >= out.length)
            {
                transmit(true, sndEnd, rcvNxt, ACK | FIN, advertisedWindow(), -1, -1, new byte[0]);
                return;
            }
            final int len = Math.min(n, out.length - offset);
            final byte[] data = new byte[len];
            System.arraycopy(out, offset, data, 0, len);
            transmit(true, seq, rcvNxt, ACK, advertisedWindow(), -1, -1, data);
        }

        void onTimer()
        {
            if (nowNs - rtoDeadline < 0)
            {
                return;
            }
            if (!established)
            {
                start();
                return;
            }
            rtoDeadline = nowNs + 40 * MS;
            if (sndUna != sndNxt && !finAcked)
            {
                sndNxt = sndUna; // go-back-N
                dupAcks = 0;
                pump();
            }
            else if (endpointWindow == 0 && sndUna != sndEnd + 1)
            {
                sendFrom(sndUna, 1); // zero-window probe
            }
        }
    }

    @Test
    void shouldTransferTenMebibytesEachWayThroughLossyReorderingLink()
    {
        transfer(10 * 1024 * 1024, 1 << 20, 1 << 20);
    }

    @Test
    void shouldRespectWindowOfSlowReaderThroughLossyReorderingLink()
    {
        final Peer peer = transfer(2 * 1024 * 1024, 32 * 1024, 8 * 1024);
        assertTrue(peer.windowViolations == 0, "endpoint sent beyond the advertised window");
    }

    private Peer transfer(final int size, final int peerBuffer, final int peerDrainPer20Ms)
    {
        final byte[] toEndpoint = new byte[size];
        final byte[] fromEndpoint = new byte[size];
        new Random(1).nextBytes(toEndpoint);
        new Random(2).nextBytes(fromEndpoint);

        final SegmentSink sink = (localIp, localPort, remoteIp, remotePort, seq, ack, flags, window, mss, wscale,
            data, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            data.getBytes(offset, bytes);
            transmit(false, seq, ack, flags, window, mss, wscale, bytes);
        };
        final TcpConfig config = new TcpConfig().maxConnections(16).receiveBufferCount(4).sendBufferCount(4)
            .minRtoNs(20 * MS).headerReadTimeoutNs(0);
        final TcpEndpoint endpoint = new TcpEndpoint(config, sink);
        final Peer peer = new Peer(toEndpoint, peerBuffer, peerDrainPer20Ms);
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final UnsafeBuffer readBuffer = new UnsafeBuffer(new byte[64 * 1024]);
        final DirectBuffer source = new UnsafeBuffer(fromEndpoint);
        final int[] conn = { -1 };
        final boolean[] peerFin = { false };
        final boolean[] closed = { false };
        final boolean[] reset = { false };
        int written = 0;
        boolean closeCalled = false;

        nowNs = 1_000 * MS;
        peer.start();
        final long deadline = nowNs + 300_000 * MS;
        final TcpEventHandler handler = (connId, events) ->
        {
            if ((events & TcpEvent.ACCEPTED) != 0)
            {
                conn[0] = connId;
            }
            if ((events & (TcpEvent.DATA_READABLE | TcpEvent.PEER_FIN | TcpEvent.CLOSED)) != 0)
            {
                int n;
                while ((n = endpoint.read(connId, readBuffer, 0, readBuffer.capacity())) > 0)
                {
                    received.write(readBuffer.byteArray(), 0, n);
                }
            }
            peerFin[0] |= (events & TcpEvent.PEER_FIN) != 0;
            closed[0] |= (events & TcpEvent.CLOSED) != 0;
            reset[0] |= (events & TcpEvent.RESET) != 0;
        };

        while (!(closed[0] && peer.finReceived && peer.finAcked) && nowNs - deadline < 0 && !reset[0])
        {
            nowNs += MS;
            Packet p;
            while ((p = link.peek()) != null && p.deliverAt - nowNs <= 0)
            {
                link.poll();
                if (p.toEndpoint)
                {
                    final int status = endpoint.onSegment(nowNs, PEER_IP, PEER_PORT, TcpTester.SIGNING_IP, 80,
                        p.seq, p.ack, p.flags, p.window, p.mss, p.wscale, false, false, 0, 0,
                        new UnsafeBuffer(p.data.length == 0 ? new byte[1] : p.data), 0, p.data.length);
                    assertTrue(status >= 0 && status != TcpStatus.INVALID, "status " + status);
                }
                else
                {
                    peer.onPacket(p);
                }
            }
            endpoint.onTimer(nowNs);
            peer.onTimer();
            peer.drain();
            endpoint.pollEvents(handler, 16);
            if (conn[0] >= 0 && written < size)
            {
                final int n = endpoint.write(conn[0], source, written, size - written);
                if (n > 0)
                {
                    written += n;
                }
            }
            if (conn[0] >= 0 && written == size && !closeCalled)
            {
                closeCalled = true;
                assertEquals(TcpStatus.OK, endpoint.close(conn[0]));
            }
        }

        final long simulatedMs = (nowNs - 1_000 * MS) / MS;
        assertFalse(reset[0] || peer.reset, "no reset: endpoint " + reset[0] + " peer " + peer.reset + " at " +
            simulatedMs +
            " ms, endpoint got " + received.size() + ", peer got " + peer.in.size() + ", written " + written +
            " peer sndUna off " + (peer.sndUna - peer.iss) + " established " + peer.established);
        assertTrue(nowNs - deadline < 0, "finished within 300 simulated seconds, took " + simulatedMs + " ms");
        assertTrue(peerFin[0]);
        assertArrayEquals(toEndpoint, received.toByteArray(), "guest to endpoint byte-exact");
        assertArrayEquals(fromEndpoint, peer.in.toByteArray(), "endpoint to guest byte-exact");
        assertTrue(dropped > size / 40_000 && duplicated > size / 200_000 && reordered > size / 40_000,
            "link really was lossy: " + dropped + "/" + duplicated + "/" + reordered);

        for (int i = 0; i < 3_000; i++)
        {
            nowNs += MS;
            endpoint.onTimer(nowNs);
            endpoint.pollEvents(handler, 16);
        }
        assertEquals(0, endpoint.connectionCount(), "TIME-WAIT expired, slot freed");
        assertEquals(4, endpoint.receiveBuffersAvailable());
        assertEquals(4, endpoint.sendBuffersAvailable());
        System.out.println("soak: " + size + " bytes each way, simulated " + simulatedMs + " ms, dropped " + dropped +
            ", duplicated " + duplicated + ", reordered " + reordered + ", window violations " + peer.windowViolations);
        return peer;
    }
}
