package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;

class UdpFlyweightTest
{
    private static final int SRC_IP = Ipv4Address.parse("10.1.0.7");
    private static final int DST_IP = Ipv4Address.parse("169.254.169.254");
    private static final int UDP_OFFSET = 34;

    private final UdpFlyweight udp = new UdpFlyweight();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);

    @Test
    void shouldBuildDatagramWhoseChecksumMatchesReference()
    {
        final int frameLength = build(37);

        udp.wrap(buffer, UDP_OFFSET, frameLength - UDP_OFFSET);

        assertEquals(FrameError.OK, udp.validate(SRC_IP, DST_IP, true));
        assertEquals(40000, udp.sourcePort());
        assertEquals(53, udp.destinationPort());
        assertEquals(45, udp.udpLength());
        assertEquals(UDP_OFFSET + 8, udp.payloadOffset());
        assertEquals(37, udp.payloadLength());
        final int expected = ReferenceChecksum.expectedTransportChecksum(
            SRC_IP, DST_IP, Ipv4Flyweight.PROTOCOL_UDP, buffer, UDP_OFFSET, 45, 6);
        assertEquals(expected, udp.checksum());
        assertEquals(0, ReferenceChecksum.transportChecksum(SRC_IP, DST_IP, 17, buffer, UDP_OFFSET, 45));
    }

    @Test
    void shouldRejectChecksumUnderWrongPseudoHeader()
    {
        build(10);
        udp.wrap(buffer, UDP_OFFSET, 18);

        assertEquals(FrameError.UDP_BAD_CHECKSUM, udp.validate(SRC_IP + 1, DST_IP, true));
        assertEquals(FrameError.OK, udp.validate(SRC_IP + 1, DST_IP, false));
    }

    @Test
    void shouldAcceptZeroChecksumAsNone()
    {
        build(10);
        udp.wrap(buffer, UDP_OFFSET, 18).checksum(0);

        assertEquals(FrameError.OK, udp.validate(SRC_IP, DST_IP, true));
    }

    @Test
    void shouldSendComputedZeroAsAllOnes()
    {
        build(2);
        udp.wrap(buffer, UDP_OFFSET, 10);
        // With zero data the checksum is the complement of the rest; adding it as data makes the sum
        // 0xffff, which computes to 0.
        buffer.putShort(udp.payloadOffset(), (short)0, BIG_ENDIAN);
        final int checksum = udp.computeChecksum(SRC_IP, DST_IP).checksum();
        buffer.putShort(udp.payloadOffset(), (short)checksum, BIG_ENDIAN);
        assertEquals(0, ReferenceChecksum.expectedTransportChecksum(SRC_IP, DST_IP, 17, buffer, UDP_OFFSET, 10, 6));

        udp.computeChecksum(SRC_IP, DST_IP);

        assertEquals(0xFFFF, udp.checksum());
        assertEquals(FrameError.OK, udp.validate(SRC_IP, DST_IP, true));
    }

    @Test
    void shouldTrimToLengthField()
    {
        final int frameLength = build(3);
        final int padded = FrameBuilder.padToMinimum(buffer, frameLength);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(buffer, 14, padded - 14);
        assertEquals(FrameError.OK, ip.validate(true));

        udp.wrap(buffer, ip.payloadOffset(), ip.payloadLength());

        assertEquals(FrameError.OK, udp.validate(SRC_IP, DST_IP, true));
        assertEquals(3, udp.payloadLength());
    }

    @Test
    void shouldRejectShortDatagram()
    {
        build(0);

        assertEquals(FrameError.TRUNCATED, udp.wrap(buffer, UDP_OFFSET, 7).validate(SRC_IP, DST_IP, false));
    }

    @Test
    void shouldRejectLengthFieldBelowHeaderOrBeyondAvailable()
    {
        build(10);
        udp.wrap(buffer, UDP_OFFSET, 18);

        assertEquals(FrameError.UDP_BAD_LENGTH, udp.udpLength(7).validate(SRC_IP, DST_IP, false));
        assertEquals(FrameError.UDP_BAD_LENGTH, udp.udpLength(19).validate(SRC_IP, DST_IP, false));
        assertEquals(FrameError.OK, udp.udpLength(18).validate(SRC_IP, DST_IP, false));
    }

    private int build(final int payloadLength)
    {
        return FrameBuilder.udp(
            buffer, 0x5254_0000_0007L, 0x5254_0000_00FEL, SRC_IP, DST_IP, 40000, 53, payloadLength);
    }
}
