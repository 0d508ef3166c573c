package io.vnicsigner.dataplane.frame;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * A MAC address held in the low 48 bits of a {@code long}, first octet in bits 47..40, so it can be
 * compared and stored without allocation.
 */
public final class MacAddress
{
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private static final long GROUP_BIT = 1L << 40;
    private static final long LOCAL_BIT = 1L << 41;
    private static final int TEXT_LENGTH = 17;

    private MacAddress()
    {
    }

    /**
     * Parses the colon form {@code 52:54:00:00:00:01} (either case); for configuration, not the data path.
     *
     * @param text six two-digit hex octets separated by colons.
     * @return the address.
     * @throws IllegalArgumentException if the text is not in that form.
     */
    public static long parse(final String text)
    {
        if (null == text || text.length() != TEXT_LENGTH)
        {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }

        long mac = 0;
        for (int i = 0; i < 6; i++)
        {
            final int at = i * 3;
            if (i > 0 && text.charAt(at - 1) != ':')
            {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            final int high = Character.digit(text.charAt(at), 16);
            final int low = Character.digit(text.charAt(at + 1), 16);
            if (high < 0 || low < 0)
            {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            mac = (mac << 8) | (high << 4) | low;
        }

        return mac;
    }

    /**
     * Formats as lower-case hex octets separated by colons.
     *
     * @param mac the address.
     * @return text such as {@code 52:54:00:00:00:01}.
     */
    public static String format(final long mac)
    {
        final StringBuilder sb = new StringBuilder(TEXT_LENGTH);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int octet = (int)(mac >>> shift) & 0xFF;
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (shift > 0)
            {
                sb.append(':');
            }
        }

        return sb.toString();
    }

    /**
     * Reads six octets in network order.
     *
     * @param buffer to read from.
     * @param offset of the first octet.
     * @return the address.
     */
    public static long read(final DirectBuffer buffer, final int offset)
    {
        return ((buffer.getInt(offset, BIG_ENDIAN) & 0xFFFF_FFFFL) << 16) |
            (buffer.getShort(offset + 4, BIG_ENDIAN) & 0xFFFF);
    }

    /**
     * Writes six octets in network order.
     *
     * @param buffer to write to.
     * @param offset of the first octet.
     * @param mac    the address.
     */
    public static void write(final MutableDirectBuffer buffer, final int offset, final long mac)
    {
        buffer.putInt(offset, (int)(mac >>> 16), BIG_ENDIAN);
        buffer.putShort(offset + 4, (short)mac, BIG_ENDIAN);
    }

    /**
     * Whether the group bit is set; broadcast counts as multicast.
     *
     * @param mac the address.
     * @return true for a group address.
     */
    public static boolean isMulticast(final long mac)
    {
        return (mac & GROUP_BIT) != 0;
    }

    /**
     * Whether this is ff:ff:ff:ff:ff:ff.
     *
     * @param mac the address.
     * @return true for broadcast.
     */
    public static boolean isBroadcast(final long mac)
    {
        return (mac & BROADCAST) == BROADCAST;
    }

    /**
     * Whether the locally administered bit is set, as in QEMU's default 52:54:00 prefix.
     *
     * @param mac the address.
     * @return true for a locally administered address.
     */
    public static boolean isLocallyAdministered(final long mac)
    {
        return (mac & LOCAL_BIT) != 0;
    }
}
