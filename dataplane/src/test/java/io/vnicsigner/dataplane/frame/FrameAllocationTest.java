package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameAllocationTest
{
    private static final int ITERATIONS = 20_000;

    private final UnsafeBuffer syn = new UnsafeBuffer(new byte[128]);
    private final UnsafeBuffer udp = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer arp = new UnsafeBuffer(new byte[64]);
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final UdpFlyweight udpFlyweight = new UdpFlyweight();
    private final ArpFlyweight arpFlyweight = new ArpFlyweight();

    private int synLength;
    private int udpLength;
    private int arpLength;

    @Test
    void shouldNotAllocateWhileParsingValidatingAndChecksumming()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        final long threadId = Thread.currentThread().threadId();
        synLength = FrameBuilder.tcpSyn(
            syn, 0x5254_0000_0001L, 0x5254_0000_0002L, 0x0a000001, 0x0a000002, 1, 80, 5, 9, 1);
        udpLength = FrameBuilder.udp(udp, 0x5254_0000_0001L, 0x5254_0000_0002L, 0x0a000001, 0x0a000002, 1, 53, 99);
        arpLength = FrameBuilder.arpRequest(arp, 0x5254_0000_0001L, 0x0a000001, 0x0a000002);

        long checksum = 0;
        for (int i = 0; i < ITERATIONS; i++)
        {
            checksum += handleAll();
        }

        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < ITERATIONS; i++)
        {
            checksum += handleAll();
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(2L * ITERATIONS * expectedPerRound(), checksum);
        // A single allocation per round would be at least 16 bytes x 20,000; allow for the probe itself.
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes");
    }

    private long expectedPerRound()
    {
        return synLength + udpLength + arpLength + 1460 + 7;
    }

    private long handleAll()
    {
        long result = 0;

        ethernet.wrap(syn, 0, synLength);
        result += ethernet.validate() + ethernet.length() + ethernet.sourceMac() - 0x5254_0000_0001L;
        ip.wrap(syn, ethernet.payloadOffset(), ethernet.payloadLength());
        result += ip.validate(true);
        tcp.wrap(syn, ip.payloadOffset(), ip.payloadLength());
        result += tcp.validate(ip.source(), ip.destination(), true) + tcp.mssOption() + tcp.windowScaleOption();
        tcp.computeChecksum(ip.source(), ip.destination());
        ip.computeChecksum();

        ethernet.wrap(udp, 0, udpLength);
        result += ethernet.length();
        ip.wrap(udp, ethernet.payloadOffset(), ethernet.payloadLength());
        result += ip.validate(true);
        udpFlyweight.wrap(udp, ip.payloadOffset(), ip.payloadLength());
        result += udpFlyweight.validate(ip.source(), ip.destination(), true);
        udpFlyweight.computeChecksum(ip.source(), ip.destination());

        ethernet.wrap(arp, 0, arpLength);
        result += ethernet.length() + ethernet.etherType() - EthernetFlyweight.ETHERTYPE_ARP;
        arpFlyweight.wrap(arp, ethernet.payloadOffset(), ethernet.payloadLength());
        result += arpFlyweight.validate() + arpFlyweight.targetIp() - 0x0a000002;

        return result;
    }
}
