package io.vnicsigner.dataplane.frame;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over an Ethernet II header. Frames tagged 802.1Q ({@code 0x8100}) or 802.1ad
 * ({@code 0x88a8}) are recognised by {@link #vlanTagged()} but never parsed further: they pass through.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination MAC (6 octets)                 |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |                      Source MAC (6 octets)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           EtherType           |   Payload ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class EthernetFlyweight
{
    public static final int HEADER_LENGTH = 14;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88a8;

    private static final int DESTINATION_MAC_OFFSET = 0;
    private static final int SOURCE_MAC_OFFSET = 6;
    private static final int ETHERTYPE_OFFSET = 12;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * Wraps a frame.
     *
     * @param buffer holding the frame.
     * @param offset of the frame's first byte.
     * @param length of the frame in bytes.
     * @return this for chaining.
     */
    public EthernetFlyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Checks that a whole header is present.
     *
     * @return {@link FrameError#OK} or {@link FrameError#TRUNCATED}.
     */
    public int validate()
    {
        return length < HEADER_LENGTH ? FrameError.TRUNCATED : FrameError.OK;
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

    public long destinationMac()
    {
        return MacAddress.read(buffer, offset + DESTINATION_MAC_OFFSET);
    }

    public EthernetFlyweight destinationMac(final long mac)
    {
        MacAddress.write(buffer, offset + DESTINATION_MAC_OFFSET, mac);
        return this;
    }

    public long sourceMac()
    {
        return MacAddress.read(buffer, offset + SOURCE_MAC_OFFSET);
    }

    public EthernetFlyweight sourceMac(final long mac)
    {
        MacAddress.write(buffer, offset + SOURCE_MAC_OFFSET, mac);
        return this;
    }

    /**
     * The EtherType right after the MACs, so {@link #ETHERTYPE_VLAN} for a tagged frame.
     *
     * @return the EtherType.
     */
    public int etherType()
    {
        return buffer.getShort(offset + ETHERTYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public EthernetFlyweight etherType(final int etherType)
    {
        buffer.putShort(offset + ETHERTYPE_OFFSET, (short)etherType, BIG_ENDIAN);
        return this;
    }

    /**
     * Whether the frame carries an 802.1Q or 802.1ad tag, which we do not parse.
     *
     * @return true if tagged.
     */
    public boolean vlanTagged()
    {
        final int etherType = etherType();
        return ETHERTYPE_VLAN == etherType || ETHERTYPE_QINQ == etherType;
    }

    /**
     * Absolute offset in the buffer of the byte after the header.
     *
     * @return offset + {@link #HEADER_LENGTH}.
     */
    public int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    /**
     * Bytes after the header, Ethernet padding included; IPv4 trims it by its total length.
     *
     * @return length - {@link #HEADER_LENGTH}.
     */
    public int payloadLength()
    {
        return length - HEADER_LENGTH;
    }
}
