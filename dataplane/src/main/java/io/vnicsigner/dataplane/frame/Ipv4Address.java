package io.vnicsigner.dataplane.frame;

/**
 * An IPv4 address held in an {@code int}, first octet in bits 31..24, as read big-endian off the wire.
 */
public final class Ipv4Address
{
    private Ipv4Address()
    {
    }

    /**
     * Parses dotted-decimal text; for configuration, not the data path. Leading zeros such as
     * {@code 010} are rejected because some parsers read them as octal.
     *
     * @param text four decimal octets 0..255 separated by dots.
     * @return the address.
     * @throws IllegalArgumentException if the text is not in that form.
     */
    public static int parse(final String text)
    {
        if (null == text)
        {
            throw new IllegalArgumentException("not an IPv4 address: null");
        }

        final int length = text.length();
        int address = 0;
        int octets = 0;
        int i = 0;
        while (true)
        {
            final int start = i;
            int value = 0;
            while (i < length && i - start < 3)
            {
                final char c = text.charAt(i);
                if (c < '0' || c > '9')
                {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }

            final int digits = i - start;
            if (0 == digits || value > 255 || (digits > 1 && text.charAt(start) == '0'))
            {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            address = (address << 8) | value;
            octets++;

            if (4 == octets)
            {
                if (i != length)
                {
                    throw new IllegalArgumentException("not an IPv4 address: " + text);
                }
                return address;
            }
            if (i >= length || text.charAt(i) != '.')
            {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            i++;
        }
    }

    /**
     * Formats as dotted decimal.
     *
     * @param address the address.
     * @return text such as {@code 169.254.169.250}.
     */
    public static String format(final int address)
    {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "." +
            ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }
}
