package io.vnicsigner.signer.sigv4;

/** Lower-case hex encoding into caller buffers, without allocation. */
public final class Hex
{
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Hex()
    {
    }

    /** Encodes {@code length} bytes and returns the offset after the last hex digit written. */
    public static int encode(final byte[] src, final int offset, final int length, final byte[] dst, final int dstOffset)
    {
        int d = dstOffset;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            final int b = src[i] & 0xFF;
            dst[d++] = DIGITS[b >>> 4];
            dst[d++] = DIGITS[b & 0xF];
        }
        return d;
    }

    /** The value of one hex digit of either case, or -1. */
    public static int digit(final int c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Decodes hex text into bytes; returns false when a character is not hex. */
    public static boolean decode(final byte[] src, final int offset, final int hexLength, final byte[] dst, final int dstOffset)
    {
        if ((hexLength & 1) != 0)
        {
            return false;
        }
        for (int i = 0; i < hexLength; i += 2)
        {
            final int hi = digit(src[offset + i]);
            final int lo = digit(src[offset + i + 1]);
            if (hi < 0 || lo < 0)
            {
                return false;
            }
            dst[dstOffset + (i >> 1)] = (byte)((hi << 4) | lo);
        }
        return true;
    }
}
