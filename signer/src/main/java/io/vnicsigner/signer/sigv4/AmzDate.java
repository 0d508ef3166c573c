package io.vnicsigner.signer.sigv4;

/** The {@code yyyyMMdd'T'HHmmss'Z'} form of an epoch time, written and parsed without allocation. */
public final class AmzDate
{
    public static final int LENGTH = 16;

    private AmzDate()
    {
    }

    /** Writes the 16-byte basic ISO-8601 UTC form of {@code epochMillis} (floored to the second). */
    public static void format(final long epochMillis, final byte[] dst, final int offset)
    {
        final long secs = Math.floorDiv(epochMillis, 1000L);
        final long days = Math.floorDiv(secs, 86_400L);
        final int secOfDay = (int)Math.floorMod(secs, 86_400L);
        // Civil-from-days (proleptic Gregorian), era-based so it needs no tables.
        final long z = days + 719_468L;
        final long era = Math.floorDiv(z, 146_097L);
        final long doe = z - era * 146_097L;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final int day = (int)(doy - (153 * mp + 2) / 5 + 1);
        final int month = (int)(mp < 10 ? mp + 3 : mp - 9);
        final int year = (int)(yoe + era * 400 + (month <= 2 ? 1 : 0));
        digits(year, 4, dst, offset);
        digits(month, 2, dst, offset + 4);
        digits(day, 2, dst, offset + 6);
        dst[offset + 8] = 'T';
        digits(secOfDay / 3600, 2, dst, offset + 9);
        digits((secOfDay / 60) % 60, 2, dst, offset + 11);
        digits(secOfDay % 60, 2, dst, offset + 13);
        dst[offset + 15] = 'Z';
    }

    /** Parses the 16-byte form; returns {@link Long#MIN_VALUE} when it is malformed. */
    public static long parse(final byte[] src, final int offset, final int length)
    {
        if (length != LENGTH || src[offset + 8] != 'T' || src[offset + 15] != 'Z')
        {
            return Long.MIN_VALUE;
        }
        final int year = number(src, offset, 4);
        final int month = number(src, offset + 4, 2);
        final int day = number(src, offset + 6, 2);
        final int hour = number(src, offset + 9, 2);
        final int minute = number(src, offset + 11, 2);
        final int second = number(src, offset + 13, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
            minute < 0 || minute > 59 || second < 0 || second > 60)
        {
            return Long.MIN_VALUE;
        }
        // Days-from-civil, the inverse of format.
        final long y = month <= 2 ? year - 1 : year;
        final long era = Math.floorDiv(y, 400);
        final long yoe = y - era * 400;
        final long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        final long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        final long days = era * 146_097L + doe - 719_468L;
        return ((days * 86_400L) + hour * 3600L + minute * 60L + second) * 1000L;
    }

    private static void digits(final int value, final int count, final byte[] dst, final int offset)
    {
        int v = value;
        for (int i = count - 1; i >= 0; i--)
        {
            dst[offset + i] = (byte)('0' + v % 10);
            v /= 10;
        }
    }

    private static int number(final byte[] src, final int offset, final int count)
    {
        int v = 0;
        for (int i = 0; i < count; i++)
        {
            final int c = src[offset + i] - '0';
            if (c < 0 || c > 9)
            {
                return -1;
            }
            v = v * 10 + c;
        }
        return v;
    }
}
