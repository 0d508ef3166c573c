package io.vnicsigner.dataplane.switching;

import io.vnicsigner.dataplane.counters.PortCounters;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.port.Port;
import org.agrona.DirectBuffer;

/**
 * Sends a frame out of a port and counts the outcome on that port and, for refusals, host-wide.
 */
public final class Transmitter
{
    private final SystemCounters counters;

    public Transmitter(final SystemCounters counters)
    {
        this.counters = counters;
    }

    public boolean send(
        final Port port, final PortCounters portCounters, final DirectBuffer buffer, final int offset, final int length)
    {
        if (port.send(buffer, offset, length))
        {
            portCounters.txFrames.incrementRelease();
            portCounters.txBytes.getAndAddRelease(length);
            return true;
        }
        portCounters.txDrops.incrementRelease();
        counters.increment(SystemCounter.TX_DROPS);
        return false;
    }

    public boolean send(final GuestPort guest, final DirectBuffer buffer, final int offset, final int length)
    {
        return send(guest.port(), guest.counters(), buffer, offset, length);
    }
}
