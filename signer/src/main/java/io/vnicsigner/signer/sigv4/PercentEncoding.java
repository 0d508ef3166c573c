package io.vnicsigner.signer.sigv4;

/** SigV4's strict URI encoding: unreserved bytes as they are, every other byte as upper-case {@code %XX}. */
final class PercentEncoding
{
    private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final boolean[] UNRESERVED = unreserved();

    private PercentEncoding()
    {
    }

    static boolean isUnreserved(final byte b)
    {
        return UNRESERVED[b & 0xFF];
    }

    /** Writes one byte encoded at {@code dst[offset]}; returns the offset after it. */
    static int encode(final byte b, final byte[] dst, final int offset)
    {
        if (UNRESERVED[b & 0xFF])
        {
            dst[offset] = b;
            return offset + 1;
        }
        dst[offset] = '%';
        dst[offset + 1] = HEX_UPPER[(b >> 4) & 0xF];
        dst[offset + 2] = HEX_UPPER[b & 0xF];
        return offset + 3;
    }

    /** Encodes {@code length} bytes; the caller leaves room for three output bytes per input byte. */
    static int encode(final byte[] src, final int offset, final int length, final byte[] dst, final int dstOffset)
    {
        int o = dstOffset;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            o = encode(src[i], dst, o);
        }
        return o;
    }

    /** Decodes {@code %XX} escapes (and {@code +} as a space) in {@code src[start, end)} and encodes the result. */
    static int decodeThenEncode(final byte[] src, final int start, final int end, final byte[] dst, final int offset)
    {
        int o = offset;
        for (int i = start; i < end; i++)
        {
            byte b = src[i];
            if (b == '%' && i + 2 < end && Hex.digit(src[i + 1]) >= 0 && Hex.digit(src[i + 2]) >= 0)
            {
                b = (byte)((Hex.digit(src[i + 1]) << 4) | Hex.digit(src[i + 2]));
                i += 2;
            }
            else if (b == '+')
            {
                b = ' ';
            }
            o = encode(b, dst, o);
        }
        return o;
    }

    private static boolean[] unreserved()
    {
        final boolean[] table = new boolean[256];
        for (int b = 0; b < 256; b++)
        {
            table[b] = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                b == '-' || b == '_' || b == '.' || b == '~';
        }
        return table;
    }
}
