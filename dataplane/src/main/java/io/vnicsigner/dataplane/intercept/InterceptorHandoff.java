package io.vnicsigner.dataplane.intercept;

import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.pipeline.FrameRings;
import io.vnicsigner.dataplane.pipeline.Wakeup;
import io.vnicsigner.dataplane.switching.GuestPort;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The switch's side of the interceptor: TCP segments for the signing IP, already checked for structure and
 * checksum on the switch's thread, are copied into the ring the interceptor agent reads (one copy, into the claimed
 * slot). A full ring drops the segment and counts it; the guest's TCP retransmits it.
 */
public final class InterceptorHandoff implements SigningIpTcp
{
    private final RingBuffer ring;
    private final Wakeup wakeup;
    private final SystemCounters counters;
    private final boolean verifyChecksums;

    public InterceptorHandoff(
        final RingBuffer ring, final Wakeup wakeup, final SystemCounters counters, final boolean verifyChecksums)
    {
        this.ring = ring;
        this.wakeup = wakeup;
        this.counters = counters;
        this.verifyChecksums = verifyChecksums;
    }

    public void onSegment(final GuestPort guest, final Ipv4Flyweight ip, final TcpFlyweight tcp, final long nowNs)
    {
        final int packetLength = ip.totalLength();
        final int index = ring.tryClaim(FrameRings.MSG_FRAME, FrameRings.FRAME_OFFSET + packetLength);
        if (index < 0)
        {
            counters.increment(SystemCounter.INTERCEPT_RING_FULL);
            return;
        }
        final AtomicBuffer buffer = ring.buffer();
        buffer.putInt(index + FrameRings.GUEST_INDEX_OFFSET, guest.index());
        buffer.putBytes(index + FrameRings.FRAME_OFFSET, ip.buffer(), ip.offset(), packetLength);
        ring.commit(index);
        wakeup.signal();
    }

    public boolean verifyChecksums()
    {
        return verifyChecksums;
    }
}
