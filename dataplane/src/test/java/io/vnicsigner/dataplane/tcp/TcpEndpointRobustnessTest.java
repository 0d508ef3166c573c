package io.vnicsigner.dataplane.tcp;

import java.lang.management.ManagementFactory;
import java.util.Random;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.tcp.TcpFlags.ACK;
import static io.vnicsigner.dataplane.tcp.TcpFlags.FIN;
import static io.vnicsigner.dataplane.tcp.TcpFlags.PSH;
import static io.vnicsigner.dataplane.tcp.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpEndpointRobustnessTest
{
    private static final long MS = 1_000_000L;

    /** Remembers only the last segment so the sink itself never allocates. */
    private static final class LastSegment implements SegmentSink, TcpEventHandler
    {
        int seq;
        int ack;
        int flags;
        int window;
        int count;
        int lastConnId = -1;
        int lastEvents;

        public void onSegment(
            final int localIp, final int localPort, final int remoteIp, final int remotePort, final int seq,
            final int ack, final int flags, final int window, final int mss, final int wscale,
            final DirectBuffer data, final int offset, final int length)
        {
            this.seq = seq;
            this.ack = ack;
            this.flags = flags;
            this.window = window;
            count++;
        }

        public void onEvent(final int connId, final int events)
        {
            lastConnId = connId;
            lastEvents = events;
        }
    }

    @Test
    void shouldNotAllocateInSteadyState()
    {
        final LastSegment out = new LastSegment();
        final TcpEndpoint endpoint = new TcpEndpoint(
            new TcpConfig().maxConnections(16).receiveBufferCount(2).sendBufferCount(2), out);
        final UnsafeBuffer request = new UnsafeBuffer(new byte[1000]);
        final UnsafeBuffer response = new UnsafeBuffer(new byte[1000]);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[4096]);
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[1]);
        final int ip = 0x0A000002;
        final int port = 33_000;

        long now = 1_000 * MS;
        endpoint.onSegment(now, ip, port, TcpTester.SIGNING_IP, 80, 0, 0, SYN, 65_535, 1460, 7, false, false, 0, 0,
            empty, 0, 0);
        final int iss = out.seq;
        endpoint.onSegment(now, ip, port, TcpTester.SIGNING_IP, 80, 1, iss + 1, ACK, 1000, -1, -1, false, false, 0,
            0, empty, 0, 0);
        endpoint.pollEvents(out, 16);
        final int connId = out.lastConnId;
        endpoint.clearDeadline(connId);

        int peerSeq = 1;
        int ourSeq = iss + 1;
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long before = 0;
        final int warmup = 20_000;
        for (int i = 0; i < warmup + 20_000; i++)
        {
            if (i == warmup)
            {
                before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
            }
            now += MS;
            endpoint.onSegment(now, ip, port, TcpTester.SIGNING_IP, 80, peerSeq, ourSeq, ACK | PSH, 1000, -1, -1,
                false, false, 0, 0, request, 0, 1000);
            peerSeq += 1000;
            endpoint.pollEvents(out, 16);
            endpoint.read(connId, scratch, 0, 4096);
            endpoint.write(connId, response, 0, 1000);
            ourSeq += 1000;
            endpoint.onSegment(now, ip, port, TcpTester.SIGNING_IP, 80, peerSeq, ourSeq, ACK, 1000, -1, -1,
                false, false, 0, 0, empty, 0, 0);
            endpoint.onTimer(now);
        }
        final long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;

        assertEquals(TcpState.ESTABLISHED, endpoint.state(connId));
        assertEquals(2, endpoint.sendBuffersAvailable(), "send buffer released once acknowledged");
        assertTrue(allocated < 20_000, "allocated " + allocated + " bytes over 20,000 request/response rounds");
    }

    @Test
    void shouldHoldTenThousandIdleConnectionsWithoutBuffers()
    {
        final LastSegment out = new LastSegment();
        final TcpConfig config = new TcpConfig().maxConnectionsPerInstance(16_384).receiveBufferCount(8)
            .sendBufferCount(8).headerReadTimeoutNs(0);
        System.gc();
        final long heapBefore = usedHeap();
        final TcpEndpoint endpoint = new TcpEndpoint(config, out);
        System.gc();
        final long heapAfter = usedHeap();

        final UnsafeBuffer request = new UnsafeBuffer(new byte[100]);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[200]);
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[1]);
        final int ip = 0x0A000002;
        final long now = 1_000 * MS;
        for (int i = 0; i < 10_000; i++)
        {
            final int port = 10_000 + i;
            assertEquals(TcpStatus.SYN_ACCEPTED, endpoint.onSegment(now, ip, port, TcpTester.SIGNING_IP, 80, 0, 0,
                SYN, 65_535, 1460, 7, false, false, 0, 0, empty, 0, 0));
            final int iss = out.seq;
            endpoint.onSegment(now, ip, port, TcpTester.SIGNING_IP, 80, 1, iss + 1, ACK | PSH, 1000, -1, -1, false,
                false, 0, 0, request, 0, 100);
            endpoint.pollEvents(out, 16);
            final int connId = out.lastConnId;
            assertEquals(100, endpoint.read(connId, scratch, 0, 200));
            assertEquals(100, endpoint.write(connId, request, 0, 100));
            endpoint.onSegment(now, ip, port, TcpTester.SIGNING_IP, 80, 101, iss + 101, ACK, 1000, -1, -1, false,
                false, 0, 0, empty, 0, 0);
        }

        assertEquals(10_000, endpoint.connectionCount());
        assertEquals(8, endpoint.receiveBuffersAvailable(), "idle connections hold no receive buffer");
        assertEquals(8, endpoint.sendBuffersAvailable(), "idle connections hold no send buffer");
        System.out.println("tcp endpoint: heap for 16,384 preallocated slots ~" + (heapAfter - heapBefore) +
            " bytes (" + (heapAfter - heapBefore) / 16_384 + " B/slot)");
    }

    @Test
    void shouldSurviveRandomSegmentsAndDrainEveryConnection()
    {
        final LastSegment out = new LastSegment();
        final TcpConfig config = new TcpConfig().maxConnections(64).maxHalfOpen(16).maxConnectionsPerInstance(32)
            .receiveBufferSize(4096).sendBufferSize(4096).receiveBufferCount(8).sendBufferCount(8).maxTimeWait(8)
            .listen(8080);
        final TcpEndpoint endpoint = new TcpEndpoint(config, out);
        final Random rng = new Random(42);
        final byte[] bytes = new byte[3000];
        rng.nextBytes(bytes);
        final UnsafeBuffer payload = new UnsafeBuffer(bytes);
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[8192]);
        final int[] known = new int[64];
        final int[] lastSeqOut = new int[64];
        final int[] issOf = new int[64];
        final int[] accepted = new int[1];
        final TcpEventHandler handler = (connId, events) ->
        {
            known[connId & 63] = connId;
            accepted[0] += (events & TcpEvent.ACCEPTED) != 0 ? 1 : 0;
            if ((events & TcpEvent.DATA_READABLE) != 0 && rng.nextBoolean())
            {
                endpoint.read(connId, scratch, 0, 8192);
            }
            if ((events & (TcpEvent.IDLE_TIMEOUT | TcpEvent.DEADLINE | TcpEvent.PEER_FIN)) != 0)
            {
                endpoint.close(connId);
            }
        };

        long now = 1_000 * MS;
        for (int i = 0; i < 200_000; i++)
        {
            now += rng.nextInt(3) * MS;
            final int ip = 0x0A000000 + rng.nextInt(3);
            final int port = 20_000 + rng.nextInt(40);
            final int localPort = rng.nextInt(10) == 0 ? 8080 : (rng.nextInt(50) == 0 ? 81 : 80);
            final int kind = rng.nextInt(10);
            final int flags = kind < 7 ? ACK | (rng.nextInt(6) == 0 ? FIN : 0) : (kind < 9 ? SYN : rng.nextInt(32));
            final int slot = (port + ip) & 63;
            final int seq = rng.nextInt(4) == 0 ? rng.nextInt() : lastSeqOut[slot] + rng.nextInt(5000) - 1000;
            final int ack = rng.nextInt(4) == 0 ? rng.nextInt() :
                issOf[slot] + 1 + (rng.nextBoolean() ? 0 : rng.nextInt(3000) - 500);
            final int len = rng.nextInt(3) == 0 ? 0 : rng.nextInt(1500);
            final int off = rng.nextInt(bytes.length - len + 1);
            final int sentBefore = out.count;
            final int status = endpoint.onSegment(now, ip, port, TcpTester.SIGNING_IP, localPort, seq, ack, flags,
                rng.nextInt(65_536), rng.nextInt(3) - 1 + rng.nextInt(2000), rng.nextInt(20) - 1, rng.nextBoolean(),
                rng.nextBoolean(), rng.nextInt(), rng.nextInt(), payload, off, len);
            assertTrue(status >= 0);
            if ((out.flags & SYN) != 0 && out.count != sentBefore)
            {
                lastSeqOut[slot] = out.ack;
                issOf[slot] = out.seq;
            }
            endpoint.onTimer(now);
            endpoint.pollEvents(handler, 8);
            if (rng.nextInt(20) == 0)
            {
                final int connId = known[rng.nextInt(64)];
                switch (rng.nextInt(4))
                {
                    case 0 -> endpoint.write(connId, payload, 0, rng.nextInt(3000));
                    case 1 -> endpoint.close(connId);
                    case 2 -> endpoint.read(connId, scratch, 0, 100);
                    default -> endpoint.abort(connId);
                }
            }
            assertTrue(endpoint.connectionCount() <= 64);
            assertTrue(endpoint.halfOpenCount() <= 16);
            assertTrue(endpoint.timeWaitCount() <= 8);
            assertTrue(endpoint.receiveBuffersAvailable() <= 8 && endpoint.sendBuffersAvailable() <= 8);
        }

        assertTrue(accepted[0] > 20, "random traffic established connections: " + accepted[0]);
        endpoint.onSegment(now, 0, 0, 0, 80, 0, 0, ACK, 0, -1, -1, false, false, 0, 0, null, 0, 0);
        assertEquals(TcpStatus.INVALID, endpoint.onSegment(now, 1, 1, 0, 80, 0, 0, ACK, 0, -1, -1, false, false, 0, 0,
            payload, 2999, 10));
        assertEquals(TcpStatus.INVALID, endpoint.onSegment(now, 1, 1, 0, 80, 0, 0, ACK, 0, -1, -1, false, false, 0, 0,
            payload, -1, 10));

        for (int i = 0; i < 4_000; i++)
        {
            now += 100 * MS;
            endpoint.onTimer(now);
            endpoint.pollEvents(handler, 64);
        }
        assertEquals(0, endpoint.connectionCount(), "every state ends: no stuck or leaked slot");
        assertEquals(0, endpoint.halfOpenCount());
        assertEquals(8, endpoint.receiveBuffersAvailable());
        assertEquals(8, endpoint.sendBuffersAvailable());
    }

    private static long usedHeap()
    {
        final Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
