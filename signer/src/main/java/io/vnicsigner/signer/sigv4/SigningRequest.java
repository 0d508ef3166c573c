package io.vnicsigner.signer.sigv4;

import java.nio.charset.StandardCharsets;

/**
 * Reusable, bounded view of one HTTP request to sign or verify: method, raw target (path and query as on
 * the wire), headers (names kept lower-cased) and the payload. Callers fill it, sign, then {@link #reset()}.
 * Every setter returns false instead of growing when a bound would be exceeded.
 */
public final class SigningRequest
{
    public static final int DEFAULT_MAX_HEADERS = 64;
    public static final int DEFAULT_ARENA_BYTES = 32 * 1024;
    public static final int DEFAULT_MAX_TARGET = 8 * 1024;
    public static final int DEFAULT_PRESIGN_EXPIRY_SECONDS = 900;
    public static final int MAX_PRESIGN_EXPIRY_SECONDS = 7 * 24 * 3600;

    private final byte[] method = new byte[32];
    private int methodLength;
    private final byte[] target;
    private int targetLength;

    private final int maxHeaders;
    private final int[] nameOffsets;
    private final long[] namePrefixes;
    private final int[] nameLengths;
    private final int[] valueOffsets;
    private final int[] valueLengths;
    private final byte[] arena;
    private int arenaUsed;
    private int headerCount;

    private PayloadMode payloadMode = PayloadMode.HASH;
    private byte[] body;
    private int bodyOffset;
    private int bodyLength;
    private final byte[] payloadHash = new byte[64];
    private boolean hasPayloadHash;
    private boolean contentSha256Header = true;
    private int presignExpirySeconds = DEFAULT_PRESIGN_EXPIRY_SECONDS;

    public SigningRequest()
    {
        this(DEFAULT_MAX_HEADERS, DEFAULT_ARENA_BYTES, DEFAULT_MAX_TARGET);
    }

    public SigningRequest(final int maxHeaders, final int arenaBytes, final int maxTarget)
    {
        this.maxHeaders = maxHeaders;
        nameOffsets = new int[maxHeaders];
        namePrefixes = new long[maxHeaders];
        nameLengths = new int[maxHeaders];
        valueOffsets = new int[maxHeaders];
        valueLengths = new int[maxHeaders];
        arena = new byte[arenaBytes];
        target = new byte[maxTarget];
    }

    /** Empties the view for the next request; bounds and allocations are kept. */
    public SigningRequest reset()
    {
        methodLength = 0;
        targetLength = 0;
        headerCount = 0;
        arenaUsed = 0;
        payloadMode = PayloadMode.HASH;
        body = null;
        bodyOffset = 0;
        bodyLength = 0;
        hasPayloadHash = false;
        contentSha256Header = true;
        presignExpirySeconds = DEFAULT_PRESIGN_EXPIRY_SECONDS;
        return this;
    }

    public boolean method(final byte[] src, final int offset, final int length)
    {
        if (length > method.length || length == 0)
        {
            return false;
        }
        System.arraycopy(src, offset, method, 0, length);
        methodLength = length;
        return true;
    }

    public boolean method(final CharSequence value)
    {
        final int length = Utf8.encode(value, method, 0, method.length);
        if (length <= 0)
        {
            return false;
        }
        methodLength = length;
        return true;
    }

    /** Sets the request target as sent on the wire: path and optional {@code ?query}. */
    public boolean target(final byte[] src, final int offset, final int length)
    {
        if (length > target.length)
        {
            return false;
        }
        System.arraycopy(src, offset, target, 0, length);
        targetLength = length;
        return true;
    }

    public boolean target(final CharSequence value)
    {
        final int length = Utf8.encode(value, target, 0, target.length);
        if (length < 0)
        {
            return false;
        }
        targetLength = length;
        return true;
    }

