package io.vnicsigner.control.policy;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;

/**
 * A compiled glob matched against bytes in a buffer without allocating: {@code *} matches a run of bytes other
 * than the separator, {@code **} matches any run, every other byte matches itself (ASCII case folded when asked).
 * Patterns hold few wildcards (the config bounds them), so the backtracking stays cheap.
 */
final class Glob
{
    private static final byte STAR = '*';

    private final byte[] pattern;
    private final byte separator;
    private final boolean ignoreCase;

    Glob(final String pattern, final char separator, final boolean ignoreCase)
    {
        this.pattern = (ignoreCase ? pattern.toLowerCase(java.util.Locale.ROOT) : pattern)
            .getBytes(StandardCharsets.UTF_8);
        this.separator = (byte)separator;
        this.ignoreCase = ignoreCase;
    }

    boolean matches(final DirectBuffer buffer, final int offset, final int length)
    {
        return match(0, buffer, offset, offset + length);
    }

    private boolean match(final int from, final DirectBuffer buffer, final int start, final int end)
    {
        int p = from;
        int i = start;
        while (p < pattern.length)
        {
            final byte c = pattern[p];
            if (c == STAR)
            {
                final boolean any = p + 1 < pattern.length && pattern[p + 1] == STAR;
                final int next = any ? p + 2 : p + 1;
                // Try every split, shortest first; '*' stops at the separator.
                for (int j = i; j <= end; j++)
                {
                    if (match(next, buffer, j, end))
                    {
                        return true;
                    }
                    if (j < end && !any && buffer.getByte(j) == separator)
                    {
                        return false;
                    }
                }
                return false;
            }
            if (i >= end || fold(buffer.getByte(i)) != c)
            {
                return false;
            }
            p++;
            i++;
        }
        return i == end;
    }

    private byte fold(final byte b)
    {
        return ignoreCase && b >= 'A' && b <= 'Z' ? (byte)(b + ('a' - 'A')) : b;
    }

    public String toString()
    {
        return new String(pattern, StandardCharsets.UTF_8);
    }
}
