package io.vnicsigner.dataplane.switching;

import io.vnicsigner.dataplane.counters.PortCounters;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.frame.ArpFlyweight;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.FrameError;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.intercept.SigningIpResponder;
import io.vnicsigner.dataplane.port.FrameBatch;
import io.vnicsigner.dataplane.port.Port;
import io.vnicsigner.dataplane.pipeline.FrameRings;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.MessageHandler;

/**
 * The switch: receives bursts from every port and forwards each frame, l2fwd-style, run to completion.
 * <ul>
 *   <li>From a guest: frames whose source MAC, IPv4 source or ARP sender is not the instance's are dropped and
 *   counted; ARP and IPv4 for the signing IP go to the {@link SigningIpResponder} whatever their destination MAC;
 *   everything else leaves by the uplink unchanged.</li>
 *   <li>From the uplink: unicast goes only to the guest that owns the destination MAC; broadcast and multicast go
 *   to every guest.</li>
 * </ul>
 * TCP for the signing IP leaves this agent on a ring to the interceptor agent (ARP and ICMP echo are answered
 * here); the interceptor's replies come back on another ring, which each duty cycle drains into the guests' ports.
 * <p>
 * Tagged frames (802.1Q/802.1ad) from a guest have their source MAC checked and then pass to the uplink without
 * further inspection: the dataplane does not look inside VLAN tags, so they are never intercepted.
 */
public final class SwitchAgent implements Agent
{
    private static final long NO_GUEST = -1;

    private final Port uplink;
    private final PortCounters uplinkCounters;
    private final GuestPort[] guests;
    private final Long2LongHashMap guestByMac = new Long2LongHashMap(NO_GUEST);
    private final SigningIp signingIp;
    private final SystemCounters counters;
    private final Transmitter transmitter;
    private final SigningIpResponder responder;
    private final EpochNanoClock clock;
    private final FrameBatch batch = new FrameBatch();
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final RingBuffer interceptorTx;
    private final MessageHandler onInterceptorFrame = this::onInterceptorFrame;
    private long nowNs;

    public SwitchAgent(
        final Port uplink, final PortCounters uplinkCounters, final GuestPort[] guests, final SigningIp signingIp,
        final SystemCounters counters, final Transmitter transmitter, final SigningIpResponder responder,
        final RingBuffer interceptorTx, final EpochNanoClock clock)
    {
        this.interceptorTx = interceptorTx;
        this.uplink = uplink;
        this.uplinkCounters = uplinkCounters;
        this.guests = guests.clone();
        this.signingIp = signingIp;
        this.counters = counters;
        this.transmitter = transmitter;
        this.responder = responder;
        this.clock = clock;
        for (int i = 0; i < this.guests.length; i++)
        {
            if (guestByMac.put(this.guests[i].mac(), i) != NO_GUEST)
            {
                throw new IllegalArgumentException("two guests share MAC " + MacAddress.format(this.guests[i].mac()));
            }
        }
    }

    /** The guest on port {@code index}, in config order. */
    public GuestPort guest(final int index)
    {
        return guests[index];
    }

    public String roleName()
    {
        return "switch";
    }

    public int doWork()
    {
        nowNs = clock.nanoTime();
        int work = 0;
        for (final GuestPort guest : guests)
        {
            work += receiveFromGuest(guest);
        }
        work += receiveFromUplink();
        work += responder.doWork(nowNs);
        work += interceptorTx.read(onInterceptorFrame, FrameRings.READ_LIMIT);
        flushPorts();
        return work;
    }

    /**
     * Sends the frames the interceptor agent left on the ring back to the ports, then flushes. The switch's duty
     * cycle does this too; a single-threaded pipeline calls it again after the interceptor's turn, so a reply leaves
     * in the same cycle as the request arrived. Must run on the switch's thread.
     */
    public int sendInterceptorFrames()
    {
        final int work = interceptorTx.read(onInterceptorFrame, FrameRings.READ_LIMIT);
        if (work > 0)
        {
            flushPorts();
        }
        return work;
    }

    private void flushPorts()
    {
        for (final GuestPort guest : guests)
        {
            guest.port().flush();
        }
        uplink.flush();
    }

    private void onInterceptorFrame(
        final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int guestIndex = buffer.getInt(index + FrameRings.GUEST_INDEX_OFFSET);
        transmitter.send(guests[guestIndex], buffer, index + FrameRings.FRAME_OFFSET, length - FrameRings.FRAME_OFFSET);
    }

    private int receiveFromGuest(final GuestPort guest)
    {
        batch.clear();
        final Port port = guest.port();
        final int received = port.receive(batch);
        countReceived(guest.counters(), port);
        for (int i = 0; i < received; i++)
        {
            onGuestFrame(guest, batch.buffer(), batch.offset(i), batch.length(i));
        }
        return received;
    }

