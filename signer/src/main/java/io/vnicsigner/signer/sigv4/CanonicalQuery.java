package io.vnicsigner.signer.sigv4;

/**
 * The query parameters of one request, each name and value decoded then strictly re-encoded, kept sorted by
 * name and then value as SigV4 requires. Parameters with an empty name are left out, as the AWS SDK does.
 */
final class CanonicalQuery
{
    static final byte[] SIGNATURE = "X-Amz-Signature".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] buffer;
    private int used;
    private final int maxParams;
    private final int[] nameOffsets;
    private final int[] nameLengths;
    private final int[] valueOffsets;
    private final int[] valueLengths;
    private final int[] order;
    private int count;
    private int firstAdded;

    CanonicalQuery(final int maxTarget, final int maxParams)
    {
        buffer = new byte[maxTarget * 3 + 8192];
        this.maxParams = maxParams;
        nameOffsets = new int[maxParams];
        nameLengths = new int[maxParams];
        valueOffsets = new int[maxParams];
        valueLengths = new int[maxParams];
        order = new int[maxParams];
    }

    void reset()
    {
        used = 0;
        count = 0;
        firstAdded = Integer.MAX_VALUE;
    }

    /** Parses {@code src[start, end)} ({@code a=1&b}); with {@code skipSignature} drops {@code X-Amz-Signature}. */
    boolean parse(final byte[] src, final int start, final int end, final boolean skipSignature)
    {
        int i = start;
        while (i < end)
        {
            int amp = i;
            while (amp < end && src[amp] != '&')
            {
                amp++;
            }
            if (amp > i)
            {
                int eq = i;
                while (eq < amp && src[eq] != '=')
                {
                    eq++;
                }
                if (count == maxParams || used + (amp - i) * 3 > buffer.length)
                {
                    return false;
                }
                final int nameOffset = used;
                used = PercentEncoding.decodeThenEncode(src, i, eq, buffer, used);
                final int nameLength = used - nameOffset;
                if (nameLength == 0 || (skipSignature && equals(nameOffset, nameLength, SIGNATURE)))
                {
                    used = nameOffset;
                }
                else
                {
                    final int valueOffset = used;
                    used = PercentEncoding.decodeThenEncode(src, Math.min(eq + 1, amp), amp, buffer, used);
                    insert(nameOffset, nameLength, valueOffset, used - valueOffset);
                }
            }
            i = amp + 1;
        }
        return true;
    }

    /** Adds a parameter whose name is already canonical and whose value is encoded here; marks it as added. */
    boolean add(final byte[] name, final byte[] value, final int offset, final int length)
    {
        if (count == maxParams || used + name.length + length * 3 > buffer.length)
        {
            return false;
        }
        firstAdded = Math.min(firstAdded, count);
        final int nameOffset = used;
        System.arraycopy(name, 0, buffer, used, name.length);
        used += name.length;
        final int valueOffset = used;
        used = PercentEncoding.encode(value, offset, length, buffer, used);
        insert(nameOffset, name.length, valueOffset, used - valueOffset);
        return true;
    }

    /** Writes all parameters as {@code a=1&b=2}; returns the end, or -1 when {@code dst} is too small. */
    int write(final byte[] dst, final int offset)
    {
        return write(dst, offset, false, '&');
    }

    /** Writes only the parameters {@link #add added}, each preceded by a separator ({@code first} for the first). */
    int writeAdded(final byte[] dst, final int offset, final char first)
    {
        return write(dst, offset, true, first);
    }

    private int write(final byte[] dst, final int offset, final boolean addedOnly, final char first)
    {
        if (offset + used + count * 2 + 1 > dst.length)
        {
            return -1;
        }
        int c = offset;
        boolean any = false;
        for (int k = 0; k < count; k++)
        {
            final int p = order[k];
            if (addedOnly && p < firstAdded)
            {
                continue;
            }
            if (any || addedOnly)
            {
                dst[c++] = (byte)(any ? '&' : first);
            }
            any = true;
            System.arraycopy(buffer, nameOffsets[p], dst, c, nameLengths[p]);
            c += nameLengths[p];
            dst[c++] = '=';
            System.arraycopy(buffer, valueOffsets[p], dst, c, valueLengths[p]);
            c += valueLengths[p];
        }
        return c;
    }

    private void insert(final int nameOffset, final int nameLength, final int valueOffset, final int valueLength)
    {
        final int p = count++;
        nameOffsets[p] = nameOffset;
        nameLengths[p] = nameLength;
        valueOffsets[p] = valueOffset;
        valueLengths[p] = valueLength;
        int j = p;
        while (j > 0 && compare(order[j - 1], p) > 0)
        {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = p;
    }

    private int compare(final int a, final int b)
    {
        final int byName = Bytes.compare(buffer, nameOffsets[a], nameLengths[a], buffer, nameOffsets[b], nameLengths[b]);
        return byName != 0 ? byName :
            Bytes.compare(buffer, valueOffsets[a], valueLengths[a], buffer, valueOffsets[b], valueLengths[b]);
    }

    private boolean equals(final int offset, final int length, final byte[] expected)
    {
        return Bytes.compare(buffer, offset, length, expected, 0, expected.length) == 0;
    }
}
