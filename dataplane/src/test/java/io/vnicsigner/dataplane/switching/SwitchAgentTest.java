package io.vnicsigner.dataplane.switching;

import java.io.File;
import java.util.List;

import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.frame.ArpFlyweight;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.FrameBuilder;
import io.vnicsigner.dataplane.frame.FrameError;
import io.vnicsigner.dataplane.frame.IcmpFlyweight;
import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.pipeline.Dataplane;
import io.vnicsigner.dataplane.pipeline.ThreadingMode;
import io.vnicsigner.dataplane.port.MemoryPort;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwitchAgentTest
{
    private static final int SIGNING_IP = Ipv4Address.parse("169.254.169.250");
    private static final long SIGNING_MAC = MacAddress.parse("02:76:6e:69:63:01");
    private static final long MAC_A = MacAddress.parse("52:54:00:00:00:01");
    private static final long MAC_B = MacAddress.parse("52:54:00:00:00:02");
    private static final int IP_A = Ipv4Address.parse("10.200.0.2");
    private static final int IP_B = Ipv4Address.parse("10.200.0.3");
    private static final long GATEWAY_MAC = MacAddress.parse("52:54:00:ff:ff:01");
    private static final int GATEWAY_IP = Ipv4Address.parse("10.200.0.1");

    @TempDir
    File dir;

    private final MemoryPort uplink = new MemoryPort("memory:uplink");
    private final MemoryPort guestA = new MemoryPort("memory:a");
    private final MemoryPort guestB = new MemoryPort("memory:b");
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
    private CountersFile countersFile;
    private Dataplane dataplane;

    @BeforeEach
    void start()
    {
        countersFile = CountersFile.create(dir, 256, 1, 0);
        dataplane = Dataplane.start(
            new SigningIp(SIGNING_IP, SIGNING_MAC), uplink,
            List.of(
                new Dataplane.Guest("i-a", "acme", MAC_A, IP_A, 3, guestA),
                new Dataplane.Guest("i-b", "beta", MAC_B, IP_B, 1, guestB)),
            ThreadingMode.INVOKER, "poll", countersFile.newManager(), System::nanoTime);
    }

    @AfterEach
    void stop()
    {
        dataplane.close();
        countersFile.close();
    }

    @Test
    void shouldAnswerArpForSigningIpAndNeverForwardIt()
    {
        final int length = FrameBuilder.arpRequest(frame, MAC_A, IP_A, SIGNING_IP);
        injectAndRun(guestA, length);

        final int replyLength = guestA.take(out, 0);
        assertEquals(EthernetFlyweight.HEADER_LENGTH + ArpFlyweight.LENGTH, replyLength);
        final EthernetFlyweight ethernet = new EthernetFlyweight().wrap(out, 0, replyLength);
        assertEquals(MAC_A, ethernet.destinationMac());
        assertEquals(SIGNING_MAC, ethernet.sourceMac());
        final ArpFlyweight arp = new ArpFlyweight().wrap(out, ethernet.payloadOffset(), ethernet.payloadLength());
        assertEquals(FrameError.OK, arp.validate());
        assertEquals(ArpFlyweight.OP_REPLY, arp.operation());
        assertEquals(SIGNING_MAC, arp.senderMac());
        assertEquals(SIGNING_IP, arp.senderIp());
        assertEquals(MAC_A, arp.targetMac());
        assertEquals(IP_A, arp.targetIp());
        assertEquals(-1, uplink.take(out, 0), "ARP for the signing IP must not reach the uplink");
        assertEquals(1, counter(SystemCounter.SIGNING_IP_ARP_REPLIES));
    }

    @Test
    void shouldAnswerPingToSigningIpWithTheInstanceHopLimitAsTtl()
    {
        final int length = FrameBuilder.icmpEchoRequest(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 0x1234, 7, 56);
        injectAndRun(guestA, length);

        final int replyLength = guestA.take(out, 0);
        assertEquals(length, replyLength);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(out, 14, replyLength - 14);
        assertEquals(FrameError.OK, ip.validate(true));
        assertEquals(3, ip.ttl(), "TTL must be instance i-a's hop limit");
        assertEquals(SIGNING_IP, ip.source());
        assertEquals(IP_A, ip.destination());
        final IcmpFlyweight icmp = new IcmpFlyweight().wrap(out, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, icmp.validate(true));
        assertEquals(IcmpFlyweight.TYPE_ECHO_REPLY, icmp.type());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(7, icmp.sequence());
        assertArrayEquals(bytes(frame, 42, 56), bytes(out, 42, 56), "echo payload must come back unchanged");
        assertEquals(-1, uplink.take(out, 0));
    }

    @Test
    void shouldInterceptSigningIpWhateverTheDestinationMac()
    {
        final int length = FrameBuilder.icmpEchoRequest(frame, MAC_B, GATEWAY_MAC, IP_B, SIGNING_IP, 1, 1, 8);
        injectAndRun(guestB, length);

        assertTrue(guestB.take(out, 0) > 0, "routed via the gateway MAC, the ping is still answered");
        assertEquals(1, new Ipv4Flyweight().wrap(out, 14, 28).ttl(), "i-b has the default hop limit 1");
        assertEquals(-1, uplink.take(out, 0));
    }

    @Test
    void shouldAnswerAPaddedMinimumSizePing()
    {
        int length = FrameBuilder.icmpEchoRequest(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 9, 9, 0);
        length = FrameBuilder.padToMinimum(frame, length);
        injectAndRun(guestA, length);

        final int replyLength = guestA.take(out, 0);
        assertEquals(14 + 20 + 8, replyLength, "the reply carries the IP packet, not the Ethernet padding");
        assertEquals(FrameError.OK, new IcmpFlyweight().wrap(out, 34, 8).validate(true));
    }

    @Test
    void shouldForwardOtherTrafficToTheUplinkUnchanged()
    {
        final int length = FrameBuilder.udp(frame, MAC_A, GATEWAY_MAC, IP_A, GATEWAY_IP, 5000, 53, 100);
        injectAndRun(guestA, length);

        final int sent = uplink.take(out, 0);
        assertEquals(length, sent);
        assertArrayEquals(bytes(frame, 0, length), bytes(out, 0, length));
        assertEquals(-1, guestA.take(out, 0));
    }

    @Test
    void shouldDropAndCountGuestFramesWithAnotherSourceMac()
    {
        final int length = FrameBuilder.udp(frame, MAC_B, GATEWAY_MAC, IP_A, GATEWAY_IP, 5000, 53, 10);
        injectAndRun(guestA, length);

        assertEquals(-1, uplink.take(out, 0));
        assertEquals(1, counter(SystemCounter.SPOOFED_SRC_MAC));
    }

    @Test
    void shouldDropAndCountGuestIpv4WithAnotherSourceIp()
    {
        final int length = FrameBuilder.udp(frame, MAC_A, GATEWAY_MAC, IP_B, GATEWAY_IP, 5000, 53, 10);
        injectAndRun(guestA, length);

        assertEquals(-1, uplink.take(out, 0));
        assertEquals(1, counter(SystemCounter.SPOOFED_SRC_IP));
    }

    @Test
    void shouldDropSpoofedSourceIpEvenToTheSigningIp()
    {
        final int length = FrameBuilder.icmpEchoRequest(frame, MAC_A, SIGNING_MAC, IP_B, SIGNING_IP, 1, 1, 8);
        injectAndRun(guestA, length);

        assertEquals(-1, guestA.take(out, 0));
        assertEquals(1, counter(SystemCounter.SPOOFED_SRC_IP));
    }

    @Test
    void shouldLetDhcpFromTheZeroAddressThrough()
    {
        final int length = FrameBuilder.udp(frame, MAC_A, MacAddress.BROADCAST, 0, -1, 68, 67, 300);
        injectAndRun(guestA, length);

        assertEquals(length, uplink.take(out, 0));
    }

    @Test
    void shouldDropTheZeroSourceAddressForAnythingButDhcp()
    {
        injectAndRun(guestA, FrameBuilder.udp(frame, MAC_A, GATEWAY_MAC, 0, GATEWAY_IP, 5000, 53, 10));
        injectAndRun(guestA, FrameBuilder.icmpEchoRequest(frame, MAC_A, SIGNING_MAC, 0, SIGNING_IP, 1, 1, 8));

        assertEquals(-1, uplink.take(out, 0));
        assertEquals(-1, guestA.take(out, 0));
        assertEquals(2, counter(SystemCounter.SPOOFED_SRC_IP));
    }

    @Test
    void shouldDropAndCountArpWhoseSenderIsNotTheInstance()
    {
        injectAndRun(guestA, FrameBuilder.arpRequest(frame, MAC_A, IP_B, GATEWAY_IP));
        assertEquals(-1, uplink.take(out, 0));
        assertEquals(1, counter(SystemCounter.SPOOFED_ARP));

        // Ethernet source is right but the ARP sender MAC is another guest's.
        final int length = FrameBuilder.arpRequest(frame, MAC_B, IP_A, GATEWAY_IP);
        MacAddress.write(frame, 6, MAC_A);
        injectAndRun(guestA, length);
        assertEquals(-1, uplink.take(out, 0));
        assertEquals(2, counter(SystemCounter.SPOOFED_ARP));
    }

    @Test
    void shouldForwardOrdinaryArpToTheUplink()
    {
        final int length = FrameBuilder.arpRequest(frame, MAC_A, IP_A, GATEWAY_IP);
        injectAndRun(guestA, length);
        assertEquals(length, uplink.take(out, 0));
    }

    @Test
    void shouldDeliverUplinkUnicastOnlyToTheGuestThatOwnsTheMac()
    {
        final int length = FrameBuilder.udp(frame, GATEWAY_MAC, MAC_B, GATEWAY_IP, IP_B, 53, 5000, 20);
        injectAndRun(uplink, length);

        assertEquals(length, guestB.take(out, 0));
        assertEquals(-1, guestA.take(out, 0), "a guest never receives unicast meant for another");
    }

    @Test
    void shouldDropAndCountUplinkUnicastForAnUnknownMac()
    {
        final int length = FrameBuilder.udp(
            frame, GATEWAY_MAC, MacAddress.parse("52:54:00:00:00:77"), GATEWAY_IP, IP_B, 53, 5000, 20);
        injectAndRun(uplink, length);

        assertEquals(-1, guestA.take(out, 0));
        assertEquals(-1, guestB.take(out, 0));
        assertEquals(1, counter(SystemCounter.UPLINK_UNKNOWN_DESTINATION));
    }

    @Test
    void shouldFloodUplinkBroadcastAndMulticastToEveryGuest()
    {
        final int length = FrameBuilder.arpRequest(frame, GATEWAY_MAC, GATEWAY_IP, IP_A);
        injectAndRun(uplink, length);
        assertEquals(length, guestA.take(out, 0));
        assertEquals(length, guestB.take(out, 0));

        final int multicast = FrameBuilder.udp(
            frame, GATEWAY_MAC, MacAddress.parse("01:00:5e:00:00:fb"), GATEWAY_IP, Ipv4Address.parse("224.0.0.251"),
            5353, 5353, 10);
        injectAndRun(uplink, multicast);
        assertEquals(multicast, guestA.take(out, 0));
        assertEquals(multicast, guestB.take(out, 0));
    }

    @Test
    void shouldResetTcpToAClosedPortOfTheSigningIp()
    {
        final int length = FrameBuilder.tcpSyn(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 40000, 81, 1000, 64240, 1);
        injectAndRun(guestA, length);

        final int replyLength = guestA.take(out, 0);
        assertEquals(54, replyLength);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(out, 14, replyLength - 14);
        final TcpFlyweight tcp = new TcpFlyweight().wrap(out, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, tcp.validate(SIGNING_IP, IP_A, true));
        assertEquals(TcpFlyweight.RST | TcpFlyweight.ACK, tcp.flags());
        assertEquals(1001, tcp.acknowledgment());
        assertEquals(81, tcp.sourcePort());
        assertEquals(40000, tcp.destinationPort());
        assertEquals(1, counter(SystemCounter.TCP_RST_SENT));
    }

    @Test
    void shouldDropAndCountWhatTheSigningIpDoesNotServe()
    {
        injectAndRun(guestA, FrameBuilder.udp(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 5000, 80, 10));
        assertEquals(1, counter(SystemCounter.SIGNING_IP_UNSUPPORTED_PROTOCOL));

        final int fragment = FrameBuilder.icmpEchoRequest(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 1, 1, 8);
        new Ipv4Flyweight().wrap(frame, 14, fragment - 14)
            .flagsAndFragmentOffset(Ipv4Flyweight.FLAG_MORE_FRAGMENTS).computeChecksum();
        injectAndRun(guestA, fragment);
        assertEquals(1, counter(SystemCounter.SIGNING_IP_FRAGMENTS));

        final int badChecksum = FrameBuilder.icmpEchoRequest(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 1, 1, 8);
        frame.putByte(14 + 10, (byte)(frame.getByte(14 + 10) ^ 0x55));
        injectAndRun(guestA, badChecksum);
        assertEquals(1, counter(SystemCounter.SIGNING_IP_BAD_CHECKSUM));

        assertEquals(-1, guestA.take(out, 0), "nothing is answered");
        assertEquals(-1, uplink.take(out, 0), "nothing for the signing IP leaks to the uplink");
    }

    @Test
    void shouldPassVlanTaggedFramesUninspected()
    {
        final int length = FrameBuilder.udp(frame, MAC_A, GATEWAY_MAC, IP_A, SIGNING_IP, 5000, 80, 10);
        frame.putShort(12, (short)EthernetFlyweight.ETHERTYPE_VLAN, java.nio.ByteOrder.BIG_ENDIAN);
        injectAndRun(guestA, length);

        assertEquals(length, uplink.take(out, 0));
        assertEquals(1, counter(SystemCounter.VLAN_PASSED));
    }

    @Test
    void shouldCountRuntFrames()
    {
        injectAndRun(guestA, 10);
        assertEquals(1, counter(SystemCounter.INVALID_FRAMES));
    }

    @Test
    void shouldCountFramesAndBytesPerPort()
    {
        final int length = FrameBuilder.udp(frame, MAC_A, GATEWAY_MAC, IP_A, GATEWAY_IP, 5000, 53, 100);
        injectAndRun(guestA, length);
        injectAndRun(guestA, length);

        assertEquals(2, counterByLabel("port memory:a rx-frames"));
        assertEquals(2L * length, counterByLabel("port memory:a rx-bytes"));
        assertEquals(2, counterByLabel("port memory:uplink tx-frames"));
    }

    private void injectAndRun(final MemoryPort port, final int length)
    {
        assertTrue(port.inject(frame, 0, length));
        dataplane.invoker().invoke();
    }

    private long counter(final SystemCounter counter)
    {
        return countersFile.reader().getCounterValue(counter.id());
    }

    private long counterByLabel(final String label)
    {
        final CountersReader reader = countersFile.reader();
        final long[] value = { -1 };
        reader.forEach((id, typeId, key, l) ->
        {
            if (l.equals(label))
            {
                value[0] = reader.getCounterValue(id);
            }
        });
        return value[0];
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
