package io.vnicsigner.signer.sigv4;

/**
 * Bounded, direct-mapped cache of derived SigV4 signing keys keyed by (credentials serial, date, region,
 * service). The serial is unique per {@link Credentials} instance and credentials are immutable, so a rotated
 * secret arrives as a new serial and can only miss: a stale key is unreachable, it just ages out by eviction.
 * Not thread-safe: one per signer.
 */
public final class SigningKeyCache
{
    private static final byte[] AWS4 = {'A', 'W', 'S', '4'};
    private static final byte[] TERMINATOR = {'a', 'w', 's', '4', '_', 'r', 'e', 'q', 'u', 'e', 's', 't'};

    private final int mask;
    private final long[] serials;
    private final int[] dates;
    private final String[] regions;
    private final String[] services;
    private final byte[][] keys;
    private final HmacSha256 hmac = new HmacSha256();
    private final byte[] work = new byte[HmacSha256.LENGTH];
    private byte[] scratch = new byte[256];
    private long misses;

    /** A cache of {@code capacity} entries, rounded up to a power of two. */
    public SigningKeyCache(final int capacity)
    {
        final int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        mask = size - 1;
        serials = new long[size];
        dates = new int[size];
        regions = new String[size];
        services = new String[size];
        keys = new byte[size][HmacSha256.LENGTH];
        java.util.Arrays.fill(serials, -1L);
    }

    /**
     * The signing key for this scope, derived on a miss. {@code date} is yyyymmdd as an int and
     * {@code dateBytes} its eight ASCII digits.
     */
    public byte[] key(
        final Credentials credentials, final int date, final byte[] dateBytes, final int dateOffset,
        final String region, final String service)
    {
        final long serial = credentials.serial();
        final int slot = slot(serial, date, region, service);
        if (serials[slot] == serial && dates[slot] == date && region.equals(regions[slot]) &&
            service.equals(services[slot]))
        {
            return keys[slot];
        }
        misses++;
        derive(credentials.secret(), dateBytes, dateOffset, region, service, keys[slot]);
        serials[slot] = serial;
        dates[slot] = date;
        regions[slot] = region;
        services[slot] = service;
        return keys[slot];
    }

    /** Number of derivations so far, for tests and metrics. */
    public long misses()
    {
        return misses;
    }

    private int slot(final long serial, final int date, final String region, final String service)
    {
        long h = serial * 0x9E3779B97F4A7C15L;
        h ^= date * 0xC2B2AE3D27D4EB4FL;
        h ^= (long)region.hashCode() * 31 + service.hashCode();
        h ^= h >>> 29;
        return (int)h & mask;
    }

    private void derive(
        final byte[] secret, final byte[] dateBytes, final int dateOffset,
        final String region, final String service, final byte[] out)
    {
        final int secretLength = secret.length + 4;
        ensure(secretLength + region.length() + service.length());
        System.arraycopy(AWS4, 0, scratch, 0, 4);
        System.arraycopy(secret, 0, scratch, 4, secret.length);
        hmac.mac(scratch, 0, secretLength, dateBytes, dateOffset, 8, work, 0);
        java.util.Arrays.fill(scratch, 0, secretLength, (byte)0);
        final int regionLength = ascii(region, 0);
        hmac.mac(work, 0, HmacSha256.LENGTH, scratch, 0, regionLength, work, 0);
        final int serviceLength = ascii(service, 0);
        hmac.mac(work, 0, HmacSha256.LENGTH, scratch, 0, serviceLength, work, 0);
        hmac.mac(work, 0, HmacSha256.LENGTH, TERMINATOR, 0, TERMINATOR.length, out, 0);
    }

    private int ascii(final String s, final int offset)
    {
        final int n = s.length();
        for (int i = 0; i < n; i++)
        {
            scratch[offset + i] = (byte)s.charAt(i);
        }
        return n;
    }

    private void ensure(final int length)
    {
        if (scratch.length < length)
        {
            scratch = new byte[length];
        }
    }
}