    private int receiveFromUplink()
    {
        batch.clear();
        final int received = uplink.receive(batch);
        countReceived(uplinkCounters, uplink);
        for (int i = 0; i < received; i++)
        {
            onUplinkFrame(batch.buffer(), batch.offset(i), batch.length(i));
        }
        return received;
    }

    private void countReceived(final PortCounters portCounters, final Port port)
    {
        final int received = batch.count();
        if (received > 0)
        {
            long bytes = 0;
            for (int i = 0; i < received; i++)
            {
                bytes += batch.length(i);
            }
            portCounters.rxFrames.getAndAddRelease(received);
            portCounters.rxBytes.getAndAddRelease(bytes);
        }
        final long errors = port.receiveErrors();
        if (errors != portCounters.rxErrors.get())
        {
            portCounters.rxErrors.setRelease(errors);
        }
    }

    /**
     * Handles one frame from a guest. Public so that benchmarks can drive the per-frame path directly.
     */
    public void onGuestFrame(final GuestPort guest, final UnsafeBuffer buffer, final int offset, final int length)
    {
        ethernet.wrap(buffer, offset, length);
        if (ethernet.validate() != FrameError.OK)
        {
            counters.increment(SystemCounter.INVALID_FRAMES);
            return;
        }
        if (ethernet.sourceMac() != guest.mac())
        {
            counters.increment(SystemCounter.SPOOFED_SRC_MAC);
            return;
        }
        switch (ethernet.etherType())
        {
            case EthernetFlyweight.ETHERTYPE_ARP -> onGuestArp(guest, buffer, offset, length);
            case EthernetFlyweight.ETHERTYPE_IPV4 -> onGuestIpv4(guest, buffer, offset, length);
            case EthernetFlyweight.ETHERTYPE_VLAN, EthernetFlyweight.ETHERTYPE_QINQ ->
            {
                counters.increment(SystemCounter.VLAN_PASSED);
                transmitter.send(uplink, uplinkCounters, buffer, offset, length);
            }
            default -> transmitter.send(uplink, uplinkCounters, buffer, offset, length);
        }
    }

    private void onGuestArp(final GuestPort guest, final UnsafeBuffer buffer, final int offset, final int length)
    {
        arp.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
        if (arp.validate() != FrameError.OK)
        {
            counters.increment(SystemCounter.INVALID_ARP);
            return;
        }
        final int senderIp = arp.senderIp();
        if (arp.senderMac() != guest.mac() || (senderIp != guest.ip() && senderIp != 0))
        {
            counters.increment(SystemCounter.SPOOFED_ARP);
            return;
        }
        if (arp.targetIp() == signingIp.ip())
        {
            responder.onArp(guest, arp);
            return;
        }
        transmitter.send(uplink, uplinkCounters, buffer, offset, length);
    }

    private void onGuestIpv4(final GuestPort guest, final UnsafeBuffer buffer, final int offset, final int length)
    {
        ip.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());
        if (ip.validate(false) != FrameError.OK)
        {
            counters.increment(SystemCounter.INVALID_IPV4);
            return;
        }
        final int source = ip.source();
        if (source != guest.ip() && !(source == 0 && isDhcpClient(ip)))
        {
            counters.increment(SystemCounter.SPOOFED_SRC_IP);
            return;
        }
        if (ip.destination() == signingIp.ip())
        {
            responder.onIpv4(guest, ethernet, ip, nowNs);
            return;
        }
        transmitter.send(uplink, uplinkCounters, buffer, offset, length);
    }

    /** Source 0.0.0.0 is allowed only for a DHCP client: UDP from port 68 to port 67 (RFC 2131). */
    private static boolean isDhcpClient(final Ipv4Flyweight ip)
    {
        if (ip.protocol() != Ipv4Flyweight.PROTOCOL_UDP || ip.payloadLength() < 8 || ip.isFragment())
        {
            return false;
        }
        final int offset = ip.payloadOffset();
        return (ip.buffer().getShort(offset, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) == 68 &&
            (ip.buffer().getShort(offset + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF) == 67;
    }

    /**
     * Handles one frame from the uplink. Public so that benchmarks can drive the per-frame path directly.
     */
    public void onUplinkFrame(final UnsafeBuffer buffer, final int offset, final int length)
    {
        ethernet.wrap(buffer, offset, length);
        if (ethernet.validate() != FrameError.OK)
        {
            counters.increment(SystemCounter.INVALID_FRAMES);
            return;
        }
        final long destination = ethernet.destinationMac();
        if (MacAddress.isMulticast(destination))
        {
            for (final GuestPort guest : guests)
            {
                transmitter.send(guest, buffer, offset, length);
            }
            return;
        }
        final long index = guestByMac.get(destination);
        if (index == NO_GUEST)
        {
            counters.increment(SystemCounter.UPLINK_UNKNOWN_DESTINATION);
            return;
        }
        transmitter.send(guests[(int)index], buffer, offset, length);
    }
}
