package io.vnicsigner.dataplane.pktgen;

import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.InternetChecksum;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.port.FrameBatch;
import io.vnicsigner.dataplane.port.Port;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Sends UDP frames (and, for the configured share, ICMP echo requests to the signing IP) at a rate, and receives
 * whatever comes back: the UDP frames after forwarding on the receive port, the echo replies on the sending port. Each frame carries
 * {@code "VSPG" ‖ send time (ns)} at the start of its L4 payload, so a received frame's latency is
 * measured against this process's clock. Single-threaded; call {@link #doWork} in a loop.
 * <pre>
 * Ethernet(14) | IPv4(20) | UDP(8) or ICMP echo(8) | "VSPG"(4) | sent ns(8) | pad
 * </pre>
 */
public final class PacketGenerator
{
    public static final int BURST = 32;
    /** Every frame carries the L2-L4 headers and then the 12-byte stamp, which fits the smallest frame (60). */
    public static final int STAMP_OFFSET = 42;
    public static final int STAMP_LENGTH = 12;
    private static final int MAGIC = 0x56535047; // "VSPG"
    private static final int IP = EthernetFlyweight.HEADER_LENGTH;
    private static final int L4 = IP + Ipv4Flyweight.MIN_HEADER_LENGTH;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_UDP = 17;
    private static final long MAX_LATENCY_NS = 60_000_000_000L;

    private final TrafficSpec spec;
    private final Port tx;
    private final Port rx;
    private final UnsafeBuffer udpFrame;
    private final UnsafeBuffer echoFrame;
    private final FrameBatch batch = new FrameBatch();
    private final Histogram latencyNs = new Histogram(MAX_LATENCY_NS, 3);
    private long startNs = -1;
    private long sent;
    private long sentEcho;
    private long txDropped;
    private long received;
    private long receivedEcho;
    private long receivedOther;

    public PacketGenerator(final TrafficSpec spec, final Port tx, final Port rx)
    {
        this.spec = spec;
        this.tx = tx;
        this.rx = rx;
        this.udpFrame = template(spec, false);
        this.echoFrame = template(spec, true);
    }

    /** Sends what the rate allows (at most one burst) and takes one burst from each port. */
    public int doWork(final long nowNs)
    {
        return send(nowNs) + receive(nowNs);
    }

    /** Sends what the rate allows, at most one burst. */
    public int send(final long nowNs)
    {
        if (startNs < 0)
        {
            startNs = nowNs;
        }
        int work = 0;
        final long due = spec.ratePerSecond() == 0 ? BURST : Math.min(BURST,
            (long)((nowNs - startNs) * (spec.ratePerSecond() / 1e9)) + 1 - sent - txDropped);
        for (long i = 0; i < due; i++)
        {
            final long seq = sent + txDropped;
            final boolean echo = isEcho(seq);
            final UnsafeBuffer frame = echo ? echoFrame : udpFrame;
            stamp(frame, seq, echo, nowNs);
            if (tx.send(frame, 0, spec.frameLength()))
            {
                sent++;
                sentEcho += echo ? 1 : 0;
            }
            else
            {
                txDropped++;
            }
            work++;
        }
        tx.flush();
        return work;
    }

    /** Takes one burst from each port: echo replies come back on the sending port, forwarded UDP on the other. */
    public int receive(final long nowNs)
    {
        return drain(tx, nowNs) + (rx == tx ? 0 : drain(rx, nowNs));
    }

    private int drain(final Port port, final long nowNs)
    {
        batch.clear();
        final int n = port.receive(batch);
        for (int i = 0; i < n; i++)
        {
            onFrame(batch.buffer(), batch.offset(i), batch.length(i), nowNs);
        }
        return n;
    }

    /** Frame {@code seq} goes to the signing IP when the share's running total crosses an integer there. */
    private boolean isEcho(final long seq)
    {
        final double share = spec.signingShare();
        return share > 0 && (long)((seq + 1) * share) > (long)(seq * share);
    }

