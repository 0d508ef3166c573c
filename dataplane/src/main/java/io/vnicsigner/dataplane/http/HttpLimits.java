package io.vnicsigner.dataplane.http;

/**
 * The bounds the request parser enforces as bytes arrive; a parser copies them when it is built.
 *
 * <table>
 *   <caption>Limits, their defaults and what exceeding them answers</caption>
 *   <tr><th>limit</th><th>default</th><th>counts</th><th>exceeded</th></tr>
 *   <tr><td>{@link #maxRequestLineLength}</td><td>8 KiB</td>
 *       <td>request line with its CRLF, plus any empty lines before it</td><td>414</td></tr>
 *   <tr><td>{@link #maxHeaderBlockLength}</td><td>32 KiB</td>
 *       <td>every header line with its CRLF, plus the empty line ending the head</td><td>431</td></tr>
 *   <tr><td>{@link #maxHeaderCount}</td><td>100</td><td>header fields</td><td>431</td></tr>
 *   <tr><td>{@link #maxBodyLength}</td><td>8 MiB</td>
 *       <td>{@code Content-Length}, or the running sum of chunk sizes</td><td>413</td></tr>
 *   <tr><td>{@link #maxChunkLineLength}</td><td>1 KiB</td>
 *       <td>one chunk-size line with its extensions and CRLF</td><td>400</td></tr>
 *   <tr><td>{@link #maxTrailerBlockLength}</td><td>8 KiB</td>
 *       <td>all trailer lines with CRLFs, plus the final empty line</td><td>431</td></tr>
 * </table>
 */
public final class HttpLimits
{
    public static final int DEFAULT_MAX_REQUEST_LINE_LENGTH = 8 * 1024;
    public static final int DEFAULT_MAX_HEADER_BLOCK_LENGTH = 32 * 1024;
    public static final int DEFAULT_MAX_HEADER_COUNT = 100;
    public static final long DEFAULT_MAX_BODY_LENGTH = 8L * 1024 * 1024;
    public static final int DEFAULT_MAX_CHUNK_LINE_LENGTH = 1024;
    public static final int DEFAULT_MAX_TRAILER_BLOCK_LENGTH = 8 * 1024;

    private int maxRequestLineLength = DEFAULT_MAX_REQUEST_LINE_LENGTH;
    private int maxHeaderBlockLength = DEFAULT_MAX_HEADER_BLOCK_LENGTH;
    private int maxHeaderCount = DEFAULT_MAX_HEADER_COUNT;
    private long maxBodyLength = DEFAULT_MAX_BODY_LENGTH;
    private int maxChunkLineLength = DEFAULT_MAX_CHUNK_LINE_LENGTH;
    private int maxTrailerBlockLength = DEFAULT_MAX_TRAILER_BLOCK_LENGTH;

    public int maxRequestLineLength()
    {
        return maxRequestLineLength;
    }

    public HttpLimits maxRequestLineLength(final int length)
    {
        maxRequestLineLength = requirePositive(length, "maxRequestLineLength");
        return this;
    }

    public int maxHeaderBlockLength()
    {
        return maxHeaderBlockLength;
    }

    public HttpLimits maxHeaderBlockLength(final int length)
    {
        maxHeaderBlockLength = requirePositive(length, "maxHeaderBlockLength");
        return this;
    }

    public int maxHeaderCount()
    {
        return maxHeaderCount;
    }

    public HttpLimits maxHeaderCount(final int count)
    {
        maxHeaderCount = requirePositive(count, "maxHeaderCount");
        return this;
    }

    public long maxBodyLength()
    {
        return maxBodyLength;
    }

    public HttpLimits maxBodyLength(final long length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("maxBodyLength must not be negative: " + length);
        }
        maxBodyLength = length;
        return this;
    }

    public int maxChunkLineLength()
    {
        return maxChunkLineLength;
    }

    public HttpLimits maxChunkLineLength(final int length)
    {
        maxChunkLineLength = requirePositive(length, "maxChunkLineLength");
        return this;
    }

    public int maxTrailerBlockLength()
    {
        return maxTrailerBlockLength;
    }

    public HttpLimits maxTrailerBlockLength(final int length)
    {
        maxTrailerBlockLength = requirePositive(length, "maxTrailerBlockLength");
        return this;
    }

    private static int requirePositive(final int value, final String name)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }
}
