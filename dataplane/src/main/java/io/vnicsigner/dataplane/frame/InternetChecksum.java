package io.vnicsigner.dataplane.frame;

import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The RFC 1071 Internet checksum: ones-complement partial sums that can be chained, then folded and
 * complemented by {@link #finish(int)}.
 */
public final class InternetChecksum
{
    private InternetChecksum()
    {
    }

    /**
     * Adds a run of bytes to a partial sum. An odd trailing byte counts as the high half of a word
     * padded with zero, so only the last run of a chain may have an odd length.
     *
     * @param buffer  holding the bytes.
     * @param offset  of the first byte.
     * @param length  in bytes.
     * @param initial partial sum to continue, 0 to start.
     * @return the partial sum, folded to 16 bits but not complemented.
     */
    public static int sum(final DirectBuffer buffer, final int offset, final int length, final int initial)
    {
        // Ones-complement addition is associative over any word size once carries are folded back,
        // so summing 32-bit halves of longs gives the same result as summing 16-bit words.
        long acc = initial & 0xFFFF_FFFFL;
        int i = offset;
        final int end = offset + length;

        while (end - i >= 8)
        {
            final long word = buffer.getLong(i, BIG_ENDIAN);
            acc += (word >>> 32) + (word & 0xFFFF_FFFFL);
            i += 8;
        }
        if (end - i >= 4)
        {
            acc += buffer.getInt(i, BIG_ENDIAN) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (end - i >= 2)
        {
            acc += buffer.getShort(i, BIG_ENDIAN) & 0xFFFF;
            i += 2;
        }
        if (end - i == 1)
        {
            acc += (buffer.getByte(i) & 0xFF) << 8;
        }

        return fold(acc);
    }

    /**
     * Folds carries and complements, giving the value to put in a checksum field; a sum over data
     * that already contains a correct checksum finishes to 0.
     *
     * @param sum partial sum.
     * @return the 16-bit checksum.
     */
    public static int finish(final int sum)
    {
        return ~fold(sum & 0xFFFF_FFFFL) & 0xFFFF;
    }

    /**
     * The partial sum of the IPv4 pseudo-header used by TCP and UDP.
     *
     * @param srcIp    source address.
     * @param dstIp    destination address.
     * @param protocol IP protocol number.
     * @param length   TCP or UDP length in bytes, header included.
     * @return the partial sum.
     */
    public static int pseudoHeaderSum(final int srcIp, final int dstIp, final int protocol, final int length)
    {
        final long acc = (srcIp >>> 16) + (srcIp & 0xFFFF) + (dstIp >>> 16) + (dstIp & 0xFFFF) +
            (protocol & 0xFF) + (length & 0xFFFF);

        return fold(acc);
    }

    private static int fold(final long value)
    {
        long acc = (value & 0xFFFF_FFFFL) + (value >>> 32);
        acc = (acc & 0xFFFF_FFFFL) + (acc >>> 32);
        acc = (acc & 0xFFFF) + (acc >>> 16);
        acc = (acc & 0xFFFF) + (acc >>> 16);
        acc = (acc & 0xFFFF) + (acc >>> 16);

        return (int)acc;
    }
}
