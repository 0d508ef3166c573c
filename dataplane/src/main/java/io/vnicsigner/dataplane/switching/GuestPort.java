package io.vnicsigner.dataplane.switching;

import io.vnicsigner.dataplane.counters.PortCounters;
import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.port.Port;

/**
 * A guest's port bound to the one instance allowed to use it: the anti-spoofing identity (MAC and IPv4) and the
 * hop limit set on the packets the signing IP sends back.
 */
public final class GuestPort
{
    public static final int DEFAULT_HOP_LIMIT = 1;

    private final String instanceId;
    private final String tenant;
    private final long mac;
    private final int ip;
    private final int hopLimit;
    private final Port port;
    private final PortCounters counters;
    private final int index;

    /**
     * @param index the guest's position in the dataplane's guest list; frames on the rings between agents name
     *              their guest by it.
     */
    public GuestPort(
        final String instanceId, final String tenant, final long mac, final int ip, final int hopLimit,
        final Port port, final PortCounters counters, final int index)
    {
        if (hopLimit < 1 || hopLimit > 255)
        {
            throw new IllegalArgumentException("hopLimit must be 1..255: " + hopLimit);
        }
        if (MacAddress.isMulticast(mac))
        {
            throw new IllegalArgumentException("instance MAC must be unicast: " + MacAddress.format(mac));
        }
        this.instanceId = instanceId;
        this.tenant = tenant;
        this.mac = mac;
        this.ip = ip;
        this.hopLimit = hopLimit;
        this.port = port;
        this.counters = counters;
        this.index = index;
    }

    public int index()
    {
        return index;
    }

    public String instanceId()
    {
        return instanceId;
    }

    public String tenant()
    {
        return tenant;
    }

    public long mac()
    {
        return mac;
    }

    public int ip()
    {
        return ip;
    }

    public int hopLimit()
    {
        return hopLimit;
    }

    public Port port()
    {
        return port;
    }

    public PortCounters counters()
    {
        return counters;
    }

    @Override
    public String toString()
    {
        return instanceId + " (" + MacAddress.format(mac) + ", " + Ipv4Address.format(ip) + ") on " + port.name();
    }
}
