package io.vnicsigner.dataplane.pipeline;

import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.frame.FrameError;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.intercept.TcpInterceptor;
import io.vnicsigner.dataplane.switching.GuestPort;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The interceptor stage: takes the TCP segments the switch put on its ring, feeds them to the userspace TCP
 * endpoint and the HTTP sessions, and runs their timers, the signing and the upstream connector. Its frames go back
 * to the switch on another ring (see {@link TcpInterceptor}).
 */
public final class InterceptorAgent implements Agent, MessageHandler
{
    private final RingBuffer rxRing;
    private final GuestPort[] guests;
    private final TcpInterceptor tcp;
    private final SystemCounters counters;
    private final EpochNanoClock clock;
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final TcpFlyweight segment = new TcpFlyweight();
    private long nowNs;

    public InterceptorAgent(
        final RingBuffer rxRing, final GuestPort[] guests, final TcpInterceptor tcp, final SystemCounters counters,
        final EpochNanoClock clock)
    {
        this.rxRing = rxRing;
        this.guests = guests.clone();
        this.tcp = tcp;
        this.counters = counters;
        this.clock = clock;
    }

    public String roleName()
    {
        return "interceptor";
    }

    public int doWork()
    {
        nowNs = clock.nanoTime();
        final int frames = rxRing.read(this, FrameRings.READ_LIMIT);
        return frames + tcp.doWork(nowNs);
    }

    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final GuestPort guest = guests[buffer.getInt(index + FrameRings.GUEST_INDEX_OFFSET)];
        ip.wrap(buffer, index + FrameRings.FRAME_OFFSET, length - FrameRings.FRAME_OFFSET);
        segment.wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        // The switch checked structure and checksum; this pass only parses the options into the flyweight.
        if (segment.validate(ip.source(), ip.destination(), false) != FrameError.OK)
        {
            counters.incrementShared(SystemCounter.TCP_INVALID_SEGMENTS);
            return;
        }
        tcp.onSegment(guest, ip, segment, nowNs);
    }
}
