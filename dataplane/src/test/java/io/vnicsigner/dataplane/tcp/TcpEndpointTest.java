package io.vnicsigner.dataplane.tcp;

import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.tcp.TcpFlags.ACK;
import static io.vnicsigner.dataplane.tcp.TcpFlags.FIN;
import static io.vnicsigner.dataplane.tcp.TcpFlags.PSH;
import static io.vnicsigner.dataplane.tcp.TcpFlags.RST;
import static io.vnicsigner.dataplane.tcp.TcpFlags.SYN;
import static io.vnicsigner.dataplane.tcp.TcpTester.Conn;
import static io.vnicsigner.dataplane.tcp.TcpTester.Seg;
import static io.vnicsigner.dataplane.tcp.TcpTester.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpEndpointTest
{
    private static TcpConfig config()
    {
        return new TcpConfig().maxConnections(64).receiveBufferCount(16).sendBufferCount(16);
    }

    private static int write(final TcpTester t, final int connId, final byte[] data)
    {
        return t.endpoint.write(connId, new UnsafeBuffer(data), 0, data.length);
    }

    private static byte[] read(final TcpTester t, final int connId)
    {
        final int n = t.endpoint.readable(connId);
        final byte[] out = new byte[n];
        assertEquals(n, t.endpoint.read(connId, new UnsafeBuffer(out), 0, n));
        return out;
    }

    private static int payloadBytes(final List<Seg> segs)
    {
        return segs.stream().mapToInt(s -> s.data().length).sum();
    }

    @Test
    void shouldCompleteHandshakeAndNegotiateOptions()
    {
        final TcpTester t = new TcpTester(config());
        assertEquals(TcpStatus.SYN_ACCEPTED, t.syn(40_000, 1000, 1400, 7));
        final Seg synAck = t.take();
        assertEquals(SYN | ACK, synAck.flags());
        assertEquals(1001, synAck.ack());
        assertEquals(1460, synAck.mss());
        assertEquals(1, synAck.wscale(), "64 KiB buffer needs shift 1");
        assertEquals(65_535, synAck.window());
        assertEquals(1, t.endpoint.halfOpenCount());

        assertEquals(TcpStatus.OK, t.segment(40_000, 1001, synAck.seq() + 1, ACK, 1000, null));
        final long[] accepted = t.pollFor(TcpEvent.ACCEPTED);
        final int connId = (int)accepted[0];
        assertEquals(TcpState.ESTABLISHED, t.endpoint.state(connId));
        assertEquals(0, t.endpoint.halfOpenCount());
        assertEquals(TcpTester.GUEST_IP, t.endpoint.remoteIp(connId));
        assertEquals(40_000, t.endpoint.remotePort(connId));

        assertEquals(3000, write(t, connId, bytes(3000, 1)));
        final List<Seg> segs = t.drain();
        assertEquals(3, segs.size());
        assertEquals(1400, segs.get(0).data().length, "peer MSS honoured");
        assertEquals(synAck.seq() + 1, segs.get(0).seq());
        assertTrue(segs.get(2).has(PSH));
    }

    @Test
    void shouldDeclineWindowScalingWhenPeerDoesNotOfferIt()
    {
        final TcpTester t = new TcpTester(config());
        t.syn(40_001, 5, 1460, -1);
        final Seg synAck = t.take();
        assertEquals(-1, synAck.wscale());
        t.segment(40_001, 6, synAck.seq() + 1, ACK, 1000, null);
        final int connId = (int)t.pollFor(TcpEvent.ACCEPTED)[0];
        write(t, connId, bytes(5000, 2));
        assertEquals(1000, payloadBytes(t.drain()), "unscaled window of 1000 bytes");
    }

    @Test
    void shouldScalePeerWindowWhenNegotiated()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_002, 77, 2, 730);
        write(t, c.connId(), bytes(5000, 3));
        assertEquals(2920, payloadBytes(t.drain()), "730 << 2");
    }

    @Test
    void shouldDeliverInOrderDataAndAcknowledgeIt()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_003, 100, 7, 1000);
        final byte[] data = bytes(100, 9);
        assertEquals(TcpStatus.OK, t.segment(c.port(), 101, c.serverIsn() + 1, ACK | PSH, 1000, data));
        final Seg ack = t.take();
        assertEquals(201, ack.ack());
        assertEquals(ACK, ack.flags());
        assertTrue((t.eventBits(c.connId()) & TcpEvent.DATA_READABLE) != 0);
        assertArrayEquals(data, read(t, c.connId()));
        assertEquals(t.endpoint.receiveBuffersAvailable(), 16, "buffer returned once drained");
    }

    @Test
    void shouldReassembleOutOfOrderSegmentsTrimmingOverlapsAndDuplicates()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_004, 0, 7, 1000);
        final byte[] data = bytes(3000, 4);
        final int base = 1;
        final int ack = c.serverIsn() + 1;

        assertEquals(TcpStatus.OUT_OF_ORDER_BUFFERED,
            t.segment(c.port(), base + 1000, ack, ACK, 1000, slice(data, 1000, 2000)));
        assertEquals(base, t.take().ack(), "duplicate ACK at once");
        assertEquals(TcpStatus.OUT_OF_ORDER_BUFFERED,
            t.segment(c.port(), base + 1500, ack, ACK, 1000, slice(data, 1500, 2500)));
        assertEquals(base, t.take().ack());
        assertEquals(TcpStatus.OUT_OF_ORDER_BUFFERED,
            t.segment(c.port(), base + 2500, ack, ACK, 1000, slice(data, 2500, 3000)));
        assertEquals(TcpStatus.OUT_OF_ORDER_BUFFERED,
            t.segment(c.port(), base + 1000, ack, ACK, 1000, slice(data, 1000, 1200)));
        t.drain();
        assertEquals(0, t.endpoint.readable(c.connId()));

        assertEquals(TcpStatus.OK, t.segment(c.port(), base, ack, ACK, 1000, slice(data, 0, 1200)));
        assertEquals(base + 3000, t.take().ack());
        assertArrayEquals(data, read(t, c.connId()));

        assertEquals(TcpStatus.OUT_OF_WINDOW, t.segment(c.port(), base + 500, ack, ACK, 1000, slice(data, 500, 1500)));
        assertEquals(base + 3000, t.take().ack(), "old duplicate re-acknowledged");
        assertEquals(0, t.endpoint.readable(c.connId()), "old duplicates never redelivered");

        final byte[] more = bytes(100, 77);
        final byte[] overlapping = new byte[200];
        System.arraycopy(data, 2900, overlapping, 0, 100);
        System.arraycopy(more, 0, overlapping, 100, 100);
        assertEquals(TcpStatus.OK, t.segment(c.port(), base + 2900, ack, ACK, 1000, overlapping));
        assertArrayEquals(more, read(t, c.connId()), "only the new part of an overlapping segment is delivered");
    }

    @Test
    void shouldDropOutOfOrderDataWhenIntervalListIsFull()
    {
        final TcpTester t = new TcpTester(config().maxOutOfOrderIntervals(2));
        final Conn c = t.open(40_005, 0, 7, 1000);
        final int ack = c.serverIsn() + 1;
        assertEquals(TcpStatus.OUT_OF_ORDER_BUFFERED,
            t.segment(c.port(), 101, ack, ACK, 1000, bytes(10, 0)));
        assertEquals(TcpStatus.OUT_OF_ORDER_BUFFERED,
            t.segment(c.port(), 201, ack, ACK, 1000, bytes(10, 0)));
        assertEquals(TcpStatus.OUT_OF_ORDER_DROPPED, t.segment(c.port(), 301, ack, ACK, 1000, bytes(10, 0)));
    }

    @Test
    void shouldNeverSendBeyondPeerWindow()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_006, 0, 0, 2920);
        assertEquals(10_000, write(t, c.connId(), bytes(10_000, 5)));
        final int start = c.serverIsn() + 1;
        List<Seg> segs = t.drain();
        assertEquals(2920, payloadBytes(segs));

        t.segment(c.port(), 1, start + 1460, ACK, 2920, null);
        segs = t.drain();
        for (final Seg s : segs)
        {
            assertTrue(s.seq() + s.data().length - (start + 1460) <= 2920, "within ack + window");
        }
        assertEquals(1460, payloadBytes(segs));

        t.segment(c.port(), 1, start + 2920, ACK, 1000, null);
        assertTrue(t.drain().isEmpty(), "silly-window avoidance: 1000 of 2920 is not worth sending yet");
        t.segment(c.port(), 1, start + 4380, ACK, 1000, null);
        assertEquals(1000, payloadBytes(t.drain()), "nothing in flight: send what the window allows");
    }

    @Test
    void shouldProbeZeroWindowWithPersistTimer()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_007, 0, 0, 0);
        final int start = c.serverIsn() + 1;
        assertEquals(100, write(t, c.connId(), bytes(100, 6)));
        assertTrue(t.drain().isEmpty(), "zero window: nothing sent");

        t.runMs(199);
        assertTrue(t.drain().isEmpty());
        t.runMs(1);
        Seg probe = t.take();
        assertEquals(start, probe.seq());
        assertEquals(1, probe.data().length, "one-byte window probe");

        t.segment(c.port(), 1, start, ACK, 0, null);
        t.runMs(399);
        assertTrue(t.drain().isEmpty(), "probe interval backs off");
        t.runMs(1);
        probe = t.take();
        assertEquals(start, probe.seq());

        t.segment(c.port(), 1, start, ACK, 1000, null);
        assertEquals(100, payloadBytes(t.drain()), "window opened: all data sent");
    }

    @Test
    void shouldCloseWhenPeerFinsFirst()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_008, 0, 7, 1000);
        final int start = c.serverIsn() + 1;
        assertEquals(TcpStatus.OK, t.segment(c.port(), 1, start, ACK | FIN, 1000, bytes(5, 1)));
        assertEquals(7, t.take().ack(), "data and FIN acknowledged");
        assertEquals(TcpState.CLOSE_WAIT, t.endpoint.state(c.connId()));
        assertTrue((t.eventBits(c.connId()) & TcpEvent.PEER_FIN) != 0);
        assertEquals(5, read(t, c.connId()).length);

        write(t, c.connId(), bytes(3, 2));
        t.endpoint.close(c.connId());
        final List<Seg> segs = t.drain();
        assertTrue(segs.get(segs.size() - 1).has(FIN));
        assertEquals(TcpState.LAST_ACK, t.endpoint.state(c.connId()));

        t.segment(c.port(), 7, start + 4, ACK, 1000, null);
        assertTrue((t.eventBits(c.connId()) & TcpEvent.CLOSED) != 0);
        assertEquals(0, t.endpoint.connectionCount());
        assertEquals(TcpStatus.ERR_UNKNOWN_CONNECTION, t.endpoint.state(c.connId()));
    }

    @Test
    void shouldPassThroughFinWait2AndTimeWaitWhenClosingFirst()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_009, 0, 7, 1000);
        final int start = c.serverIsn() + 1;
        t.endpoint.close(c.connId());
        final Seg fin = t.take();
        assertEquals(ACK | FIN, fin.flags());
        assertEquals(TcpState.FIN_WAIT_1, t.endpoint.state(c.connId()));

        t.segment(c.port(), 1, start + 1, ACK, 1000, null);
        assertEquals(TcpState.FIN_WAIT_2, t.endpoint.state(c.connId()));
        t.segment(c.port(), 1, start + 1, ACK | FIN, 1000, null);
        assertEquals(2, t.take().ack());
        assertTrue((t.eventBits(c.connId()) & TcpEvent.CLOSED) != 0);
        assertEquals(1, t.endpoint.timeWaitCount());
        assertEquals(1, t.endpoint.connectionCount());
        assertEquals(0, t.endpoint.instanceConnectionCount(TcpTester.GUEST_IP), "TIME-WAIT not charged to instance");

        t.segment(c.port(), 1, start + 1, ACK | FIN, 1000, null);
        assertEquals(2, t.take().ack(), "retransmitted FIN re-acknowledged in TIME-WAIT");

        t.runMs(999);
        assertEquals(1, t.endpoint.connectionCount());
        t.runMs(2);
        assertEquals(0, t.endpoint.connectionCount());
        assertEquals(0, t.endpoint.timeWaitCount());
    }

    @Test
    void shouldHandleSimultaneousCloseThroughClosing()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_010, 0, 7, 1000);
        final int start = c.serverIsn() + 1;
        t.endpoint.close(c.connId());
        t.take();
        t.segment(c.port(), 1, start, ACK | FIN, 1000, null);
        assertEquals(TcpState.CLOSING, t.endpoint.state(c.connId()));
        t.segment(c.port(), 2, start + 1, ACK, 1000, null);
        assertEquals(1, t.endpoint.timeWaitCount());
    }

    @Test
    void shouldReuseTimeWaitTupleForNewSyn()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_011, 0, 7, 1000);
        final int start = c.serverIsn() + 1;
        t.endpoint.close(c.connId());
        t.segment(c.port(), 1, start + 1, ACK | FIN, 1000, null);
        t.poll();
        t.drain();
        assertEquals(1, t.endpoint.timeWaitCount());
        assertEquals(TcpStatus.SYN_ACCEPTED, t.syn(c.port(), 100_000, 1460, 7));
        assertEquals(0, t.endpoint.timeWaitCount());
        assertEquals(100_001, t.take().ack());
    }

    @Test
    void shouldBoundTimeWaitTable()
    {
        final TcpTester t = new TcpTester(config().maxTimeWait(1));
        for (int port = 41_000; port < 41_002; port++)
        {
            final Conn c = t.open(port, 0, 7, 1000);
            t.endpoint.close(c.connId());
            t.segment(port, 1, c.serverIsn() + 2, ACK | FIN, 1000, null);
            t.poll();
        }
        assertEquals(1, t.endpoint.timeWaitCount());
        assertEquals(1, t.endpoint.connectionCount(), "overflowing TIME-WAIT closes at once");
    }

    @Test
    void shouldAcceptRstOnlyAtExactSequenceAndChallengeOthers()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_012, 0, 7, 1000);
        t.drain();
        assertEquals(TcpStatus.CHALLENGE_ACK, t.segment(c.port(), 11, 0, RST, 0, null));
        final Seg challenge = t.take();
        assertEquals(ACK, challenge.flags());
        assertEquals(1, challenge.ack());
        assertEquals(TcpStatus.IGNORED, t.segment(c.port(), 1 + 10_000_000, 0, RST, 0, null));
        assertTrue(t.drain().isEmpty());
        assertEquals(TcpState.ESTABLISHED, t.endpoint.state(c.connId()));

        assertEquals(TcpStatus.RESET_ACCEPTED, t.segment(c.port(), 1, 0, RST, 0, null));
        assertTrue((t.eventBits(c.connId()) & TcpEvent.RESET) != 0);
        assertEquals(0, t.endpoint.connectionCount());
    }

    @Test
    void shouldChallengeSynInSynchronizedStateWithRateLimit()
    {
        final TcpTester t = new TcpTester(config().challengeAcksPerSecond(2));
        final Conn c = t.open(40_013, 0, 7, 1000);
        for (int i = 0; i < 5; i++)
        {
            assertEquals(TcpStatus.CHALLENGE_ACK, t.syn(c.port(), 5000 + i, 1460, 7));
        }
        assertEquals(2, t.drain().size(), "challenge ACKs rate limited");
        assertEquals(TcpState.ESTABLISHED, t.endpoint.state(c.connId()));
        t.advanceMs(1000);
        t.syn(c.port(), 5000, 1460, 7);
        assertEquals(1, t.drain().size());
    }

    @Test
    void shouldChallengeAckThatIsTooOld()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_014, 0, 7, 1000);
        assertEquals(TcpStatus.CHALLENGE_ACK, t.segment(c.port(), 1, c.serverIsn() - 1_000_000, ACK, 1000, null));
        assertEquals(TcpStatus.ACK_UNSENT_DATA, t.segment(c.port(), 1, c.serverIsn() + 100, ACK, 1000, null));
    }

    @Test
    void shouldResetSegmentsForUnknownConnectionsAndClosedPorts()
    {
        final TcpTester t = new TcpTester(config());
        assertEquals(TcpStatus.SYN_COOKIE_INVALID, t.segment(40_015, 10, 12345, ACK, 1000, null));
        Seg rst = t.take();
        assertEquals(RST, rst.flags(), "RST without ACK for an ACK-bearing segment");
        assertEquals(12345, rst.seq());

        assertEquals(TcpStatus.NO_CONNECTION, t.endpoint.onSegment(t.nowNs, TcpTester.GUEST_IP, 40_016,
            TcpTester.SIGNING_IP, 81, 500, 0, SYN, 1000, -1, -1, false, false, 0, 0,
            new UnsafeBuffer(new byte[1]), 0, 0));
        rst = t.take();
        assertEquals(RST | ACK, rst.flags());
        assertEquals(0, rst.seq());
        assertEquals(501, rst.ack());
        assertEquals(81, rst.srcPort());

        assertEquals(TcpStatus.NO_CONNECTION, t.segment(40_017, 10, 0, RST, 0, null));
        assertTrue(t.drain().isEmpty(), "never answer a RST");
        assertEquals(TcpStatus.INVALID, t.segment(40_018, 10, 0, SYN | FIN, 0, null));
    }

    @Test
    void shouldBackOffRetransmissionTimeoutExponentiallyThenGiveUp()
    {
        final TcpTester t = new TcpTester(config().maxRetransmits(4));
        final Conn c = t.open(40_019, 0, 7, 1000);
        write(t, c.connId(), bytes(100, 1));
        t.take();
        final long start = t.nowNs;
        final long[] expectedMs = { 200, 600, 1400, 3000 };
        for (final long expected : expectedMs)
        {
            while (t.sent.isEmpty())
            {
                t.advanceMs(1);
            }
            final Seg retransmit = t.take();
            assertEquals(c.serverIsn() + 1, retransmit.seq());
            assertEquals(expected, (t.nowNs - start) / 1_000_000L, "Karn backoff doubles the RTO");
        }
        while (t.sent.isEmpty())
        {
            t.advanceMs(1);
        }
        assertEquals(6200, (t.nowNs - start) / 1_000_000L);
        assertTrue(t.take().has(RST), "gives up with RST");
        assertTrue((t.eventBits(c.connId()) & TcpEvent.RESET) != 0);
    }

    @Test
    void shouldAdaptRtoToMeasuredRoundTrip()
    {
        final TcpTester t = new TcpTester(config().minRtoNs(1_000_000L));
        t.syn(40_020, 0, 1460, 7);
        final int serverIsn = t.take().seq();
        t.advanceMs(10);
        t.segment(40_020, 1, serverIsn + 1, ACK, 60_000, null);
        final int connId = (int)t.pollFor(TcpEvent.ACCEPTED)[0];
        int seq = serverIsn + 1;
        for (int i = 0; i < 20; i++)
        {
            write(t, connId, bytes(100, i));
            t.advanceMs(10);
            seq += 100;
            t.segment(40_020, 1, seq, ACK, 60_000, null);
            assertEquals(1, t.drain().size(), "no spurious retransmission at a steady 10 ms RTT");
        }
        write(t, connId, bytes(100, 1));
        t.take();
        final long start = t.nowNs;
        while (t.sent.isEmpty())
        {
            t.advanceMs(1);
        }
        final long rtoMs = (t.nowNs - start) / 1_000_000L;
        assertTrue(rtoMs >= 10 && rtoMs <= 20, "RTO near SRTT of 10 ms: " + rtoMs);
    }

    @Test
    void shouldFastRetransmitOnThreeDuplicateAcksAndRecoverWithNewReno()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(40_021, 0, 7, 60_000);
        final int start = c.serverIsn() + 1;
        write(t, c.connId(), bytes(14_600, 3));
        final List<Seg> flight = t.drain();
        assertEquals(10, flight.size(), "initial window of 10 segments");

        // Segments 0 and 3 are lost; segments 1, 2, 4.. produce duplicate ACKs.
        assertEquals(TcpStatus.OK, t.segment(c.port(), 1, start, ACK, 60_000, null));
        assertEquals(TcpStatus.OK, t.segment(c.port(), 1, start, ACK, 60_000, null));
        assertTrue(t.drain().isEmpty());
        assertEquals(TcpStatus.FAST_RETRANSMIT, t.segment(c.port(), 1, start, ACK, 60_000, null));
        final Seg retransmit = t.take();
        assertEquals(start, retransmit.seq());
        assertEquals(1460, retransmit.data().length);

        t.segment(c.port(), 1, start + 3 * 1460, ACK, 60_000, null);
        final List<Seg> afterPartial = t.drain();
        assertEquals(start + 3 * 1460, afterPartial.get(0).seq(), "partial ACK retransmits the next hole at once");

        t.segment(c.port(), 1, start + 14_600, ACK, 60_000, null);
        assertEquals(0, t.endpoint.writable(c.connId()) - 65_536, "everything acknowledged");
    }

    @Test
    void shouldUseSynCookiesWhenHalfOpenTableIsFull()
    {
        final TcpTester t = new TcpTester(config().maxHalfOpen(2));
        assertEquals(TcpStatus.SYN_ACCEPTED, t.syn(42_000, 0, 1460, 7));
        assertEquals(TcpStatus.SYN_ACCEPTED, t.syn(42_001, 0, 1460, 7));
        t.drain();
        assertEquals(TcpStatus.SYN_COOKIE_SENT, t.syn(42_002, 5000, 1400, 7));
        final Seg synAck = t.take();
        assertEquals(SYN | ACK, synAck.flags());
        assertEquals(5001, synAck.ack());
        assertEquals(2, t.endpoint.connectionCount(), "no state kept for the cookie");

        assertEquals(TcpStatus.SYN_COOKIE_INVALID, t.segment(42_002, 5001, synAck.seq() + 2, ACK, 100, null));
        assertTrue(t.take().has(RST));

        assertEquals(TcpStatus.SYN_COOKIE_ACCEPTED, t.segment(42_002, 5001, synAck.seq() + 1, ACK, 100, bytes(10, 1)));
        final int connId = (int)t.pollFor(TcpEvent.ACCEPTED)[0];
        assertEquals(TcpState.ESTABLISHED, t.endpoint.state(connId));
        assertEquals(10, t.endpoint.readable(connId), "data on the cookie ACK is kept");
        t.drain();
        write(t, connId, bytes(3000, 1));
        final List<Seg> segs = t.drain();
        assertEquals(1220, segs.get(0).data().length, "MSS recovered from the cookie's index");
        assertEquals(3000, payloadBytes(segs), "window of 100 scaled by the cookie's wscale 7");

        assertEquals(TcpStatus.SYN_COOKIE_SENT, t.syn(42_003, 9000, 1460, 7));
        final Seg late = t.take();
        t.advanceMs(200_000);
        assertEquals(TcpStatus.SYN_COOKIE_INVALID, t.segment(42_003, 9001, late.seq() + 1, ACK, 100, null),
            "cookie older than two periods rejected");
    }

    @Test
    void shouldRejectHalfOpenOverflowWithRstWhenCookiesDisabled()
    {
        final TcpTester t = new TcpTester(config().maxHalfOpen(1).synCookies(false));
        t.syn(42_100, 0, 1460, 7);
        t.drain();
        assertEquals(TcpStatus.REJECTED_HALF_OPEN_LIMIT, t.syn(42_101, 0, 1460, 7));
        assertTrue(t.take().has(RST));
    }

    @Test
    void shouldEnforcePerInstanceLimit()
    {
        final TcpTester t = new TcpTester(config().maxConnectionsPerInstance(2));
        t.open(43_000, 0, 7, 1000);
        t.open(43_001, 0, 7, 1000);
        t.drain();
        assertEquals(TcpStatus.REJECTED_INSTANCE_LIMIT, t.syn(43_002, 0, 1460, 7));
        assertTrue(t.take().has(RST));
        t.remoteIp = TcpTester.GUEST_IP + 1;
        assertEquals(TcpStatus.SYN_ACCEPTED, t.syn(43_002, 0, 1460, 7), "another instance is unaffected");
    }

    @Test
    void shouldEnforceHostLimit()
    {
        final TcpTester t = new TcpTester(config().maxConnections(3));
        for (int i = 0; i < 3; i++)
        {
            t.remoteIp = TcpTester.GUEST_IP + i;
            assertEquals(TcpStatus.SYN_ACCEPTED, t.syn(44_000, 0, 1460, 7));
        }
        t.drain();
        t.remoteIp = TcpTester.GUEST_IP + 10;
        assertEquals(TcpStatus.REJECTED_HOST_LIMIT, t.syn(44_000, 0, 1460, 7));
        assertTrue(t.take().has(RST));
    }

    @Test
    void shouldForgetSynReceivedAfterSynAckRetries()
    {
        final TcpTester t = new TcpTester(config().maxSynAckRetransmits(2));
        t.syn(45_000, 0, 1460, 7);
        t.take();
        t.runMs(1000);
        assertTrue(t.take().has(SYN), "SYN-ACK retransmitted after 1 s");
        t.runMs(2000);
        assertTrue(t.take().has(SYN));
        t.runMs(4000);
        assertEquals(0, t.endpoint.connectionCount());
        assertEquals(0, t.endpoint.halfOpenCount());
    }

    @Test
    void shouldNotifyIdleTimeoutThenAbort()
    {
        final TcpTester t = new TcpTester(config().headerReadTimeoutNs(0));
        final Conn c = t.open(45_100, 0, 7, 1000);
        t.events.clear();
        t.runMs(29_999);
        assertEquals(0, t.eventBits(c.connId()));
        t.runMs(1);
        assertTrue((t.eventBits(c.connId()) & TcpEvent.IDLE_TIMEOUT) != 0);
        t.runMs(30_000);
        assertTrue(t.take().has(RST));
        assertTrue((t.eventBits(c.connId()) & TcpEvent.RESET) != 0);
        assertEquals(0, t.endpoint.connectionCount());
    }

    @Test
    void shouldFireHeaderReadDeadlineUnlessCleared()
    {
        final TcpTester t = new TcpTester(config());
        final Conn a = t.open(45_200, 0, 7, 1000);
        final Conn b = t.open(45_201, 0, 7, 1000);
        t.endpoint.clearDeadline(b.connId());
        t.events.clear();
        t.runMs(10_000);
        assertTrue((t.eventBits(a.connId()) & TcpEvent.DEADLINE) != 0);
        assertEquals(0, t.eventBits(b.connId()) & TcpEvent.DEADLINE);
        t.endpoint.setDeadline(b.connId(), t.nowNs + 5_000_000L);
        t.runMs(5);
        assertTrue((t.eventBits(b.connId()) & TcpEvent.DEADLINE) != 0);
    }

    @Test
    void shouldBoundReceiveBufferAndUpdateWindowOnRead()
    {
        final TcpTester t = new TcpTester(config().receiveBufferSize(4096));
        final Conn c = t.open(45_300, 0, 7, 1000);
        final int ack = c.serverIsn() + 1;
        t.segment(c.port(), 1, ack, ACK, 1000, bytes(3000, 1));
        t.drain();
        t.segment(c.port(), 3001, ack, ACK, 1000, bytes(3000, 2));
        final Seg full = t.take();
        assertEquals(4097, full.ack(), "only what fits is accepted");
        assertEquals(0, full.window());
        assertEquals(4096, t.endpoint.readable(c.connId()));

        read(t, c.connId());
        final Seg update = t.take();
        assertEquals(4097, update.ack());
        assertEquals(4096, update.window(), "window reopened (no scaling needed for 4 KiB)");
    }

    @Test
    void shouldBoundSendBufferAndSignalWritable()
    {
        final TcpTester t = new TcpTester(config().sendBufferSize(4096));
        final Conn c = t.open(45_400, 0, 7, 1000);
        assertEquals(4096, write(t, c.connId(), bytes(10_000, 1)));
        assertEquals(0, write(t, c.connId(), bytes(10, 1)));
        t.drain();
        t.events.clear();
        t.segment(c.port(), 1, c.serverIsn() + 1 + 1000, ACK, 1000, null);
        assertTrue((t.eventBits(c.connId()) & TcpEvent.WRITABLE) != 0);
        assertEquals(1000, t.endpoint.writable(c.connId()));
    }

    @Test
    void shouldAdvertiseZeroWindowWhenReceivePoolIsExhausted()
    {
        final TcpTester t = new TcpTester(config().receiveBufferCount(1));
        final Conn a = t.open(45_500, 0, 7, 1000);
        final Conn b = t.open(45_501, 0, 7, 1000);
        t.segment(a.port(), 1, a.serverIsn() + 1, ACK, 1000, bytes(10, 1));
        t.drain();
        assertEquals(TcpStatus.OUT_OF_WINDOW, t.segment(b.port(), 1, b.serverIsn() + 1, ACK, 1000, bytes(10, 1)));
        assertEquals(0, t.take().window());
        read(t, a.connId());
        assertEquals(TcpStatus.OK, t.segment(b.port(), 1, b.serverIsn() + 1, ACK, 1000, bytes(10, 1)));
    }

    @Test
    void shouldRejectStaleConnectionIds()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(45_600, 0, 7, 1000);
        assertEquals(TcpStatus.OK, t.endpoint.abort(c.connId()));
        assertTrue(t.take().has(RST));
        final Conn d = t.open(45_601, 0, 7, 1000);
        assertNotEquals(c.connId(), d.connId());
        assertEquals(TcpStatus.ERR_UNKNOWN_CONNECTION,
            t.endpoint.write(c.connId(), new UnsafeBuffer(new byte[1]), 0, 1));
        assertFalse(t.endpoint.state(d.connId()) < 0);
    }

    @Test
    void shouldDeriveDifferentIsnsPerTupleAndKey()
    {
        final TcpTester t = new TcpTester(config());
        t.syn(46_000, 0, 1460, 7);
        t.syn(46_001, 0, 1460, 7);
        final int a = t.take().seq();
        final int b = t.take().seq();
        assertNotEquals(a, b);
        final TcpTester other = new TcpTester(config().isnKey(1, 2));
        other.syn(46_000, 0, 1460, 7);
        assertNotEquals(a, other.take().seq());
    }

    @Test
    void shouldApplyFinThatArrivedAheadOfMissingData()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(47_000, 0, 7, 1000);
        final int ack = c.serverIsn() + 1;
        assertEquals(TcpStatus.OUT_OF_ORDER_BUFFERED,
            t.segment(c.port(), 11, ack, ACK | FIN, 1000, bytes(10, 2)));
        assertEquals(TcpState.ESTABLISHED, t.endpoint.state(c.connId()));
        assertEquals(1, t.take().ack());
        t.segment(c.port(), 1, ack, ACK, 1000, bytes(10, 1));
        assertEquals(22, t.take().ack(), "data and the early FIN now acknowledged");
        assertEquals(TcpState.CLOSE_WAIT, t.endpoint.state(c.connId()));
        assertTrue((t.eventBits(c.connId()) & TcpEvent.PEER_FIN) != 0);
        assertEquals(20, t.endpoint.readable(c.connId()));
    }

    @Test
    void shouldKeepReceivingAfterClosingOurSide()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(47_001, 0, 7, 1000);
        t.endpoint.close(c.connId());
        t.take();
        assertEquals(TcpStatus.ERR_STATE, write(t, c.connId(), bytes(1, 1)));
        t.segment(c.port(), 1, c.serverIsn() + 2, ACK, 1000, bytes(50, 1));
        assertEquals(TcpState.FIN_WAIT_2, t.endpoint.state(c.connId()));
        assertEquals(51, t.take().ack());
        assertArrayEquals(bytes(50, 1), read(t, c.connId()));
    }

    @Test
    void shouldRetransmitFinInLastAck()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(47_002, 0, 7, 1000);
        t.segment(c.port(), 1, c.serverIsn() + 1, ACK | FIN, 1000, null);
        t.take();
        t.endpoint.close(c.connId());
        final Seg fin = t.take();
        assertTrue(fin.has(FIN));
        t.runMs(200);
        final Seg again = t.take();
        assertTrue(again.has(FIN));
        assertEquals(fin.seq(), again.seq());
    }

    @Test
    void shouldForgetSynReceivedOnValidRst()
    {
        final TcpTester t = new TcpTester(config());
        t.syn(47_003, 500, 1460, 7);
        t.take();
        assertEquals(TcpStatus.IGNORED, t.segment(47_003, 500 + 100_000, 0, RST, 0, null));
        assertEquals(1, t.endpoint.connectionCount());
        assertEquals(TcpStatus.RESET_ACCEPTED, t.segment(47_003, 501, 0, RST, 0, null));
        assertEquals(0, t.endpoint.connectionCount());
        assertEquals(0, t.endpoint.halfOpenCount());
    }

    @Test
    void shouldAnswerBadHandshakeAckWithRst()
    {
        final TcpTester t = new TcpTester(config());
        t.syn(47_004, 500, 1460, 7);
        final Seg synAck = t.take();
        assertEquals(TcpStatus.DUPLICATE_SYN, t.syn(47_004, 500, 1460, 7));
        assertEquals(synAck.seq(), t.take().seq(), "retransmitted SYN answered with the same SYN-ACK");
        assertEquals(TcpStatus.ACK_UNSENT_DATA, t.segment(47_004, 501, synAck.seq() + 7, ACK, 1000, null));
        final Seg rst = t.take();
        assertEquals(RST, rst.flags());
        assertEquals(synAck.seq() + 7, rst.seq());
    }

    @Test
    void shouldReassembleAcrossSequenceNumberWrap()
    {
        final TcpTester t = new TcpTester(config());
        final int isn = 0xFFFF_FE00;
        final Conn c = t.open(47_005, isn, 7, 1000);
        final int ack = c.serverIsn() + 1;
        final byte[] data = bytes(2000, 3);
        assertEquals(TcpStatus.OUT_OF_ORDER_BUFFERED,
            t.segment(c.port(), isn + 1 + 1000, ack, ACK, 1000, slice(data, 1000, 2000)));
        assertEquals(TcpStatus.OK, t.segment(c.port(), isn + 1, ack, ACK, 1000, slice(data, 0, 1000)));
        assertEquals(isn + 2001, t.drain().get(1).ack());
        assertArrayEquals(data, read(t, c.connId()));
    }

    @Test
    void shouldSendNewSegmentPerEarlyDuplicateAckWithLimitedTransmit()
    {
        final TcpTester t = new TcpTester(config());
        final Conn c = t.open(47_006, 0, 7, 60_000);
        final int start = c.serverIsn() + 1;
        write(t, c.connId(), bytes(14_600 + 5_000, 3));
        assertEquals(14_600, payloadBytes(t.drain()), "initial window");
        t.segment(c.port(), 1, start, ACK, 60_000, null);
        List<Seg> segs = t.drain();
        assertEquals(1, segs.size());
        assertEquals(start + 14_600, segs.get(0).seq(), "first duplicate ACK releases one new segment");
        t.segment(c.port(), 1, start, ACK, 60_000, null);
        segs = t.drain();
        assertEquals(1, segs.size());
        assertEquals(start + 14_600 + 1460, segs.get(0).seq());
    }

    @Test
    void shouldNameEveryStatusCode()
    {
        for (int status = 0; status < TcpStatus.COUNT; status++)
        {
            assertNotEquals("UNKNOWN", TcpStatus.name(status), "status " + status);
        }
        assertEquals("UNKNOWN", TcpStatus.name(TcpStatus.COUNT));
    }

    private static byte[] slice(final byte[] data, final int from, final int to)
    {
        return java.util.Arrays.copyOfRange(data, from, to);
    }
}
