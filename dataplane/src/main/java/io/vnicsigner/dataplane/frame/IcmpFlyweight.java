package io.vnicsigner.dataplane.frame;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over an ICMP message (RFC 792); identifier and sequence are meaningful for echo messages.
 * The checksum covers the whole wrapped length.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Identifier          |        Sequence Number        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Data ...
 *  +-+-+-+-+-
 * </pre>
 */
public final class IcmpFlyweight
{
    public static final int HEADER_LENGTH = 8;
    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_ECHO_REQUEST = 8;

    private static final int TYPE_OFFSET = 0;
    private static final int CODE_OFFSET = 1;
    private static final int CHECKSUM_OFFSET = 2;
    private static final int IDENTIFIER_OFFSET = 4;
    private static final int SEQUENCE_OFFSET = 6;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * Wraps a message.
     *
     * @param buffer holding the message.
     * @param offset of the message's first byte.
     * @param length of the message, normally the IPv4 payload length.
     * @return this for chaining.
     */
    public IcmpFlyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Checks the header is present and, optionally, the checksum over the wrapped length.
     *
     * @param verifyChecksum whether to check the checksum.
     * @return {@link FrameError#OK}, {@link FrameError#TRUNCATED} or {@link FrameError#ICMP_BAD_CHECKSUM}.
     */
    public int validate(final boolean verifyChecksum)
    {
        if (length < HEADER_LENGTH)
        {
            return FrameError.TRUNCATED;
        }
        if (verifyChecksum && InternetChecksum.finish(InternetChecksum.sum(buffer, offset, length, 0)) != 0)
        {
            return FrameError.ICMP_BAD_CHECKSUM;
        }

        return FrameError.OK;
    }

    /**
     * Computes and writes the checksum over the whole wrapped length.
     *
     * @return this for chaining.
     */
    public IcmpFlyweight computeChecksum()
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        final int checksum = InternetChecksum.finish(InternetChecksum.sum(buffer, offset, length, 0));
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    public int length()
    {
        return length;
    }

    public int type()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public IcmpFlyweight type(final int type)
    {
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
        return this;
    }

    public int code()
    {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    public IcmpFlyweight code(final int code)
    {
        buffer.putByte(offset + CODE_OFFSET, (byte)code);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public IcmpFlyweight checksum(final int checksum)
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    public int identifier()
    {
        return buffer.getShort(offset + IDENTIFIER_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public IcmpFlyweight identifier(final int identifier)
    {
        buffer.putShort(offset + IDENTIFIER_OFFSET, (short)identifier, BIG_ENDIAN);
        return this;
    }

    public int sequence()
    {
        return buffer.getShort(offset + SEQUENCE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public IcmpFlyweight sequence(final int sequence)
    {
        buffer.putShort(offset + SEQUENCE_OFFSET, (short)sequence, BIG_ENDIAN);
        return this;
    }

    public int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    public int payloadLength()
    {
        return length - HEADER_LENGTH;
    }
}
