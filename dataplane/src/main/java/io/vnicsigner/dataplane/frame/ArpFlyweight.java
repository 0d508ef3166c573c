package io.vnicsigner.dataplane.frame;

import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Flyweight over an ARP packet for Ethernet and IPv4 (RFC 826); other hardware or protocol types fail
 * validation.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Hardware type (1)        |     Protocol type (0x0800)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   HLEN (6)    |   PLEN (4)    |          Operation            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Sender MAC (6 octets)                      |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |      Sender IP (4 octets)     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |                    Target MAC (6 octets)                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Target IP (4 octets)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ArpFlyweight
{
    public static final int LENGTH = 28;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private static final int HARDWARE_TYPE_ETHERNET = 1;
    private static final int HARDWARE_LENGTH_ETHERNET = 6;
    private static final int PROTOCOL_LENGTH_IPV4 = 4;

    private static final int HARDWARE_TYPE_OFFSET = 0;
    private static final int PROTOCOL_TYPE_OFFSET = 2;
    private static final int HARDWARE_LENGTH_OFFSET = 4;
    private static final int PROTOCOL_LENGTH_OFFSET = 5;
    private static final int OPERATION_OFFSET = 6;
    private static final int SENDER_MAC_OFFSET = 8;
    private static final int SENDER_IP_OFFSET = 14;
    private static final int TARGET_MAC_OFFSET = 18;
    private static final int TARGET_IP_OFFSET = 24;

    private MutableDirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * Wraps an ARP packet.
     *
     * @param buffer holding the packet.
     * @param offset of the packet's first byte.
     * @param length bytes available, Ethernet padding included.
     * @return this for chaining.
     */
    public ArpFlyweight wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Checks the packet is a complete Ethernet/IPv4 request or reply.
     *
     * @return {@link FrameError#OK}, {@link FrameError#TRUNCATED}, {@link FrameError#ARP_UNSUPPORTED_HARDWARE},
     * {@link FrameError#ARP_UNSUPPORTED_PROTOCOL} or {@link FrameError#ARP_BAD_OPERATION}.
     */
    public int validate()
    {
        if (length < LENGTH)
        {
            return FrameError.TRUNCATED;
        }
        if (hardwareType() != HARDWARE_TYPE_ETHERNET ||
            (buffer.getByte(offset + HARDWARE_LENGTH_OFFSET) & 0xFF) != HARDWARE_LENGTH_ETHERNET)
        {
            return FrameError.ARP_UNSUPPORTED_HARDWARE;
        }
        if (protocolType() != EthernetFlyweight.ETHERTYPE_IPV4 ||
            (buffer.getByte(offset + PROTOCOL_LENGTH_OFFSET) & 0xFF) != PROTOCOL_LENGTH_IPV4)
        {
            return FrameError.ARP_UNSUPPORTED_PROTOCOL;
        }
        final int operation = operation();
        if (OP_REQUEST != operation && OP_REPLY != operation)
        {
            return FrameError.ARP_BAD_OPERATION;
        }

        return FrameError.OK;
    }

    /**
     * Writes hardware type 1, protocol type 0x0800 and lengths 6 and 4.
     *
     * @return this for chaining.
     */
    public ArpFlyweight writeHeader()
    {
        buffer.putShort(offset + HARDWARE_TYPE_OFFSET, (short)HARDWARE_TYPE_ETHERNET, BIG_ENDIAN);
        buffer.putShort(offset + PROTOCOL_TYPE_OFFSET, (short)EthernetFlyweight.ETHERTYPE_IPV4, BIG_ENDIAN);
        buffer.putByte(offset + HARDWARE_LENGTH_OFFSET, (byte)HARDWARE_LENGTH_ETHERNET);
        buffer.putByte(offset + PROTOCOL_LENGTH_OFFSET, (byte)PROTOCOL_LENGTH_IPV4);
        return this;
    }

    public int hardwareType()
    {
        return buffer.getShort(offset + HARDWARE_TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public int protocolType()
    {
        return buffer.getShort(offset + PROTOCOL_TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public int operation()
    {
        return buffer.getShort(offset + OPERATION_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public ArpFlyweight operation(final int operation)
    {
        buffer.putShort(offset + OPERATION_OFFSET, (short)operation, BIG_ENDIAN);
        return this;
    }

    public long senderMac()
    {
        return MacAddress.read(buffer, offset + SENDER_MAC_OFFSET);
    }

    public ArpFlyweight senderMac(final long mac)
    {
        MacAddress.write(buffer, offset + SENDER_MAC_OFFSET, mac);
        return this;
    }

    public int senderIp()
    {
        return buffer.getInt(offset + SENDER_IP_OFFSET, BIG_ENDIAN);
    }

    public ArpFlyweight senderIp(final int ip)
    {
        buffer.putInt(offset + SENDER_IP_OFFSET, ip, BIG_ENDIAN);
        return this;
    }

    public long targetMac()
    {
        return MacAddress.read(buffer, offset + TARGET_MAC_OFFSET);
    }

    public ArpFlyweight targetMac(final long mac)
    {
        MacAddress.write(buffer, offset + TARGET_MAC_OFFSET, mac);
        return this;
    }

    public int targetIp()
    {
        return buffer.getInt(offset + TARGET_IP_OFFSET, BIG_ENDIAN);
    }

    public ArpFlyweight targetIp(final int ip)
    {
        buffer.putInt(offset + TARGET_IP_OFFSET, ip, BIG_ENDIAN);
        return this;
    }
}
