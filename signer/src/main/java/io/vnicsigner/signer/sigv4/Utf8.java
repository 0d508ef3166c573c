package io.vnicsigner.signer.sigv4;

/** UTF-8 encoding of a {@link CharSequence} into a byte array, without allocation. */
final class Utf8
{
    private Utf8()
    {
    }

    /** Returns the number of bytes written, or -1 if they do not fit in {@code capacity}. */
    static int encode(final CharSequence s, final byte[] dst, final int offset, final int capacity)
    {
        int d = offset;
        final int limit = offset + capacity;
        for (int i = 0, n = s.length(); i < n; i++)
        {
            int c = s.charAt(i);
            if (Character.isHighSurrogate((char)c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                c = Character.toCodePoint((char)c, s.charAt(++i));
            }
            else if (Character.isSurrogate((char)c))
            {
                c = '?';
            }
            if (c < 0x80)
            {
                if (d + 1 > limit)
                {
                    return -1;
                }
                dst[d++] = (byte)c;
            }
            else if (c < 0x800)
            {
                if (d + 2 > limit)
                {
                    return -1;
                }
                dst[d++] = (byte)(0xC0 | (c >> 6));
                dst[d++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (c < 0x10000)
            {
                if (d + 3 > limit)
                {
                    return -1;
                }
                dst[d++] = (byte)(0xE0 | (c >> 12));
                dst[d++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                dst[d++] = (byte)(0x80 | (c & 0x3F));
            }
            else
            {
                if (d + 4 > limit)
                {
                    return -1;
                }
                dst[d++] = (byte)(0xF0 | (c >> 18));
                dst[d++] = (byte)(0x80 | ((c >> 12) & 0x3F));
                dst[d++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                dst[d++] = (byte)(0x80 | (c & 0x3F));
            }
        }
        return d - offset;
    }
}
