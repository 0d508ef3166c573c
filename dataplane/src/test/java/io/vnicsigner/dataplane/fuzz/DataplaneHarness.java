package io.vnicsigner.dataplane.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.frame.ArpFlyweight;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.FrameError;
import io.vnicsigner.dataplane.frame.IcmpFlyweight;
import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.pipeline.Dataplane;
import io.vnicsigner.dataplane.pipeline.DataplaneLimits;
import io.vnicsigner.dataplane.pipeline.ThreadingMode;
import io.vnicsigner.dataplane.port.MemoryPort;
import io.vnicsigner.dataplane.switching.SigningIp;
import io.vnicsigner.dataplane.tcp.TcpEndpoint;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link Dataplane} in {@link ThreadingMode#INVOKER} mode over {@link MemoryPort}s with a clock the fuzz target
 * advances, plus a model of one guest's TCP clients: it learns the signing IP's sequence numbers from what comes
 * back, so that fuzzed segments can be exact, nearly exact or wild. Every duty cycle checks every frame sent and the
 * invariants listed in docs/fuzzing.md.
 * <p>
 * Small limits (8 connections, 3 per instance, 2 half-open, 4 buffers, 2 parsers) put every bound within reach of
 * a short input.
 */
final class DataplaneHarness implements AutoCloseable
{
    static final int SIGNING_IP = Ipv4Address.parse(SigningIp.DEFAULT_IP);
    static final long SIGNING_MAC = MacAddress.parse(SigningIp.DEFAULT_MAC);
    static final long GUEST_MAC = MacAddress.parse("52:54:00:00:00:01");
    static final int GUEST_IP = Ipv4Address.parse("10.200.0.2");
    static final long OTHER_MAC = MacAddress.parse("52:54:00:00:00:02");
    static final int OTHER_IP = Ipv4Address.parse("10.200.0.3");
    static final int CLIENTS = 4;
    static final int FIRST_CLIENT_PORT = 40_000;
    static final DataplaneLimits LIMITS = new DataplaneLimits(
        8, 3, 2, 4, 2, TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(2), true);

    private static final int MAX_COUNTERS = 128;
    private static final int RING_BYTES = 128 * 1024;
    private static final int MAX_TCP_FRAME = EthernetFlyweight.HEADER_LENGTH + 1500;
    private static final long QUIESCE_STEP_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int QUIESCE_STEPS = 600;
    private static final int STARTS_PER_GC = 32;
    private static int starts;

    private final MemoryPort uplink = new MemoryPort("memory:uplink", RING_BYTES);
    private final MemoryPort guest = new MemoryPort("memory:guest", RING_BYTES);
    private final MemoryPort other = new MemoryPort("memory:other", RING_BYTES);
    private final CountersManager counters;
    private final Dataplane dataplane;
    private final TcpEndpoint endpoint;
    private final int guestRxFramesId;
    private final long[] clock = { TimeUnit.SECONDS.toNanos(1_000) };
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();

    private final int[] clientNext = new int[CLIENTS];
    private final int[] serverNext = new int[CLIENTS];
    private long injected;
    private boolean sawHttpResponse;

    DataplaneHarness()
    {
        // Each dataplane takes about 1.5 MiB of direct memory (rings, buffer pools), freed only after a GC; at
        // fuzzing rates the small heap would rarely collect, so RSS would climb by gigabytes without this.
        if (++starts % STARTS_PER_GC == 0)
        {
            System.gc();
        }
        counters = new ConcurrentCountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_COUNTERS * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_COUNTERS * CountersReader.COUNTER_LENGTH, 64)),
            StandardCharsets.US_ASCII);
        SystemCounters.register(counters);
        dataplane = Dataplane.start(
            new SigningIp(SIGNING_IP, SIGNING_MAC), uplink,
            List.of(
                new Dataplane.Guest("i-guest", "acme", GUEST_MAC, GUEST_IP, 64, guest),
                new Dataplane.Guest("i-other", "beta", OTHER_MAC, OTHER_IP, 64, other)),
            ThreadingMode.INVOKER, "poll", LIMITS, counters, () -> clock[0]);
        endpoint = dataplane.tcpEndpoint();
        guestRxFramesId = counterId("port memory:guest rx-frames");
    }

    private int counterId(final String label)
    {
        final int[] id = { -1 };
        counters.forEach((counterId, typeId, keyBuffer, l) ->
        {
            if (l.equals(label))
            {
                id[0] = counterId;
            }
        });
        assertTrue(id[0] >= 0, label);
        return id[0];
    }

    /** Sends a frame from the guest and runs one duty cycle. */
    void inject(final UnsafeBuffer frame, final int length)
    {
        assertTrue(guest.inject(frame, 0, length), "the guest ring is drained every cycle");
        injected++;
        cycle();
    }

    /** Moves the clock on and runs one duty cycle, so timers fire. */
    void advance(final long ns)
    {
        clock[0] += ns;
        cycle();
    }

    /**
     * Runs the switch's duty cycle directly rather than through the invoker, whose error handler would swallow
     * the stack trace of anything thrown; then checks everything sent and every bound.
     */
    void cycle()
    {
        dataplane.doWork();
        drainAndCheck();
        checkBounds();
    }

    /**
     * Lets simulated minutes pass in one-second steps: every timer (retransmission, persist, idle, header read,
     * TIME-WAIT) must eventually free every connection and buffer even though the guest never answers.
     */
    void quiesce()
    {
        for (int i = 0; i < QUIESCE_STEPS && endpoint.connectionCount() > 0; i++)
        {
            advance(QUIESCE_STEP_NS);
        }
        assertEquals(0, endpoint.connectionCount(), "connections left after " + QUIESCE_STEPS + " idle seconds");
        assertEquals(0, endpoint.halfOpenCount(), "half-open left");
        assertEquals(0, endpoint.instanceConnectionCount(GUEST_IP), "instance count left");
        assertEquals(LIMITS.tcpBuffers(), endpoint.receiveBuffersAvailable(), "receive buffers leaked");
        assertEquals(LIMITS.tcpBuffers(), endpoint.sendBuffersAvailable(), "send buffers leaked");
    }

    int clientNext(final int client)
    {
        return clientNext[client];
    }

    /** What the client will send next on {@code client}: it believes whatever it last sent. */
    void clientSent(final int client, final int seq, final int flags, final int payloadLength)
    {
        clientNext[client] = seq + payloadLength + ((flags & TcpFlyweight.SYN) != 0 ? 1 : 0) +
            ((flags & TcpFlyweight.FIN) != 0 ? 1 : 0);
    }

    int serverNext(final int client)
    {
        return serverNext[client];
    }

    boolean sawHttpResponse()
    {
        return sawHttpResponse;
    }

    long counter(final SystemCounter counter)
    {
        return counters.getCounterValue(counter.id());
    }

    private void drainAndCheck()
    {
        int length;
        while ((length = guest.take(out, 0)) >= 0)
        {
            checkToGuest(length);
        }
        while ((length = uplink.take(out, 0)) >= 0)
        {
            checkToUplink(length);
        }
        assertEquals(-1, other.take(out, 0), "nothing the guest sends may reach another guest");
        assertEquals(0, guest.sendDrops(), "the harness drains every cycle, so nothing is dropped");
        assertEquals(0, uplink.sendDrops());
    }

    private void checkToGuest(final int length)
    {
        ethernet.wrap(out, 0, length);
        assertEquals(FrameError.OK, ethernet.validate());
        assertEquals(GUEST_MAC, ethernet.destinationMac(), "sent to the guest's MAC");
        assertEquals(SIGNING_MAC, ethernet.sourceMac(), "sent from the signing MAC");
        switch (ethernet.etherType())
        {
            case EthernetFlyweight.ETHERTYPE_ARP ->
            {
                arp.wrap(out, ethernet.payloadOffset(), ethernet.payloadLength());
                assertEquals(FrameError.OK, arp.validate());
                assertEquals(ArpFlyweight.OP_REPLY, arp.operation());
                assertEquals(SIGNING_IP, arp.senderIp());
            }
            case EthernetFlyweight.ETHERTYPE_IPV4 ->
            {
                ip.wrap(out, ethernet.payloadOffset(), ethernet.payloadLength());
                assertEquals(FrameError.OK, ip.validate(true), "a well-formed IPv4 header with its checksum");
                assertEquals(EthernetFlyweight.HEADER_LENGTH + ip.totalLength(), length, "no trailing bytes");
                assertEquals(SIGNING_IP, ip.source());
                assertEquals(GUEST_IP, ip.destination());
                assertTrue(!ip.isFragment(), "never fragmented");
                switch (ip.protocol())
                {
                    case Ipv4Flyweight.PROTOCOL_TCP -> checkTcpToGuest(length);
                    case Ipv4Flyweight.PROTOCOL_ICMP ->
                    {
                        icmp.wrap(out, ip.payloadOffset(), ip.payloadLength());
                        assertEquals(FrameError.OK, icmp.validate(true));
                        assertEquals(IcmpFlyweight.TYPE_ECHO_REPLY, icmp.type());
                    }
                    default -> fail("the signing IP sent protocol " + ip.protocol());
                }
            }
            default -> fail("the signing IP sent ethertype " + Integer.toHexString(ethernet.etherType()));
        }
    }

    private void checkTcpToGuest(final int length)
    {
        assertTrue(length <= MAX_TCP_FRAME, "TCP frame of " + length + " bytes exceeds the MTU");
        tcp.wrap(out, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, tcp.validate(SIGNING_IP, GUEST_IP, true), "a valid segment with its checksum");
        final int client = tcp.destinationPort() - FIRST_CLIENT_PORT;
        final int flags = tcp.flags();
        if (client < 0 || client >= CLIENTS || (flags & TcpFlyweight.RST) != 0)
        {
            return;
        }
        final int end = tcp.sequence() + tcp.payloadLength() + ((flags & TcpFlyweight.SYN) != 0 ? 1 : 0) +
            ((flags & TcpFlyweight.FIN) != 0 ? 1 : 0);
        if ((flags & TcpFlyweight.SYN) != 0 || end - serverNext[client] > 0)
        {
            serverNext[client] = end;
        }
        if (tcp.payloadLength() >= 8 && out.getStringWithoutLengthAscii(tcp.payloadOffset(), 7).equals("HTTP/1."))
        {
            sawHttpResponse = true;
        }
    }

    private void checkToUplink(final int length)
    {
        ethernet.wrap(out, 0, length);
        assertEquals(FrameError.OK, ethernet.validate());
        assertEquals(GUEST_MAC, ethernet.sourceMac(), "only frames with the guest's own MAC leave");
        if (ethernet.etherType() == EthernetFlyweight.ETHERTYPE_IPV4)
        {
            ip.wrap(out, ethernet.payloadOffset(), ethernet.payloadLength());
            if (ip.validate(false) == FrameError.OK)
            {
                assertNotEquals(SIGNING_IP, ip.destination(), "traffic for the signing IP leaked to the uplink");
                assertTrue(ip.source() == GUEST_IP || ip.source() == 0, "a spoofed IPv4 source left the host");
            }
        }
        else if (ethernet.etherType() == EthernetFlyweight.ETHERTYPE_ARP)
        {
            arp.wrap(out, ethernet.payloadOffset(), ethernet.payloadLength());
            if (arp.validate() == FrameError.OK)
            {
                assertNotEquals(SIGNING_IP, arp.targetIp(), "ARP for the signing IP leaked to the uplink");
                assertEquals(GUEST_MAC, arp.senderMac(), "a spoofed ARP sender left the host");
            }
        }
    }

    private void checkBounds()
    {
        for (final SystemCounter counter : SystemCounter.values())
        {
            assertTrue(counter(counter) >= 0, counter.name());
        }
        assertEquals(0, counter(SystemCounter.ERRORS), "agent errors");
        assertEquals(0, counter(SystemCounter.TX_DROPS), "send drops");
        assertEquals(injected, counters.getCounterValue(guestRxFramesId), "every injected frame is received");
        assertTrue(endpoint.connectionCount() <= LIMITS.connections(), "host connection limit");
        assertTrue(endpoint.instanceConnectionCount(GUEST_IP) <= LIMITS.connectionsPerInstance(), "instance limit");
        assertTrue(endpoint.halfOpenCount() <= LIMITS.halfOpen(), "half-open limit");
        assertTrue(endpoint.halfOpenCount() <= endpoint.connectionCount(), "half-open are connections");
        assertTrue(endpoint.timeWaitCount() <= endpoint.connectionCount(), "TIME-WAIT are connections");
        final int rcv = endpoint.receiveBuffersAvailable();
        final int snd = endpoint.sendBuffersAvailable();
        assertTrue(rcv >= 0 && rcv <= LIMITS.tcpBuffers(), "receive buffers " + rcv);
        assertTrue(snd >= 0 && snd <= LIMITS.tcpBuffers(), "send buffers " + snd);
    }

    public void close()
    {
        dataplane.close();
    }
}
