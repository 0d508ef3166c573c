package io.vnicsigner.signer.sigv4;

import java.nio.charset.StandardCharsets;

/**
 * The headers of a view in SigV4 order: sorted by lower-case name (stable, so repeated names keep their
 * order and join with commas), values trimmed with inner whitespace runs folded to one space, plus the
 * {@code SignedHeaders} list. When signing, {@code authorization}, {@code connection}, {@code expect},
 * {@code user-agent} and {@code x-amzn-trace-id} are left out, as the AWS SDK does, because proxies rewrite them.
 */
final class CanonicalHeaders
{
    private static final byte[][] UNSIGNED =
    {
        ascii("authorization"), ascii("connection"), ascii("expect"), ascii("user-agent"), ascii("x-amzn-trace-id"),
    };

    private final int[] order;
    private final boolean[] repeated;
    private int count;
    private final byte[] signedHeaders;
    private int signedHeadersLength;

    CanonicalHeaders(final int maxHeaders, final int arenaBytes)
    {
        order = new int[maxHeaders];
        repeated = new boolean[maxHeaders];
        signedHeaders = new byte[arenaBytes + maxHeaders];
    }

    /** Sorts the view's headers (all, or all but the unsigned ones) and builds the signed list; false if too many. */
    boolean sort(final SigningRequest request, final boolean skipUnsigned)
    {
        if (request.headerCount() > order.length)
        {
            return false;
        }
        int n = 0;
        for (int i = 0, headers = request.headerCount(); i < headers; i++)
        {
            if (skipUnsigned && isUnsigned(request, i))
            {
                continue;
            }
            int j = n;
            while (j > 0 && compareNames(request, order[j - 1], i) > 0)
            {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
            n++;
        }
        count = n;
        int s = 0;
        final byte[] arena = request.arena();
        for (int k = 0; k < n; k++)
        {
            final int h = order[k];
            repeated[k] = k > 0 && compareNames(request, order[k - 1], h) == 0;
            if (repeated[k])
            {
                continue;
            }
            if (s > 0)
            {
                signedHeaders[s++] = ';';
            }
            System.arraycopy(arena, request.nameOffset(h), signedHeaders, s, request.nameLength(h));
            s += request.nameLength(h);
        }
        signedHeadersLength = s;
        return true;
    }

    byte[] signedHeaders()
    {
        return signedHeaders;
    }

    int signedHeadersLength()
    {
        return signedHeadersLength;
    }

    /** Writes {@code name:value\n} lines for the sorted headers; returns the end, or -1 when {@code dst} is full. */
    int write(final SigningRequest request, final byte[] dst, final int offset)
    {
        final byte[] arena = request.arena();
        int c = offset;
        for (int k = 0; k < count; k++)
        {
            final int h = order[k];
            if (c + request.nameLength(h) + request.valueLength(h) + 3 > dst.length)
            {
                return -1;
            }
            if (repeated[k])
            {
                dst[c - 1] = ',';
            }
            else
            {
                System.arraycopy(arena, request.nameOffset(h), dst, c, request.nameLength(h));
                c += request.nameLength(h);
                dst[c++] = ':';
            }
            c = trimmedValue(arena, request.valueOffset(h), request.valueLength(h), dst, c);
            dst[c++] = '\n';
        }
        return c;
    }

    private static int trimmedValue(final byte[] src, final int offset, final int length, final byte[] dst, final int dstOffset)
    {
        int start = offset;
        int end = offset + length;
        while (start < end && isSpace(src[start]))
        {
            start++;
        }
        while (end > start && isSpace(src[end - 1]))
        {
            end--;
        }
        // Most values need no folding: one scan, then one copy.
        boolean fold = false;
        for (int i = start; i < end && !fold; i++)
        {
            final byte b = src[i];
            fold = b <= ' ' && isSpace(b) && (b != ' ' || isSpace(src[i + 1]));
        }
        if (!fold)
        {
            System.arraycopy(src, start, dst, dstOffset, end - start);
            return dstOffset + end - start;
        }
        int c = dstOffset;
        boolean inSpace = false;
        for (int i = start; i < end; i++)
        {
            final byte b = src[i];
            if (isSpace(b))
            {
                if (!inSpace)
                {
                    dst[c++] = ' ';
                    inSpace = true;
                }
            }
            else
            {
                dst[c++] = b;
                inSpace = false;
            }
        }
        return c;
    }

    private static boolean isUnsigned(final SigningRequest request, final int index)
    {
        final int length = request.nameLength(index);
        if (length != 6 && length != 10 && length != 13 && length != 15)
        {
            return false;
        }
        for (final byte[] name : UNSIGNED)
        {
            if (request.nameEquals(index, name, 0, name.length))
            {
                return true;
            }
        }
        return false;
    }

    private static int compareNames(final SigningRequest request, final int a, final int b)
    {
        final int byPrefix = Long.compareUnsigned(request.namePrefix(a), request.namePrefix(b));
        if (byPrefix != 0)
        {
            return byPrefix;
        }
        final byte[] arena = request.arena();
        return Bytes.compare(
            arena, request.nameOffset(a), request.nameLength(a), arena, request.nameOffset(b), request.nameLength(b));
    }

    private static boolean isSpace(final byte b)
    {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == 0x0C;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
