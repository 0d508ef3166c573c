package io.vnicsigner.dataplane.tcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.vnicsigner.dataplane.tcp.TcpFlags.ACK;
import static io.vnicsigner.dataplane.tcp.TcpFlags.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Plays the guest against a {@link TcpEndpoint} with a fake clock: crafts segments, captures what the endpoint
 * transmits and the events it delivers.
 */
final class TcpTester implements SegmentSink, TcpEventHandler
{
    static final int GUEST_IP = 0x0A000002;
    static final int SIGNING_IP = 0xA9FEA9FA;

    record Seg(int srcPort, int dstIp, int dstPort, int seq, int ack, int flags, int window, int mss, int wscale,
        byte[] data)
    {
        boolean has(final int flag)
        {
            return (flags & flag) != 0;
        }
    }

    /** A connection opened by {@link #open}. */
    record Conn(int connId, int port, int clientIsn, int serverIsn)
    {
    }

    final TcpEndpoint endpoint;
    final ArrayDeque<Seg> sent = new ArrayDeque<>();
    final List<long[]> events = new ArrayList<>();
    long nowNs = 1_000_000_000L;
    int remoteIp = GUEST_IP;

    TcpTester(final TcpConfig config)
    {
        this.endpoint = new TcpEndpoint(config, this);
    }

    public void onSegment(
        final int localIp, final int localPort, final int remoteIp, final int remotePort, final int seq,
        final int ack, final int flags, final int window, final int mss, final int wscale, final DirectBuffer data,
        final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        data.getBytes(offset, bytes);
        sent.add(new Seg(localPort, remoteIp, remotePort, seq, ack, flags, window, mss, wscale, bytes));
    }

    public void onEvent(final int connId, final int bits)
    {
        events.add(new long[]{ connId, bits });
    }

    int segment(final int port, final int seq, final int ack, final int flags, final int window, final byte[] data)
    {
        final byte[] payload = data == null ? new byte[1] : data;
        final int length = data == null ? 0 : data.length;
        return endpoint.onSegment(nowNs, remoteIp, port, SIGNING_IP, 80, seq, ack, flags, window, -1, -1,
            false, false, 0, 0, new UnsafeBuffer(payload), 0, length);
    }

    int syn(final int port, final int seq, final int mss, final int wscale)
    {
        return endpoint.onSegment(nowNs, remoteIp, port, SIGNING_IP, 80, seq, 0, SYN, 65_535, mss, wscale,
            true, true, 12345, 0, new UnsafeBuffer(new byte[1]), 0, 0);
    }

    Conn open(final int port, final int clientIsn, final int wscale, final int window)
    {
        sent.clear();
        assertEquals(TcpStatus.SYN_ACCEPTED, syn(port, clientIsn, 1460, wscale));
        final Seg synAck = take();
        assertEquals(SYN | ACK, synAck.flags());
        assertEquals(TcpStatus.OK, segment(port, clientIsn + 1, synAck.seq() + 1, ACK, window, null));
        final long[] accepted = pollFor(TcpEvent.ACCEPTED);
        assertNotNull(accepted, "ACCEPTED event");
        return new Conn((int)accepted[0], port, clientIsn, synAck.seq());
    }

    Seg take()
    {
        final Seg seg = sent.poll();
        assertNotNull(seg, "expected a transmitted segment");
        return seg;
    }

    List<Seg> drain()
    {
        final List<Seg> all = new ArrayList<>(sent);
        sent.clear();
        return all;
    }

    void advanceMs(final long ms)
    {
        nowNs += ms * 1_000_000L;
        endpoint.onTimer(nowNs);
    }

    /** Advances the clock one millisecond at a time, as an agent would call onTimer. */
    void runMs(final long ms)
    {
        for (long i = 0; i < ms; i++)
        {
            advanceMs(1);
        }
    }

    int poll()
    {
        return endpoint.pollEvents(this, 1024);
    }

    long[] pollFor(final int bit)
    {
        final int from = events.size();
        poll();
        for (final long[] e : events.subList(from, events.size()))
        {
            if ((e[1] & bit) != 0)
            {
                return e;
            }
        }
        return null;
    }

    int eventBits(final int connId)
    {
        poll();
        int bits = 0;
        for (final long[] e : events)
        {
            if (e[0] == connId)
            {
                bits |= (int)e[1];
            }
        }
        return bits;
    }

    static byte[] bytes(final int length, final int seed)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)(seed + i * 31);
        }
        return b;
    }
}