    /** Adds a header; the name is stored lower-cased, the value raw (canonicalisation trims it later). */
    public boolean addHeader(
        final byte[] nameSrc, final int nameOffset, final int nameLength,
        final byte[] valueSrc, final int valueOffset, final int valueLength)
    {
        if (headerCount == maxHeaders || nameLength == 0 || arenaUsed + nameLength + valueLength > arena.length)
        {
            return false;
        }
        final int n = headerCount;
        nameOffsets[n] = arenaUsed;
        nameLengths[n] = nameLength;
        for (int i = 0; i < nameLength; i++)
        {
            arena[arenaUsed++] = lower(nameSrc[nameOffset + i]);
        }
        valueOffsets[n] = arenaUsed;
        valueLengths[n] = valueLength;
        System.arraycopy(valueSrc, valueOffset, arena, arenaUsed, valueLength);
        arenaUsed += valueLength;
        namePrefixes[n] = prefix(arena, nameOffsets[n], nameLength);
        headerCount++;
        return true;
    }

    public boolean addHeader(final CharSequence name, final CharSequence value)
    {
        if (headerCount == maxHeaders)
        {
            return false;
        }
        final int start = arenaUsed;
        final int nameLength = Utf8.encode(name, arena, arenaUsed, arena.length - arenaUsed);
        if (nameLength <= 0)
        {
            return false;
        }
        for (int i = start; i < start + nameLength; i++)
        {
            arena[i] = lower(arena[i]);
        }
        final int valueLength = Utf8.encode(value, arena, start + nameLength, arena.length - start - nameLength);
        if (valueLength < 0)
        {
            return false;
        }
        final int n = headerCount;
        nameOffsets[n] = start;
        nameLengths[n] = nameLength;
        valueOffsets[n] = start + nameLength;
        valueLengths[n] = valueLength;
        namePrefixes[n] = prefix(arena, start, nameLength);
        arenaUsed = start + nameLength + valueLength;
        headerCount++;
        return true;
    }

    /** Removes every header with this lower-case name (the arena space is reclaimed on {@link #reset()}). */
    public int removeHeader(final byte[] lowerName, final int offset, final int length)
    {
        int removed = 0;
        int w = 0;
        for (int r = 0; r < headerCount; r++)
        {
            if (nameEquals(r, lowerName, offset, length))
            {
                removed++;
                continue;
            }
            nameOffsets[w] = nameOffsets[r];
            namePrefixes[w] = namePrefixes[r];
            nameLengths[w] = nameLengths[r];
            valueOffsets[w] = valueOffsets[r];
            valueLengths[w] = valueLengths[r];
            w++;
        }
        headerCount = w;
        return removed;
    }

    public int removeHeader(final String lowerName)
    {
        final byte[] name = lowerName.getBytes(StandardCharsets.US_ASCII);
        return removeHeader(name, 0, name.length);
    }

    /** Index of the first header with this lower-case name, or -1. */
    public int findHeader(final byte[] lowerName, final int offset, final int length)
    {
        for (int i = 0; i < headerCount; i++)
        {
            if (nameEquals(i, lowerName, offset, length))
            {
                return i;
            }
        }
        return -1;
    }

    public boolean nameEquals(final int index, final byte[] lowerName, final int offset, final int length)
    {
        final int o = nameOffsets[index];
        return nameLengths[index] == length && java.util.Arrays.equals(arena, o, o + length, lowerName, offset, offset + length);
    }

    /** Hashes these body bytes (not copied: they must stay unchanged until signing returns). */
    public SigningRequest body(final byte[] src, final int offset, final int length)
    {
        body = src;
        bodyOffset = offset;
        bodyLength = length;
        return this;
    }

