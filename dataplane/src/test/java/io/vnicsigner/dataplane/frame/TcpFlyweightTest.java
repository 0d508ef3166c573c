package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.vnicsigner.dataplane.frame.ReferenceChecksum.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpFlyweightTest
{
    private static final long GUEST_MAC = 0x5254_0000_0007L;
    private static final long GATEWAY_MAC = 0x5254_00FF_0001L;
    private static final int SRC_IP = Ipv4Address.parse("10.1.0.7");
    private static final int DST_IP = Ipv4Address.parse("169.254.169.250");
    private static final int TCP_OFFSET = 34;

    private final TcpFlyweight tcp = new TcpFlyweight();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);

    @Test
    void shouldBuildSynWithLinuxOptionsAndReferenceChecksum()
    {
        final int frameLength = FrameBuilder.tcpSyn(
            buffer, GUEST_MAC, GATEWAY_MAC, SRC_IP, DST_IP, 43210, 80, 0xF000_0001, 64240, 0x0A0B0C0D);
        assertEquals(74, frameLength);

        tcp.wrap(buffer, TCP_OFFSET, frameLength - TCP_OFFSET);

        assertEquals(FrameError.OK, tcp.validate(SRC_IP, DST_IP, true));
        assertEquals(43210, tcp.sourcePort());
        assertEquals(80, tcp.destinationPort());
        assertEquals(0xF000_0001, tcp.sequence());
        assertEquals(0, tcp.acknowledgment());
        assertEquals(TcpFlyweight.SYN, tcp.flags());
        assertEquals(64240, tcp.window());
        assertEquals(0, tcp.urgentPointer());
        assertEquals(40, tcp.headerLength());
        assertEquals(TCP_OFFSET + 40, tcp.payloadOffset());
        assertEquals(0, tcp.payloadLength());
        assertEquals(1460, tcp.mssOption());
        assertEquals(7, tcp.windowScaleOption());
        assertTrue(tcp.sackPermittedOption());
        assertTrue(tcp.hasTimestamps());
        assertEquals(0x0A0B0C0D, tcp.tsVal());
        assertEquals(0, tcp.tsEcr());

        final byte[] options = Arrays.copyOfRange(buffer.byteArray(), TCP_OFFSET + 20, TCP_OFFSET + 40);
        assertArrayEquals(hex("020405b4 0402 080a 0a0b0c0d 00000000 01 030307"), options);
        assertEquals(
            ReferenceChecksum.expectedTransportChecksum(SRC_IP, DST_IP, 6, buffer, TCP_OFFSET, 40, 16),
            tcp.checksum());
    }

    @Test
    void shouldChecksumOddLengthPayloadLikeReference()
    {
        final UnsafeBuffer payload = new UnsafeBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        final int frameLength = FrameBuilder.tcp(
            buffer, GUEST_MAC, GATEWAY_MAC, SRC_IP, DST_IP, 43210, 80, 1001, 5001,
            TcpFlyweight.PSH | TcpFlyweight.ACK, 502, payload, 0, payload.capacity());
        final int tcpLength = frameLength - TCP_OFFSET;
        assertEquals(1, payload.capacity() & 1);

        tcp.wrap(buffer, TCP_OFFSET, tcpLength);

        assertEquals(FrameError.OK, tcp.validate(SRC_IP, DST_IP, true));
        assertEquals(
            ReferenceChecksum.expectedTransportChecksum(SRC_IP, DST_IP, 6, buffer, TCP_OFFSET, tcpLength, 16),
            tcp.checksum());
        assertEquals(payload.capacity(), tcp.payloadLength());
        assertEquals('G', buffer.getByte(tcp.payloadOffset()));
        assertEquals(-1, tcp.mssOption());
        assertFalse(tcp.hasTimestamps());
    }

    @Test
    void shouldTrimPaddingThroughIpTotalLength()
    {
        final int frameLength = FrameBuilder.tcp(
            buffer, GUEST_MAC, GATEWAY_MAC, SRC_IP, DST_IP, 43210, 80, 1, 1, TcpFlyweight.ACK, 502, buffer, 0, 0);
        assertEquals(54, frameLength);
        final int padded = FrameBuilder.padToMinimum(buffer, frameLength);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(buffer, 14, padded - 14);
        assertEquals(FrameError.OK, ip.validate(true));

        tcp.wrap(buffer, ip.payloadOffset(), ip.payloadLength());

        assertEquals(FrameError.OK, tcp.validate(ip.source(), ip.destination(), true));
        assertEquals(0, tcp.payloadLength());
    }

    @Test
    void shouldRejectCorruptedSegmentOnlyWhenAsked()
    {
        final int frameLength = FrameBuilder.tcpSyn(
            buffer, GUEST_MAC, GATEWAY_MAC, SRC_IP, DST_IP, 43210, 80, 1, 64240, 1);
        tcp.wrap(buffer, TCP_OFFSET, frameLength - TCP_OFFSET).window(1000);

        assertEquals(FrameError.TCP_BAD_CHECKSUM, tcp.validate(SRC_IP, DST_IP, true));
        assertEquals(FrameError.OK, tcp.validate(SRC_IP, DST_IP, false));
        assertEquals(FrameError.OK, tcp.computeChecksum(SRC_IP, DST_IP).validate(SRC_IP, DST_IP, true));
        assertEquals(FrameError.TCP_BAD_CHECKSUM, tcp.validate(SRC_IP, DST_IP + 1, true));
    }

    @Test
    void shouldRejectShortSegment()
    {
        TcpFlyweight.writeHeader(buffer, 0, 1, 2, 3, 4, TcpFlyweight.ACK, 5);

        assertEquals(FrameError.TRUNCATED, tcp.wrap(buffer, 0, 19).validate(0, 0, false));
        assertEquals(FrameError.OK, tcp.wrap(buffer, 0, 20).validate(0, 0, false));
    }

    @Test
    void shouldRejectDataOffsetBelowFiveOrPastSegment()
    {
        TcpFlyweight.writeHeader(buffer, 0, 1, 2, 3, 4, TcpFlyweight.ACK, 5);
        tcp.wrap(buffer, 0, 24);

        assertEquals(FrameError.TCP_BAD_DATA_OFFSET, tcp.setHeaderLength(16).validate(0, 0, false));
        assertEquals(FrameError.TCP_BAD_DATA_OFFSET, tcp.setHeaderLength(28).validate(0, 0, false));
        assertEquals(FrameError.OK, tcp.setHeaderLength(24).validate(0, 0, false));
    }

    @Test
    void shouldStopAtEndOfOptionList()
    {
        assertEquals(FrameError.OK, parse("01 01 00 02 04 05b4 00"));

        assertEquals(-1, tcp.mssOption());
    }

    @Test
    void shouldSkipUnknownAndSackOptions()
    {
        assertEquals(FrameError.OK, parse("fe 04 abcd 05 0a 00000001 00000002 02 04 0218 03 03 02 00"));

        assertEquals(0x218, tcp.mssOption());
        assertEquals(2, tcp.windowScaleOption());
        assertFalse(tcp.sackPermittedOption());
        assertFalse(tcp.hasTimestamps());
    }

    @Test
    void shouldReadTimestampsAfterNops()
    {
        assertEquals(FrameError.OK, parse("01 01 080a fffffffe 12345678"));

        assertTrue(tcp.hasTimestamps());
        assertEquals(0xFFFF_FFFE, tcp.tsVal());
        assertEquals(0x1234_5678, tcp.tsEcr());
        assertEquals(-1, tcp.windowScaleOption());
    }

    @Test
    void shouldCapWindowScaleAtFourteen()
    {
        assertEquals(FrameError.OK, parse("03 03 0f 01"));

        assertEquals(TcpFlyweight.MAX_WINDOW_SCALE, tcp.windowScaleOption());
    }

    @Test
    void shouldRejectOptionLengthZeroOrOne()
    {
        assertEquals(FrameError.TCP_BAD_OPTIONS, parse("02 00 05b4"));
        assertEquals(FrameError.TCP_BAD_OPTIONS, parse("fe 01 0000"));
    }

    @Test
    void shouldRejectOptionRunningPastHeader()
    {
        assertEquals(FrameError.TCP_BAD_OPTIONS, parse("01 01 080a 00000000"));
        assertEquals(FrameError.TCP_BAD_OPTIONS, parse("01 01 01 02"));
    }

    @Test
    void shouldRejectKnownOptionWithWrongLength()
    {
        assertEquals(FrameError.TCP_BAD_OPTIONS, parse("02 03 05 01"));
        assertEquals(FrameError.TCP_BAD_OPTIONS, parse("03 04 07 00"));
        assertEquals(FrameError.TCP_BAD_OPTIONS, parse("04 03 00 01"));
        assertEquals(FrameError.TCP_BAD_OPTIONS, parse("08 08 00000000 0000"));
    }

    @Test
    void shouldReportBadOptionsFromValidate()
    {
        parse("02 00 05b4");
        tcp.computeChecksum(SRC_IP, DST_IP);

        assertEquals(FrameError.TCP_BAD_OPTIONS, tcp.validate(SRC_IP, DST_IP, true));
    }

    @Test
    void shouldForgetOptionsOfPreviousSegmentOnWrap()
    {
        final int frameLength = FrameBuilder.tcpSyn(
            buffer, GUEST_MAC, GATEWAY_MAC, SRC_IP, DST_IP, 43210, 80, 1, 64240, 1);
        tcp.wrap(buffer, TCP_OFFSET, frameLength - TCP_OFFSET).parseOptions();
        assertEquals(1460, tcp.mssOption());

        tcp.wrap(buffer, TCP_OFFSET, frameLength - TCP_OFFSET);

        assertEquals(-1, tcp.mssOption());
        assertEquals(-1, tcp.windowScaleOption());
        assertFalse(tcp.sackPermittedOption());
        assertFalse(tcp.hasTimestamps());
    }

    @Test
    void shouldWriteFixedFieldsInNetworkOrder()
    {
        final UnsafeBuffer segment = new UnsafeBuffer(new byte[20]);
        assertEquals(20, TcpFlyweight.writeHeader(segment, 0, 0, 0, 0, 0, 0, 0));

        tcp.wrap(segment, 0, 20)
            .sourcePort(0x1234)
            .destinationPort(80)
            .sequence(0xFFFF_FFF0)
            .acknowledgment(0x8000_0000)
            .flags(TcpFlyweight.CWR | TcpFlyweight.ECE | TcpFlyweight.URG | TcpFlyweight.FIN)
            .window(0xFFFF)
            .urgentPointer(3)
            .checksum(0xBEEF);

        assertArrayEquals(hex("1234 0050 fffffff0 80000000 50 e1 ffff beef 0003"), segment.byteArray());
        assertEquals(-16, tcp.sequence());
        assertEquals(Integer.MIN_VALUE, tcp.acknowledgment());
        assertEquals(0xE1, tcp.flags());
        assertEquals(0xFFFF, tcp.window());
        assertEquals(3, tcp.urgentPointer());
    }

    @Test
    void shouldPadOptionsToWordBoundaryWithNops()
    {
        final UnsafeBuffer options = new UnsafeBuffer(new byte[8]);
        int at = TcpFlyweight.writeWindowScaleOption(options, 0, 5);
        at += TcpFlyweight.writeNopPadding(options, at, at);
        assertEquals(4, at);
        assertEquals(0, TcpFlyweight.writeNopPadding(options, at, at));
        at += TcpFlyweight.writeSackPermittedOption(options, at);
        at += TcpFlyweight.writeNopPadding(options, at, at);

        assertEquals(8, at);
        assertArrayEquals(hex("030305 01 0402 0101"), options.byteArray());
    }

    /**
     * Writes a header at offset 34 with the given options, padded with EOL to a whole word, wraps it
     * and parses the options.
     */
    private int parse(final String optionsHex)
    {
        final byte[] options = hex(optionsHex);
        final int optionsLength = (options.length + 3) & ~3;
        TcpFlyweight.writeHeader(buffer, TCP_OFFSET, 1, 2, 3, 4, TcpFlyweight.SYN, 5);
        buffer.setMemory(TCP_OFFSET + 20, optionsLength, (byte)0);
        buffer.putBytes(TCP_OFFSET + 20, options);
        tcp.wrap(buffer, TCP_OFFSET, 20 + optionsLength).setHeaderLength(20 + optionsLength);
        return tcp.parseOptions();
    }
}
