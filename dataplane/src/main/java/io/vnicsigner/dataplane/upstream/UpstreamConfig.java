package io.vnicsigner.dataplane.upstream;

/**
 * Sizes of the connector's preallocated state: {@code maxConnections} slots, each with a request buffer and
 * a response buffer of {@code bufferLength} bytes (direct) and a response head of
 * {@code maxResponseHeadLength} bytes and {@code maxResponseHeaderCount} fields.
 */
public record UpstreamConfig(int maxConnections, int bufferLength, int maxResponseHeadLength, int maxResponseHeaderCount)
{
    public static final int DEFAULT_MAX_CONNECTIONS = 128;
    public static final int DEFAULT_BUFFER_LENGTH = 64 * 1024;
    public static final int DEFAULT_MAX_RESPONSE_HEAD_LENGTH = 16 * 1024;
    public static final int DEFAULT_MAX_RESPONSE_HEADER_COUNT = 100;

    /**
     * The smallest buffer that holds one decrypted TLS record.
     */
    public static final int MIN_BUFFER_LENGTH = 32 * 1024;

    public UpstreamConfig
    {
        if (maxConnections < 1 || maxConnections > 0xFFFF)
        {
            throw new IllegalArgumentException("maxConnections must be 1..65535: " + maxConnections);
        }
        if (bufferLength < MIN_BUFFER_LENGTH)
        {
            throw new IllegalArgumentException("bufferLength must be at least " + MIN_BUFFER_LENGTH);
        }
        if (maxResponseHeadLength < 64 || maxResponseHeaderCount < 1)
        {
            throw new IllegalArgumentException("response head limits too small");
        }
    }

    public static UpstreamConfig defaults()
    {
        return new UpstreamConfig(DEFAULT_MAX_CONNECTIONS, DEFAULT_BUFFER_LENGTH, DEFAULT_MAX_RESPONSE_HEAD_LENGTH,
            DEFAULT_MAX_RESPONSE_HEADER_COUNT);
    }

    public UpstreamConfig withMaxConnections(final int maxConnections)
    {
        return new UpstreamConfig(maxConnections, bufferLength, maxResponseHeadLength, maxResponseHeaderCount);
    }

    public UpstreamConfig withBufferLength(final int bufferLength)
    {
        return new UpstreamConfig(maxConnections, bufferLength, maxResponseHeadLength, maxResponseHeaderCount);
    }
}