    private void stamp(final UnsafeBuffer frame, final long seq, final boolean echo, final long nowNs)
    {
        frame.putLong(STAMP_OFFSET + 4, nowNs, BIG_ENDIAN);
        if (echo)
        {
            frame.putShort(L4 + 6, (short)seq, BIG_ENDIAN); // ICMP sequence
            frame.putShort(L4 + 2, (short)0);
            final int length = spec.frameLength() - L4;
            frame.putShort(L4 + 2, (short)InternetChecksum.finish(InternetChecksum.sum(frame, L4, length, 0)), BIG_ENDIAN);
        }
        else
        {
            frame.putShort(L4, (short)(TrafficSpec.FIRST_PORT + seq % spec.flows()), BIG_ENDIAN);
        }
    }

    private void onFrame(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        if (length < STAMP_OFFSET + STAMP_LENGTH ||
            buffer.getShort(offset + 12, BIG_ENDIAN) != (short)EthernetFlyweight.ETHERTYPE_IPV4 ||
            buffer.getInt(offset + STAMP_OFFSET, BIG_ENDIAN) != MAGIC)
        {
            receivedOther++;
            return;
        }
        final int protocol = buffer.getByte(offset + IP + 9) & 0xFF;
        if (protocol == PROTO_ICMP && buffer.getByte(offset + L4) == 0)
        {
            receivedEcho++;
        }
        else if (protocol == PROTO_UDP)
        {
            received++;
        }
        else
        {
            receivedOther++;
            return;
        }
        final long latency = nowNs - buffer.getLong(offset + STAMP_OFFSET + 4, BIG_ENDIAN);
        if (latency >= 0 && latency <= MAX_LATENCY_NS)
        {
            latencyNs.recordValue(latency);
        }
    }

    private static UnsafeBuffer template(final TrafficSpec spec, final boolean echo)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TrafficSpec.MAX_FRAME_LENGTH + 64, 64));
        final int length = spec.frameLength();
        MacAddress.write(frame, 0, echo ? spec.signingMac() : spec.dstMac());
        MacAddress.write(frame, 6, spec.srcMac());
        frame.putShort(12, (short)EthernetFlyweight.ETHERTYPE_IPV4, BIG_ENDIAN);
        frame.putByte(IP, (byte)0x45);
        frame.putShort(IP + 2, (short)(length - IP), BIG_ENDIAN);
        frame.putShort(IP + 6, (short)0x4000, BIG_ENDIAN); // DF
        frame.putByte(IP + 8, (byte)64);
        frame.putByte(IP + 9, (byte)(echo ? PROTO_ICMP : PROTO_UDP));
        frame.putInt(IP + 12, spec.srcIp(), BIG_ENDIAN);
        frame.putInt(IP + 16, echo ? spec.signingIp() : spec.dstIp(), BIG_ENDIAN);
        frame.putShort(IP + 10, (short)InternetChecksum.finish(
            InternetChecksum.sum(frame, IP, Ipv4Flyweight.MIN_HEADER_LENGTH, 0)), BIG_ENDIAN);
        if (echo)
        {
            frame.putByte(L4, (byte)8);
            frame.putShort(L4 + 4, (short)0x5650, BIG_ENDIAN); // identifier
        }
        else
        {
            frame.putShort(L4 + 2, (short)9, BIG_ENDIAN); // discard
            frame.putShort(L4 + 4, (short)(length - L4), BIG_ENDIAN);
            // UDP checksum 0: none, which IPv4 allows, so each frame costs no payload pass.
        }
        frame.putInt(STAMP_OFFSET, MAGIC, BIG_ENDIAN);
        return frame;
    }

    public long sent()
    {
        return sent;
    }

    public long sentEcho()
    {
        return sentEcho;
    }

    public long txDropped()
    {
        return txDropped;
    }

    /** UDP frames that came back on the receive port. */
    public long received()
    {
        return received;
    }

    /** Echo replies from the signing IP. */
    public long receivedEcho()
    {
        return receivedEcho;
    }

    /** Frames without our stamp (ARP, the host's own traffic). */
    public long receivedOther()
    {
        return receivedOther;
    }

    /** Round-trip or one-way latency of every stamped frame received, in ns. */
    public Histogram latencyNs()
    {
        return latencyNs;
    }
}
