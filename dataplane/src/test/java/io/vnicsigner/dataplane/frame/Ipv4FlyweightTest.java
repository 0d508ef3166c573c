package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.frame.ReferenceChecksum.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4FlyweightTest
{
    /**
     * The widely used example header (UDP, 192.168.0.1 to 192.168.0.199) whose checksum is b861.
     */
    private static final String EXAMPLE_HEADER = "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7";

    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    @Test
    void shouldReadExampleHeaderAndAcceptItsChecksum()
    {
        final UnsafeBuffer buffer = withPayload(EXAMPLE_HEADER, 0x73 - 20);

        ip.wrap(buffer, 0, 0x73);

        assertEquals(FrameError.OK, ip.validate(true));
        assertEquals(4, ip.version());
        assertEquals(20, ip.headerLength());
        assertEquals(0, ip.tos());
        assertEquals(0x73, ip.totalLength());
        assertEquals(0, ip.identification());
        assertEquals(Ipv4Flyweight.FLAG_DONT_FRAGMENT, ip.flagsAndFragmentOffset());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(Ipv4Flyweight.PROTOCOL_UDP, ip.protocol());
        assertEquals(0xb861, ip.headerChecksum());
        assertEquals(Ipv4Address.parse("192.168.0.1"), ip.source());
        assertEquals(Ipv4Address.parse("192.168.0.199"), ip.destination());
        assertEquals(20, ip.payloadOffset());
        assertEquals(0x73 - 20, ip.payloadLength());
    }

    @Test
    void shouldRecomputeExampleChecksum()
    {
        final UnsafeBuffer buffer = withPayload(EXAMPLE_HEADER, 0);
        ip.wrap(buffer, 0, 20).headerChecksum(0x1234);
        assertEquals(FrameError.IPV4_BAD_CHECKSUM, ip.totalLength(20).validate(true));
        ip.totalLength(0x73);

        ip.computeChecksum();

        assertEquals(0xb861, ip.headerChecksum());
    }

    @Test
    void shouldWriteHeaderWithDontFragmentAndChecksum()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[22]);

        Ipv4Flyweight.writeHeader(
            buffer, 2, 0x73, 0, 64, Ipv4Flyweight.PROTOCOL_UDP,
            Ipv4Address.parse("192.168.0.1"), Ipv4Address.parse("192.168.0.199"));

        final byte[] expected = hex("0000" + EXAMPLE_HEADER);
        assertArrayEquals(expected, buffer.byteArray());
        assertEquals(0, ReferenceChecksum.checksum(buffer, 2, 20));
    }

    @Test
    void shouldTrimEthernetPaddingToTotalLength()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int unpadded = FrameBuilder.icmpEchoRequest(
            buffer, 0x5254_0000_0001L, 0x5254_0000_0002L, Ipv4Address.parse("10.0.0.1"),
            Ipv4Address.parse("10.0.0.2"), 1, 1, 4);
        assertEquals(46, unpadded);
        final int frameLength = FrameBuilder.padToMinimum(buffer, unpadded);
        assertEquals(60, frameLength);
        final EthernetFlyweight ethernet = new EthernetFlyweight().wrap(buffer, 0, frameLength);

        ip.wrap(buffer, ethernet.payloadOffset(), ethernet.payloadLength());

        assertEquals(FrameError.OK, ip.validate(true));
        assertEquals(46, ethernet.payloadLength());
        assertEquals(32, ip.totalLength());
        assertEquals(12, ip.payloadLength());
        final IcmpFlyweight icmp = new IcmpFlyweight().wrap(buffer, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, icmp.validate(true));
    }

    @Test
    void shouldDetectFragments()
    {
        final UnsafeBuffer buffer = withPayload(EXAMPLE_HEADER, 0);
        ip.wrap(buffer, 0, 20);

        assertTrue(ip.flagsAndFragmentOffset(Ipv4Flyweight.FLAG_MORE_FRAGMENTS).isFragment());
        assertTrue(ip.flagsAndFragmentOffset(185).isFragment());
        assertTrue(ip.flagsAndFragmentOffset(Ipv4Flyweight.FLAG_DONT_FRAGMENT | 1).isFragment());
        assertFalse(ip.flagsAndFragmentOffset(0).isFragment());
    }

    @Test
    void shouldRejectFewerThanTwentyBytes()
    {
        final UnsafeBuffer buffer = withPayload(EXAMPLE_HEADER, 0);

        assertEquals(FrameError.TRUNCATED, ip.wrap(buffer, 0, 19).validate(false));
    }

    @Test
    void shouldRejectVersionOtherThanFour()
    {
        final UnsafeBuffer buffer = withPayload("6500" + EXAMPLE_HEADER.substring(4), 0x73 - 20);

        assertEquals(FrameError.IPV4_BAD_VERSION, ip.wrap(buffer, 0, 0x73).validate(false));
    }

    @Test
    void shouldRejectHeaderLengthBelowTwentyBytes()
    {
        final UnsafeBuffer buffer = withPayload("4400" + EXAMPLE_HEADER.substring(4), 0x73 - 20);

        assertEquals(FrameError.IPV4_BAD_HEADER_LENGTH, ip.wrap(buffer, 0, 0x73).validate(false));
    }

    @Test
    void shouldReportTruncatedWhenOptionsRunPastAvailableBytes()
    {
        final UnsafeBuffer buffer = withPayload("4f00 0014" + EXAMPLE_HEADER.substring(9), 20);

        assertEquals(FrameError.TRUNCATED, ip.wrap(buffer, 0, 40).validate(false));
        assertEquals(60, ip.headerLength());
    }

    @Test
    void shouldRejectTotalLengthBeyondAvailableOrBelowHeader()
    {
        final UnsafeBuffer buffer = withPayload(EXAMPLE_HEADER, 0x73 - 20);

        assertEquals(FrameError.IPV4_BAD_TOTAL_LENGTH, ip.wrap(buffer, 0, 0x72).validate(false));
        assertEquals(FrameError.IPV4_BAD_TOTAL_LENGTH, ip.wrap(buffer, 0, 0x73).totalLength(19).validate(false));
    }

    @Test
    void shouldRejectBadChecksumOnlyWhenAsked()
    {
        final UnsafeBuffer buffer = withPayload(EXAMPLE_HEADER, 0x73 - 20);
        ip.wrap(buffer, 0, 0x73).ttl(63);

        assertEquals(FrameError.IPV4_BAD_CHECKSUM, ip.validate(true));
        assertEquals(FrameError.OK, ip.validate(false));
        assertEquals(FrameError.OK, ip.computeChecksum().validate(true));
    }

    @Test
    void shouldCoverOptionsInHeaderLengthAndChecksum()
    {
        // IHL 6: one 4-byte option (NOP NOP NOP EOL) after the fixed header.
        final UnsafeBuffer buffer = withPayload("4600 0018 0000 4000 4006 0000 0a000001 0a000002 01010100", 0);
        ip.wrap(buffer, 0, 24).computeChecksum();

        assertEquals(FrameError.OK, ip.validate(true));
        assertEquals(24, ip.headerLength());
        assertEquals(24, ip.payloadOffset());
        assertEquals(0, ip.payloadLength());
        assertEquals(0, ReferenceChecksum.checksum(buffer, 0, 24));
    }

    @Test
    void shouldWriteMutableFields()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[20]);
        buffer.putByte(0, (byte)0x45);

        ip.wrap(buffer, 0, 20)
            .tos(0x10)
            .totalLength(20)
            .identification(0xabcd)
            .flagsAndFragmentOffset(0x4000)
            .ttl(1)
            .protocol(Ipv4Flyweight.PROTOCOL_TCP)
            .source(0x0a000001)
            .destination(0x0a000002)
            .computeChecksum();

        final byte[] bytes = buffer.byteArray();
        assertArrayEquals(hex("4510 0014 abcd 4000 0106"), java.util.Arrays.copyOf(bytes, 10));
        assertArrayEquals(hex("0a000001 0a000002"), java.util.Arrays.copyOfRange(bytes, 12, 20));
        assertEquals(0, ReferenceChecksum.checksum(bytes));
    }

    private static UnsafeBuffer withPayload(final String header, final int payloadLength)
    {
        final byte[] head = hex(header);
        final byte[] bytes = java.util.Arrays.copyOf(head, head.length + payloadLength);
        return new UnsafeBuffer(bytes);
    }
}
