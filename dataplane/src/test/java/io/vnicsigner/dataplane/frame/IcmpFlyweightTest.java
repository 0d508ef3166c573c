package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.frame.ReferenceChecksum.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

class IcmpFlyweightTest
{
    /**
     * The echo request Windows ping sends first (identifier 1, sequence 1, 32 bytes of a..w a..i),
     * whose checksum on the wire is 4d5a.
     */
    private static final String WINDOWS_ECHO_REQUEST =
        "08 00 4d5a 0001 0001" + "6162636465666768696a6b6c6d6e6f7071727374757677616263646566676869";

    private final IcmpFlyweight icmp = new IcmpFlyweight();

    @Test
    void shouldReadEchoRequestAndAcceptItsChecksum()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex(WINDOWS_ECHO_REQUEST));

        icmp.wrap(buffer, 0, 40);

        assertEquals(FrameError.OK, icmp.validate(true));
        assertEquals(IcmpFlyweight.TYPE_ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(0x4d5a, icmp.checksum());
        assertEquals(1, icmp.identifier());
        assertEquals(1, icmp.sequence());
        assertEquals(8, icmp.payloadOffset());
        assertEquals(32, icmp.payloadLength());
    }

    @Test
    void shouldRecomputeChecksumOfEchoReply()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex(WINDOWS_ECHO_REQUEST));
        icmp.wrap(buffer, 0, 40).type(IcmpFlyweight.TYPE_ECHO_REPLY);
        assertEquals(FrameError.ICMP_BAD_CHECKSUM, icmp.validate(true));

        icmp.computeChecksum();

        // Type drops by 8 in the high byte, so the checksum rises by 0x0800.
        assertEquals(0x555a, icmp.checksum());
        assertEquals(ReferenceChecksum.checksum(hex("0000 0000 0001 0001" + WINDOWS_ECHO_REQUEST.substring(20))),
            icmp.checksum());
        assertEquals(FrameError.OK, icmp.validate(true));
    }

    @Test
    void shouldChecksumOddLengthMessage()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int frameLength = FrameBuilder.icmpEchoRequest(
            buffer, 0x5254_0000_0001L, 0x5254_0000_0002L, 0x0a000001, 0x0a000002, 0x1234, 7, 5);
        final int icmpOffset = 34;
        final int icmpLength = frameLength - icmpOffset;
        assertEquals(13, icmpLength);

        icmp.wrap(buffer, icmpOffset, icmpLength);

        assertEquals(FrameError.OK, icmp.validate(true));
        final byte[] zeroed = new byte[icmpLength];
        buffer.getBytes(icmpOffset, zeroed);
        zeroed[2] = 0;
        zeroed[3] = 0;
        assertEquals(ReferenceChecksum.checksum(zeroed), icmp.checksum());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(7, icmp.sequence());
        assertEquals(FrameBuilder.payloadByte(4), buffer.getByte(icmp.payloadOffset() + 4));
    }

    @Test
    void shouldRejectShortMessage()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex(WINDOWS_ECHO_REQUEST));

        assertEquals(FrameError.TRUNCATED, icmp.wrap(buffer, 0, 7).validate(false));
    }

    @Test
    void shouldRejectCorruptPayloadOnlyWhenAsked()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex(WINDOWS_ECHO_REQUEST));
        buffer.putByte(39, (byte)'j');
        icmp.wrap(buffer, 0, 40);

        assertEquals(FrameError.ICMP_BAD_CHECKSUM, icmp.validate(true));
        assertEquals(FrameError.OK, icmp.validate(false));
    }
}
