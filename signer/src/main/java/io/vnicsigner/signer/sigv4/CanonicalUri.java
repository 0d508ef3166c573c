package io.vnicsigner.signer.sigv4;

/**
 * Writes the canonical URI of a wire path. {@link UriMode#DEFAULT}: dot and empty segments removed (a trailing
 * slash kept only if the request's path ends with one, as the SDK does), then every byte but {@code /} and
 * unreserved ones escaped, so existing escapes are encoded a second time. {@link UriMode#S3}: no normalisation,
 * existing escapes kept (in upper case) and stray bytes escaped once.
 */
final class CanonicalUri
{
    private final int[] segmentOffsets;
    private final int[] segmentLengths;

    CanonicalUri(final int maxPath)
    {
        segmentOffsets = new int[maxPath / 2 + 2];
        segmentLengths = new int[maxPath / 2 + 2];
    }

    /** Writes the canonical form of {@code path[0, pathEnd)} at {@code dst[offset]}; returns the end, or -1. */
    int write(final byte[] path, final int pathEnd, final UriMode mode, final byte[] dst, final int offset)
    {
        if (offset + pathEnd * 3 + 2 > dst.length)
        {
            return -1;
        }
        return mode == UriMode.S3 ? s3(path, pathEnd, dst, offset) : normalised(path, pathEnd, dst, offset);
    }

    private int normalised(final byte[] path, final int pathEnd, final byte[] dst, final int offset)
    {
        int segments = 0;
        int i = 0;
        while (i < pathEnd)
        {
            while (i < pathEnd && path[i] == '/')
            {
                i++;
            }
            final int start = i;
            while (i < pathEnd && path[i] != '/')
            {
                i++;
            }
            final int length = i - start;
            if (length == 0 || (length == 1 && path[start] == '.'))
            {
                continue;
            }
            if (length == 2 && path[start] == '.' && path[start + 1] == '.')
            {
                // RFC 3986 drops a ".." that would climb above the root.
                segments = Math.max(0, segments - 1);
                continue;
            }
            segmentOffsets[segments] = start;
            segmentLengths[segments] = length;
            segments++;
        }
        int c = offset;
        dst[c++] = '/';
        for (int s = 0; s < segments; s++)
        {
            if (s > 0)
            {
                dst[c++] = '/';
            }
            c = PercentEncoding.encode(path, segmentOffsets[s], segmentLengths[s], dst, c);
        }
        if (segments > 0 && path[pathEnd - 1] == '/')
        {
            dst[c++] = '/';
        }
        return c;
    }

    private static int s3(final byte[] path, final int pathEnd, final byte[] dst, final int offset)
    {
        int c = offset;
        if (pathEnd == 0 || path[0] != '/')
        {
            dst[c++] = '/';
        }
        int runStart = 0;
        for (int i = 0; i < pathEnd; i++)
        {
            final byte b = path[i];
            if (b == '/' || PercentEncoding.isUnreserved(b))
            {
                continue;
            }
            // Copy the run of bytes that need no change in one go.
            System.arraycopy(path, runStart, dst, c, i - runStart);
            c += i - runStart;
            if (b == '%' && i + 2 < pathEnd && Hex.digit(path[i + 1]) >= 0 && Hex.digit(path[i + 2]) >= 0)
            {
                c = PercentEncoding.encode((byte)((Hex.digit(path[i + 1]) << 4) | Hex.digit(path[i + 2])), dst, c);
                i += 2;
            }
            else
            {
                c = PercentEncoding.encode(b, dst, c);
            }
            runStart = i + 1;
        }
        System.arraycopy(path, runStart, dst, c, pathEnd - runStart);
        return c + pathEnd - runStart;
    }
}
