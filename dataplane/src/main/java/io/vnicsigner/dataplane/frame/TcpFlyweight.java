package io.vnicsigner.dataplane.frame;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over a TCP segment (RFC 9293) with allocation-free parsing of the MSS, window scale,
 * SACK-permitted and timestamps options; other options are skipped by their length.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Acknowledgment Number                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Data |       |C|E|U|A|P|R|S|F|                               |
 *  | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *  |       |       |R|E|G|K|H|T|N|N|                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |         Urgent Pointer        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (Data Offset > 5) ...              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TcpFlyweight
{
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 1;
    public static final int SYN = 2;
    public static final int RST = 4;
    public static final int PSH = 8;
    public static final int ACK = 16;
    public static final int URG = 32;
    public static final int ECE = 64;
    public static final int CWR = 128;

    public static final int OPTION_EOL = 0;
    public static final int OPTION_NOP = 1;
    public static final int OPTION_MSS = 2;
    public static final int OPTION_WINDOW_SCALE = 3;
    public static final int OPTION_SACK_PERMITTED = 4;
    public static final int OPTION_TIMESTAMPS = 8;

    public static final int MSS_OPTION_LENGTH = 4;
    public static final int WINDOW_SCALE_OPTION_LENGTH = 3;
    public static final int SACK_PERMITTED_OPTION_LENGTH = 2;
    public static final int TIMESTAMPS_OPTION_LENGTH = 10;

    /**
     * RFC 7323 section 2.3: a larger shift received is treated as 14.
     */
    public static final int MAX_WINDOW_SCALE = 14;

    private static final int SOURCE_PORT_OFFSET = 0;
    private static final int DESTINATION_PORT_OFFSET = 2;
    private static final int SEQUENCE_OFFSET = 4;
    private static final int ACKNOWLEDGMENT_OFFSET = 8;
    private static final int DATA_OFFSET_OFFSET = 12;
    private static final int FLAGS_OFFSET = 13;
    private static final int WINDOW_OFFSET = 14;
    private static final int CHECKSUM_OFFSET = 16;
    private static final int URGENT_POINTER_OFFSET = 18;
    private static final int OPTIONS_OFFSET = 20;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    private int mssOption = -1;
    private int windowScaleOption = -1;
    private boolean sackPermittedOption;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;

    /**
     * Wraps a segment and forgets options parsed from the previous one.
     *
     * @param buffer holding the segment.
     * @param offset of the segment's first byte.
     * @param length of the segment, normally the IPv4 payload length.
     * @return this for chaining.
     */
    public TcpFlyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        clearOptions();
        return this;
    }

    /**
     * Checks the data offset, optionally the checksum over the wrapped length, then parses the options
     * so their getters are ready.
     *
     * @param srcIp          IPv4 source, for the pseudo-header.
     * @param dstIp          IPv4 destination, for the pseudo-header.
     * @param verifyChecksum whether to check the checksum.
     * @return {@link FrameError#OK}, {@link FrameError#TRUNCATED}, {@link FrameError#TCP_BAD_DATA_OFFSET},
     * {@link FrameError#TCP_BAD_CHECKSUM} or {@link FrameError#TCP_BAD_OPTIONS}.
     */
    public int validate(final int srcIp, final int dstIp, final boolean verifyChecksum)
    {
        if (length < MIN_HEADER_LENGTH)
        {
            return FrameError.TRUNCATED;
        }
        final int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length)
        {
            return FrameError.TCP_BAD_DATA_OFFSET;
        }
        if (verifyChecksum && InternetChecksum.finish(checksumSum(srcIp, dstIp)) != 0)
        {
            return FrameError.TCP_BAD_CHECKSUM;
        }

        return parseOptions();
    }

    /**
     * Parses the options between byte 20 and {@link #headerLength()}, filling the option getters.
     * Unknown options are skipped; EOL ends the list. Call only after the data offset has been checked.
     *
     * @return {@link FrameError#OK} or {@link FrameError#TCP_BAD_OPTIONS} when an option's length is
     * below 2, runs past the header, or does not match its kind.
     */
    public int parseOptions()
    {
        clearOptions();
        final int end = offset + headerLength();
        int i = offset + OPTIONS_OFFSET;

        while (i < end)
        {
            final int kind = buffer.getByte(i) & 0xFF;
            if (OPTION_EOL == kind)
            {
                break;
            }
            if (OPTION_NOP == kind)
            {
                i++;
                continue;
            }
            if (i + 1 >= end)
            {
                return FrameError.TCP_BAD_OPTIONS;
            }
            final int optionLength = buffer.getByte(i + 1) & 0xFF;
            if (optionLength < 2 || i + optionLength > end)
            {
                return FrameError.TCP_BAD_OPTIONS;
            }

            switch (kind)
            {
                case OPTION_MSS:
                    if (MSS_OPTION_LENGTH != optionLength)
                    {
                        return FrameError.TCP_BAD_OPTIONS;
                    }
                    mssOption = buffer.getShort(i + 2, BIG_ENDIAN) & 0xFFFF;
                    break;

                case OPTION_WINDOW_SCALE:
                    if (WINDOW_SCALE_OPTION_LENGTH != optionLength)
                    {
                        return FrameError.TCP_BAD_OPTIONS;
                    }
                    windowScaleOption = Math.min(buffer.getByte(i + 2) & 0xFF, MAX_WINDOW_SCALE);
                    break;

                case OPTION_SACK_PERMITTED:
                    if (SACK_PERMITTED_OPTION_LENGTH != optionLength)
                    {
                        return FrameError.TCP_BAD_OPTIONS;
                    }
                    sackPermittedOption = true;
                    break;

                case OPTION_TIMESTAMPS:
                    if (TIMESTAMPS_OPTION_LENGTH != optionLength)
                    {
                        return FrameError.TCP_BAD_OPTIONS;
                    }
                    hasTimestamps = true;
                    tsVal = buffer.getInt(i + 2, BIG_ENDIAN);
                    tsEcr = buffer.getInt(i + 6, BIG_ENDIAN);
                    break;

                default:
                    break;
            }
            i += optionLength;
        }

        return FrameError.OK;
    }

    /**
     * Writes a 20-byte header with a zero checksum and urgent pointer; append options then call
     * {@link #setHeaderLength(int)} and {@link #computeChecksum(int, int)}.
     *
     * @param buffer  to write to.
     * @param offset  of the header's first byte.
     * @param srcPort source port.
     * @param dstPort destination port.
     * @param seq     sequence number.
     * @param ack     acknowledgment number.
     * @param flags   flag bits such as {@link #SYN} | {@link #ACK}.
     * @param window  unscaled window.
     * @return {@link #MIN_HEADER_LENGTH}.
     */
    public static int writeHeader(
        final MutableDirectBuffer buffer,
        final int offset,
        final int srcPort,
        final int dstPort,
        final int seq,
        final int ack,
        final int flags,
        final int window)
    {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short)srcPort, BIG_ENDIAN);
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short)dstPort, BIG_ENDIAN);
        buffer.putInt(offset + SEQUENCE_OFFSET, seq, BIG_ENDIAN);
        buffer.putInt(offset + ACKNOWLEDGMENT_OFFSET, ack, BIG_ENDIAN);
        buffer.putByte(offset + DATA_OFFSET_OFFSET, (byte)((MIN_HEADER_LENGTH >> 2) << 4));
        buffer.putByte(offset + FLAGS_OFFSET, (byte)flags);
        buffer.putShort(offset + WINDOW_OFFSET, (short)window, BIG_ENDIAN);
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        buffer.putShort(offset + URGENT_POINTER_OFFSET, (short)0, BIG_ENDIAN);
        return MIN_HEADER_LENGTH;
    }

    /**
     * Writes an MSS option.
     *
     * @param buffer to write to.
     * @param offset absolute offset of the option.
     * @param mss    maximum segment size.
     * @return bytes written.
     */
    public static int writeMssOption(final MutableDirectBuffer buffer, final int offset, final int mss)
    {
        buffer.putByte(offset, (byte)OPTION_MSS);
        buffer.putByte(offset + 1, (byte)MSS_OPTION_LENGTH);
        buffer.putShort(offset + 2, (short)mss, BIG_ENDIAN);
        return MSS_OPTION_LENGTH;
    }

    /**
     * Writes a window scale option.
     *
     * @param buffer to write to.
     * @param offset absolute offset of the option.
     * @param shift  shift count, at most {@link #MAX_WINDOW_SCALE}.
     * @return bytes written.
     */
    public static int writeWindowScaleOption(final MutableDirectBuffer buffer, final int offset, final int shift)
    {
        buffer.putByte(offset, (byte)OPTION_WINDOW_SCALE);
        buffer.putByte(offset + 1, (byte)WINDOW_SCALE_OPTION_LENGTH);
        buffer.putByte(offset + 2, (byte)shift);
        return WINDOW_SCALE_OPTION_LENGTH;
    }

    /**
     * Writes a SACK-permitted option.
     *
     * @param buffer to write to.
     * @param offset absolute offset of the option.
     * @return bytes written.
     */
    public static int writeSackPermittedOption(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset, (byte)OPTION_SACK_PERMITTED);
        buffer.putByte(offset + 1, (byte)SACK_PERMITTED_OPTION_LENGTH);
        return SACK_PERMITTED_OPTION_LENGTH;
    }

    /**
     * Writes a timestamps option.
     *
     * @param buffer to write to.
     * @param offset absolute offset of the option.
     * @param tsVal  our timestamp.
     * @param tsEcr  the peer's timestamp echoed.
     * @return bytes written.
     */
    public static int writeTimestampsOption(
        final MutableDirectBuffer buffer, final int offset, final int tsVal, final int tsEcr)
    {
        buffer.putByte(offset, (byte)OPTION_TIMESTAMPS);
        buffer.putByte(offset + 1, (byte)TIMESTAMPS_OPTION_LENGTH);
        buffer.putInt(offset + 2, tsVal, BIG_ENDIAN);
        buffer.putInt(offset + 6, tsEcr, BIG_ENDIAN);
        return TIMESTAMPS_OPTION_LENGTH;
    }

    /**
     * Writes one NOP.
     *
     * @param buffer to write to.
     * @param offset absolute offset of the option.
     * @return bytes written.
     */
    public static int writeNopOption(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset, (byte)OPTION_NOP);
        return 1;
    }

    /**
     * Writes NOPs until the options written so far end on a 4-byte boundary.
     *
     * @param buffer        to write to.
     * @param offset        absolute offset just after the last option.
     * @param optionsLength bytes of options written so far.
     * @return bytes written, 0 to 3.
     */
    public static int writeNopPadding(final MutableDirectBuffer buffer, final int offset, final int optionsLength)
    {
        final int padding = (4 - (optionsLength & 3)) & 3;
        for (int i = 0; i < padding; i++)
        {
            buffer.putByte(offset + i, (byte)OPTION_NOP);
        }
        return padding;
    }

    /**
     * Computes and writes the checksum over the wrapped length with the IPv4 pseudo-header.
     *
     * @param srcIp IPv4 source.
     * @param dstIp IPv4 destination.
     * @return this for chaining.
     */
    public TcpFlyweight computeChecksum(final int srcIp, final int dstIp)
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)0, BIG_ENDIAN);
        final int checksum = InternetChecksum.finish(checksumSum(srcIp, dstIp));
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    public int length()
    {
        return length;
    }

    public int sourcePort()
    {
        return buffer.getShort(offset + SOURCE_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpFlyweight sourcePort(final int port)
    {
        buffer.putShort(offset + SOURCE_PORT_OFFSET, (short)port, BIG_ENDIAN);
        return this;
    }

    public int destinationPort()
    {
        return buffer.getShort(offset + DESTINATION_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpFlyweight destinationPort(final int port)
    {
        buffer.putShort(offset + DESTINATION_PORT_OFFSET, (short)port, BIG_ENDIAN);
        return this;
    }

    /**
     * The raw 32-bit sequence number; compare with mod 2^32 arithmetic.
     *
     * @return the sequence number.
     */
    public int sequence()
    {
        return buffer.getInt(offset + SEQUENCE_OFFSET, BIG_ENDIAN);
    }

    public TcpFlyweight sequence(final int sequence)
    {
        buffer.putInt(offset + SEQUENCE_OFFSET, sequence, BIG_ENDIAN);
        return this;
    }

    /**
     * The raw 32-bit acknowledgment number; compare with mod 2^32 arithmetic.
     *
     * @return the acknowledgment number.
     */
    public int acknowledgment()
    {
        return buffer.getInt(offset + ACKNOWLEDGMENT_OFFSET, BIG_ENDIAN);
    }

    public TcpFlyweight acknowledgment(final int acknowledgment)
    {
        buffer.putInt(offset + ACKNOWLEDGMENT_OFFSET, acknowledgment, BIG_ENDIAN);
        return this;
    }

    /**
     * Header length from the data offset field.
     *
     * @return the header length in bytes, options included.
     */
    public int headerLength()
    {
        return ((buffer.getByte(offset + DATA_OFFSET_OFFSET) >>> 4) & 0xF) << 2;
    }

    /**
     * Sets the data offset, keeping the reserved bits clear.
     *
     * @param bytes header length, a multiple of 4 from 20 to 60.
     * @return this for chaining.
     */
    public TcpFlyweight setHeaderLength(final int bytes)
    {
        buffer.putByte(offset + DATA_OFFSET_OFFSET, (byte)((bytes >> 2) << 4));
        return this;
    }

    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public TcpFlyweight flags(final int flags)
    {
        buffer.putByte(offset + FLAGS_OFFSET, (byte)flags);
        return this;
    }

    public int window()
    {
        return buffer.getShort(offset + WINDOW_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpFlyweight window(final int window)
    {
        buffer.putShort(offset + WINDOW_OFFSET, (short)window, BIG_ENDIAN);
        return this;
    }

    public int checksum()
    {
        return buffer.getShort(offset + CHECKSUM_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpFlyweight checksum(final int checksum)
    {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short)checksum, BIG_ENDIAN);
        return this;
    }

    public int urgentPointer()
    {
        return buffer.getShort(offset + URGENT_POINTER_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public TcpFlyweight urgentPointer(final int urgentPointer)
    {
        buffer.putShort(offset + URGENT_POINTER_OFFSET, (short)urgentPointer, BIG_ENDIAN);
        return this;
    }

    public int payloadOffset()
    {
        return offset + headerLength();
    }

    public int payloadLength()
    {
        return length - headerLength();
    }

    /**
     * MSS from the last {@link #parseOptions()}.
     *
     * @return the MSS, or -1 if absent.
     */
    public int mssOption()
    {
        return mssOption;
    }

    /**
     * Window scale shift from the last {@link #parseOptions()}, capped at {@link #MAX_WINDOW_SCALE}.
     *
     * @return the shift count, or -1 if absent.
     */
    public int windowScaleOption()
    {
        return windowScaleOption;
    }

    public boolean sackPermittedOption()
    {
        return sackPermittedOption;
    }

    public boolean hasTimestamps()
    {
        return hasTimestamps;
    }

    public int tsVal()
    {
        return tsVal;
    }

    public int tsEcr()
    {
        return tsEcr;
    }

    private int checksumSum(final int srcIp, final int dstIp)
    {
        final int initial = InternetChecksum.pseudoHeaderSum(srcIp, dstIp, Ipv4Flyweight.PROTOCOL_TCP, length);
        return InternetChecksum.sum(buffer, offset, length, initial);
    }

    private void clearOptions()
    {
        mssOption = -1;
        windowScaleOption = -1;
        sackPermittedOption = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
    }
}
