package io.vnicsigner.bench.tcp;

import java.util.concurrent.TimeUnit;

import io.vnicsigner.dataplane.tcp.TcpConfig;
import io.vnicsigner.dataplane.tcp.TcpEndpoint;
import io.vnicsigner.dataplane.tcp.TcpEvent;
import io.vnicsigner.dataplane.tcp.TcpEventHandler;
import io.vnicsigner.dataplane.tcp.TcpFlags;
import io.vnicsigner.dataplane.tcp.TcpStatus;
import io.vnicsigner.dataplane.tcp.SegmentSink;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TCP endpoint receiving one in-order 1460-byte data segment on an established connection and sending its ACK
 * (to a sink that only notes it), with the application then taking the bytes, against a floor: copying the same
 * 1460 bytes once, which receiving into a buffer cannot avoid. Run with {@code -prof gc}: 0 B/op expected.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpReceiveBenchmark implements SegmentSink, TcpEventHandler
{
    private static final int GUEST_IP = 0x0A000002;
    private static final int SIGNING_IP = 0xA9FEA9FA;
    private static final int GUEST_PORT = 40000;
    private static final int MSS = 1460;

    private final UnsafeBuffer payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MSS, 64));
    private final UnsafeBuffer copy = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MSS, 64));
    private TcpEndpoint endpoint;
    private int connId = -1;
    private int seq;
    private int serverNext;
    private int lastAck;
    private int lastFlags;
    private long nowNs = 1_000_000_000L;

    @Setup
    public void setUp()
    {
        endpoint = new TcpEndpoint(new TcpConfig().maxConnections(64).receiveBufferCount(16).sendBufferCount(16), this);
        final int isn = 1_000;
        check(endpoint.onSegment(nowNs, GUEST_IP, GUEST_PORT, SIGNING_IP, 80, isn, 0, TcpFlags.SYN, 65_535, MSS, 7,
            false, false, 0, 0, payload, 0, 0), TcpStatus.SYN_ACCEPTED);
        serverNext = lastAck; // the sink noted the SYN-ACK's sequence number plus one
        check(endpoint.onSegment(nowNs, GUEST_IP, GUEST_PORT, SIGNING_IP, 80, isn + 1, serverNext, TcpFlags.ACK,
            65_535, -1, -1, false, false, 0, 0, payload, 0, 0), TcpStatus.OK);
        endpoint.pollEvents(this, 16);
        if (connId < 0)
        {
            throw new IllegalStateException("the connection was not accepted");
        }
        seq = isn + 1;
    }

    @Benchmark
    public int receiveAndAck()
    {
        nowNs += 1_000;
        endpoint.onSegment(nowNs, GUEST_IP, GUEST_PORT, SIGNING_IP, 80, seq, serverNext, TcpFlags.ACK | TcpFlags.PSH,
            65_535, -1, -1, false, false, 0, 0, payload, 0, MSS);
        seq += MSS;
        endpoint.pollEvents(this, 16);
        endpoint.consume(connId, MSS);
        if (lastAck != seq)
        {
            throw new IllegalStateException("segment not acknowledged: ack " + lastAck + ", expected " + seq);
        }
        return lastFlags;
    }

    @Benchmark
    public int copyFloor()
    {
        copy.putBytes(0, payload, 0, MSS);
        return copy.getByte(MSS - 1);
    }

    public void onSegment(
        final int localIp, final int localPort, final int remoteIp, final int remotePort, final int seq,
        final int ack, final int flags, final int window, final int mss, final int wscale, final DirectBuffer data,
        final int offset, final int length)
    {
        if ((flags & TcpFlags.SYN) != 0)
        {
            lastAck = seq + 1; // the SYN-ACK: remember the server's next sequence number
            return;
        }
        lastAck = ack;
        lastFlags = flags;
    }

    public void onEvent(final int connId, final int bits)
    {
        if ((bits & TcpEvent.ACCEPTED) != 0)
        {
            this.connId = connId;
        }
    }

    private static void check(final int status, final int expected)
    {
        if (status != expected)
        {
            throw new IllegalStateException("TCP status " + status + ", expected " + expected);
        }
    }
}