    /** Uses a 64-digit hex SHA-256 of the body computed elsewhere (for example while streaming it). */
    public boolean payloadHashHex(final byte[] src, final int offset)
    {
        for (int i = 0; i < 64; i++)
        {
            final byte c = src[offset + i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        System.arraycopy(src, offset, payloadHash, 0, 64);
        hasPayloadHash = true;
        return true;
    }

    public SigningRequest payloadMode(final PayloadMode mode)
    {
        payloadMode = mode;
        return this;
    }

    /** Whether header-mode signing adds {@code x-amz-content-sha256} (S3 needs it; AWS's vectors omit it). */
    public SigningRequest contentSha256Header(final boolean add)
    {
        contentSha256Header = add;
        return this;
    }

    /** Presigned URL lifetime, 1 s to 7 days. */
    public SigningRequest presignExpirySeconds(final int seconds)
    {
        presignExpirySeconds = seconds;
        return this;
    }

    public int headerCount()
    {
        return headerCount;
    }

    public byte[] arena()
    {
        return arena;
    }

    /** The first eight bytes of the lower-case name, big-endian and zero-padded: a cheap first sort key. */
    public long namePrefix(final int index)
    {
        return namePrefixes[index];
    }

    public int nameOffset(final int index)
    {
        return nameOffsets[index];
    }

    public int nameLength(final int index)
    {
        return nameLengths[index];
    }

    public int valueOffset(final int index)
    {
        return valueOffsets[index];
    }

    public int valueLength(final int index)
    {
        return valueLengths[index];
    }

    public byte[] methodBytes()
    {
        return method;
    }

    public int methodLength()
    {
        return methodLength;
    }

    public byte[] targetBytes()
    {
        return target;
    }

    public int targetLength()
    {
        return targetLength;
    }

    public PayloadMode payloadMode()
    {
        return payloadMode;
    }

    public byte[] body()
    {
        return body;
    }

    public int bodyOffset()
    {
        return bodyOffset;
    }

    public int bodyLength()
    {
        return bodyLength;
    }

    public boolean hasPayloadHash()
    {
        return hasPayloadHash;
    }

    public byte[] payloadHash()
    {
        return payloadHash;
    }

    public boolean contentSha256Header()
    {
        return contentSha256Header;
    }

    public int presignExpirySeconds()
    {
        return presignExpirySeconds;
    }

    /** Header name as a string (allocates: for tools and tests). */
    public String headerName(final int index)
    {
        return new String(arena, nameOffsets[index], nameLengths[index], StandardCharsets.UTF_8);
    }

    /** Header value as a string (allocates: for tools and tests). */
    public String headerValue(final int index)
    {
        return new String(arena, valueOffsets[index], valueLengths[index], StandardCharsets.UTF_8);
    }

    /** First value of a header as a string, or null (allocates: for tools and tests). */
    public String header(final String lowerName)
    {
        final byte[] name = lowerName.getBytes(StandardCharsets.US_ASCII);
        final int i = findHeader(name, 0, name.length);
        return i < 0 ? null : headerValue(i);
    }

    public String method()
    {
        return new String(method, 0, methodLength, StandardCharsets.UTF_8);
    }

    public String target()
    {
        return new String(target, 0, targetLength, StandardCharsets.UTF_8);
    }

    private static long prefix(final byte[] src, final int offset, final int length)
    {
        long p = 0;
        for (int i = 0; i < 8; i++)
        {
            p = (p << 8) | (i < length ? src[offset + i] & 0xFF : 0);
        }
        return p;
    }

    /** Removes every header whose name is one of these lower-case names, in one pass. */
    public void removeHeaders(final byte[][] lowerNames)
    {
        int w = 0;
        for (int r = 0; r < headerCount; r++)
        {
            boolean remove = false;
            for (int k = 0; k < lowerNames.length && !remove; k++)
            {
                final byte[] name = lowerNames[k];
                remove = nameLengths[r] == name.length && namePrefixes[r] == prefix(name, 0, name.length) &&
                    nameEquals(r, name, 0, name.length);
            }
            if (remove)
            {
                continue;
            }
            nameOffsets[w] = nameOffsets[r];
            namePrefixes[w] = namePrefixes[r];
            nameLengths[w] = nameLengths[r];
            valueOffsets[w] = valueOffsets[r];
            valueLengths[w] = valueLengths[r];
            w++;
        }
        headerCount = w;
    }

    private static byte lower(final byte b)
    {
        return b >= 'A' && b <= 'Z' ? (byte)(b + 32) : b;
    }
}
