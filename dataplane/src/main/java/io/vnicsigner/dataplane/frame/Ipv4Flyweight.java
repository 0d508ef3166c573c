package io.vnicsigner.dataplane.frame;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over an IPv4 header (RFC 791). The payload is bounded by the total length, which is how
 * Ethernet padding is trimmed: padding is dropped, not rejected.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |      TOS      |          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |Flags|      Fragment Offset    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      TTL      |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (IHL > 5) ...                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv4Flyweight
{
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;

    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private static final int VERSION_IHL_OFFSET = 0;
    private static final int TOS_OFFSET = 1;
    private static final int TOTAL_LENGTH_OFFSET = 2;
    private static final int IDENTIFICATION_OFFSET = 4;
    private static final int FLAGS_FRAGMENT_OFFSET = 6;
    private static final int TTL_OFFSET = 8;
    private static final int PROTOCOL_OFFSET = 9;
    private static final int CHECKSUM_OFFSET = 10;
    private static final int SOURCE_OFFSET = 12;
    private static final int DESTINATION_OFFSET = 16;

    private static final int VERSION_IHL_NO_OPTIONS = 0x45;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * Wraps a packet.
     *
     * @param buffer holding the packet.
     * @param offset of the header's first byte.
     * @param length bytes available after the Ethernet header, padding included.
     * @return this for chaining.
     */
    public Ipv4Flyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Checks the header; a header whose IHL runs past the available bytes is {@link FrameError#TRUNCATED}.
     *
     * @param verifyChecksum whether to check the header checksum too.
     * @return {@link FrameError#OK}, {@link FrameError#TRUNCATED}, {@link FrameError#IPV4_BAD_VERSION},
     * {@link FrameError#IPV4_BAD_HEADER_LENGTH}, {@link FrameError#IPV4_BAD_TOTAL_LENGTH} or
     * {@link FrameError#IPV4_BAD_CHECKSUM}.
     */
    public int validate(final boolean verifyChecksum)
    {
        if (length < MIN_HEADER_LENGTH)
        {
            return FrameError.TRUNCATED;
        }
        if (version() != 4)
        {
            return FrameError.IPV4_BAD_VERSION;
        }
        final int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH)
        {
            return FrameError.IPV4_BAD_HEADER_LENGTH;
        }
        if (headerLength > length)
        {
            return FrameError.TRUNCATED;
        }
        final int totalLength = totalLength();
        if (totalLength < headerLength || totalLength > length)
        {
            return FrameError.IPV4_BAD_TOTAL_LENGTH;
        }
        if (verifyChecksum && InternetChecksum.finish(InternetChecksum.sum(buffer, offset, headerLength, 0)) != 0)
        {
            return FrameError.IPV4_BAD_CHECKSUM;
        }

        return FrameError.OK;
    }

    /**
     * Writes a 20-byte header with DF set, TOS 0 and a correct checksum.
     *
     * @param buffer         to write to.
     * @param offset         of the header's first byte.
     * @param totalLength    header plus payload in bytes.
     * @param identification the identification field.
     * @param ttl            time to live.
     * @param protocol       payload protocol.
     * @param src            source address.
     * @param dst            destination address.
     */
    public static void writeHeader(
        final MutableDirectBuffer buffer,
        final int offset,
        final int totalLength,
        final int identification,
        final int ttl,
        final int protocol,
        final int src,
        final int dst)
    {
        buffer.putByte(offset + VERSION_IHL_OFFSET, (byte)VERSION_IHL_NO_OPTIONS);
        buffer.putByte(offset + TOS_OFFSET, (byte)0);
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, BIG_ENDIAN);
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short)identification, BIG_ENDIAN);
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)FLAG_DONT_FRAGMENT, BIG_ENDIAN);
        buffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        buffer.putInt(offset + SOURCE_OFFSET, src, BIG_ENDIAN);
        buffer.putInt(offset + DESTINATION_OFFSET, dst, BIG_ENDIAN);

        final int checksum = InternetChecksum.finish(InternetChecksum.sum(buffer, offset, MIN_HEADER_LENGTH, 0));
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
    }

    /**
     * Recomputes and writes the header checksum over {@link #headerLength()} bytes.
     *
     * @return this for chaining.
     */
    public Ipv4Flyweight computeChecksum()
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        final int checksum = InternetChecksum.finish(InternetChecksum.sum(buffer, offset, headerLength(), 0));
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int length()
    {
        return length;
    }

    public int version()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) >>> 4) & 0xF;
    }

    /**
     * Header length from the IHL field.
     *
     * @return the header length in bytes.
     */
    public int headerLength()
    {
        return (buffer.getByte(offset + VERSION_IHL_OFFSET) & 0xF) << 2;
    }

    public int tos()
    {
        return buffer.getByte(offset + TOS_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight tos(final int tos)
    {
        buffer.putByte(offset + TOS_OFFSET, (byte)tos);
        return this;
    }

    public int totalLength()
    {
        return buffer.getShort(offset + TOTAL_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight totalLength(final int totalLength)
    {
        buffer.putShort(offset + TOTAL_LENGTH_OFFSET, (short)totalLength, BIG_ENDIAN);
        return this;
    }

    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight identification(final int identification)
    {
        buffer.putShort(offset + IDENTIFICATION_OFFSET, (short)identification, BIG_ENDIAN);
        return this;
    }

    /**
     * The flags (top 3 bits) and fragment offset in 8-byte units (low 13 bits).
     *
     * @return the raw 16-bit field.
     */
    public int flagsAndFragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight flagsAndFragmentOffset(final int value)
    {
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)value, BIG_ENDIAN);
        return this;
    }

    /**
     * Whether this packet is part of a fragmented datagram: more-fragments set or a non-zero offset.
     *
     * @return true for a fragment.
     */
    public boolean isFragment()
    {
        return (flagsAndFragmentOffset() & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl()
    {
        return buffer.getByte(offset + TTL_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight ttl(final int ttl)
    {
        buffer.putByte(offset + TTL_OFFSET, (byte)ttl);
        return this;
    }

    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public Ipv4Flyweight protocol(final int protocol)
    {
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    public int headerChecksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Flyweight headerChecksum(final int checksum)
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    public int source()
    {
        return buffer.getInt(offset + SOURCE_OFFSET, BIG_ENDIAN);
    }

    public Ipv4Flyweight source(final int address)
    {
        buffer.putInt(offset + SOURCE_OFFSET, address, BIG_ENDIAN);
        return this;
    }

    public int destination()
    {
        return buffer.getInt(offset + DESTINATION_OFFSET, BIG_ENDIAN);
    }

    public Ipv4Flyweight destination(final int address)
    {
        buffer.putInt(offset + DESTINATION_OFFSET, address, BIG_ENDIAN);
        return this;
    }

    /**
     * Absolute offset in the buffer of the first payload byte.
     *
     * @return offset + {@link #headerLength()}.
     */
    public int payloadOffset()
    {
        return offset + headerLength();
    }

    /**
     * Payload bytes by the total length, so Ethernet padding beyond it is excluded.
     *
     * @return totalLength - headerLength.
     */
    public int payloadLength()
    {
        return totalLength() - headerLength();
    }
}
