package io.vnicsigner.dataplane.frame;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over a UDP datagram (RFC 768). The datagram is bounded by its length field; a checksum
 * field of 0 means the sender computed none.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Length             |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Data ...
 *  +-+-+-+-+-
 * </pre>
 */
public final class UdpFlyweight
{
    public static final int HEADER_LENGTH = 8;

    private static final int SOURCE_PORT_OFFSET = 0;
    private static final int DESTINATION_PORT_OFFSET = 2;
    private static final int LENGTH_OFFSET = 4;
    private static final int CHECKSUM_OFFSET = 6;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * Wraps a datagram.
     *
     * @param buffer holding the datagram.
     * @param offset of the datagram's first byte.
     * @param length bytes available, normally the IPv4 payload length.
     * @return this for chaining.
     */
    public UdpFlyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Checks the length field and, optionally, the checksum over {@link #udpLength()} bytes.
     *
     * @param srcIp          IPv4 source, for the pseudo-header.
     * @param dstIp          IPv4 destination, for the pseudo-header.
     * @param verifyChecksum whether to check a non-zero checksum.
     * @return {@link FrameError#OK}, {@link FrameError#TRUNCATED}, {@link FrameError#UDP_BAD_LENGTH} or
     * {@link FrameError#UDP_BAD_CHECKSUM}.
     */
    public int validate(final int srcIp, final int dstIp, final boolean verifyChecksum)
    {
        if (length < HEADER_LENGTH)
        {
            return FrameError.TRUNCATED;
        }
        final int udpLength = udpLength();
        if (udpLength < HEADER_LENGTH || udpLength > length)
        {
            return FrameError.UDP_BAD_LENGTH;
        }
        if (verifyChecksum && checksum() != 0)
        {
            if (InternetChecksum.finish(checksumSum(srcIp, dstIp, udpLength)) != 0)
            {
                return FrameError.UDP_BAD_CHECKSUM;
            }
        }

        return FrameError.OK;
    }

    /**
     * Computes and writes the checksum over {@link #udpLength()} bytes; a computed 0 is sent as 0xffff
     * because 0 means no checksum.
     *
     * @param srcIp IPv4 source, for the pseudo-header.
     * @param dstIp IPv4 destination, for the pseudo-header.
     * @return this for chaining.
     */
    public UdpFlyweight computeChecksum(final int srcIp, final int dstIp)
    {
        final int udpLength = udpLength();
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        final int checksum = InternetChecksum.finish(checksumSum(srcIp, dstIp, udpLength));
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)(0 == checksum ? 0xFFFF : checksum), BIG_ENDIAN);
        return this;
    }

    public int sourcePort()
    {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public UdpFlyweight sourcePort(final int port)
    {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short)port, BIG_ENDIAN);
        return this;
    }

    public int destinationPort()
    {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public UdpFlyweight destinationPort(final int port)
    {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short)port, BIG_ENDIAN);
        return this;
    }

    /**
     * The length field: header plus data in bytes.
     *
     * @return the UDP length.
     */
    public int udpLength()
    {
        return buffer.getShort(offset + LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public UdpFlyweight udpLength(final int udpLength)
    {
        buffer.putShort(offset + LENGTH_OFFSET, (short)udpLength, BIG_ENDIAN);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public UdpFlyweight checksum(final int checksum)
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    public int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /**
     * Data bytes by the length field.
     *
     * @return udpLength - 8.
     */
    public int payloadLength()
    {
        return udpLength() - HEADER_LENGTH;
    }

    private int checksumSum(final int srcIp, final int dstIp, final int udpLength)
    {
        final int initial = InternetChecksum.pseudoHeaderSum(srcIp, dstIp, Ipv4Flyweight.PROTOCOL_UDP, udpLength);
        return InternetChecksum.sum(buffer, offset, udpLength, initial);
    }
}
