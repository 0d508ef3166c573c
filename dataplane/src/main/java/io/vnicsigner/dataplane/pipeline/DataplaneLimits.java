package io.vnicsigner.dataplane.pipeline;

import java.util.concurrent.TimeUnit;

import io.vnicsigner.dataplane.upstream.UpstreamConfig;

/**
 * The bounds of the interceptor, with the defaults of the design guide (§8). Each is documented with its overflow
 * action in {@code docs/architecture.md}.
 *
 * @param connections            TCP connections on the host; a SYN beyond it gets RST.
 * @param connectionsPerInstance TCP connections per guest; a SYN beyond it gets RST.
 * @param halfOpen               half-open connections; beyond it, SYN cookies.
 * @param tcpBuffers             64 KiB receive buffers and as many send buffers shared by all connections;
 *                               when none is free the window stays closed or writes wait.
 * @param httpSessions           requests in progress at once (a parser each); beyond it connections wait.
 * @param idleTimeoutNs          idle keep-alive connections are closed after this.
 * @param headerReadTimeoutNs    a request head must complete within this from its first byte, else RST.
 * @param verifyChecksums        false for ports whose checksums are offloaded and arrive unset.
 * @param maxBufferedBody        the longest body held to be hashed (routes {@code payload: hash|auto}) or
 *                               de-chunked (every chunked upload); see {@code PayloadPolicy} for what is done beyond.
 * @param bodyPoolBytes          off-heap memory for held bodies, shared by all connections and allocated at start
 *                               in 64 KiB slabs; when it is used up, {@code auto} bodies of known length stream as
 *                               {@code UNSIGNED-PAYLOAD} and the others get 503 with {@code Retry-After}.
 * @param upstreamConnections    connections to providers open at once (each with a 64 KiB request buffer, allocated
 *                               at start); a request that finds none free gets 503 with {@code Retry-After}.
 */
public record DataplaneLimits(
    int connections,
    int connectionsPerInstance,
    int halfOpen,
    int tcpBuffers,
    int httpSessions,
    long idleTimeoutNs,
    long headerReadTimeoutNs,
    boolean verifyChecksums,
    long maxBufferedBody,
    long bodyPoolBytes,
    int upstreamConnections)
{
    public static final long DEFAULT_MAX_BUFFERED_BODY = 8L * 1024 * 1024;
    public static final long DEFAULT_BODY_POOL_BYTES = 64L * 1024 * 1024;

    public DataplaneLimits
    {
        if (maxBufferedBody < 0 || bodyPoolBytes < 64 * 1024)
        {
            throw new IllegalArgumentException("maxBufferedBody must not be negative and bodyPoolBytes at least 64 KiB");
        }
        if (upstreamConnections < 1 || upstreamConnections > 0xFFFF)
        {
            throw new IllegalArgumentException("upstreamConnections must be 1..65535: " + upstreamConnections);
        }
    }

    /** The limits with the default number of upstream connections. */
    public DataplaneLimits(
        final int connections, final int connectionsPerInstance, final int halfOpen, final int tcpBuffers,
        final int httpSessions, final long idleTimeoutNs, final long headerReadTimeoutNs, final boolean verifyChecksums,
        final long maxBufferedBody, final long bodyPoolBytes)
    {
        this(connections, connectionsPerInstance, halfOpen, tcpBuffers, httpSessions, idleTimeoutNs, headerReadTimeoutNs,
            verifyChecksums, maxBufferedBody, bodyPoolBytes, UpstreamConfig.DEFAULT_MAX_CONNECTIONS);
    }

    /** The limits with the default body buffering. */
    public DataplaneLimits(
        final int connections, final int connectionsPerInstance, final int halfOpen, final int tcpBuffers,
        final int httpSessions, final long idleTimeoutNs, final long headerReadTimeoutNs, final boolean verifyChecksums)
    {
        this(connections, connectionsPerInstance, halfOpen, tcpBuffers, httpSessions, idleTimeoutNs, headerReadTimeoutNs,
            verifyChecksums, DEFAULT_MAX_BUFFERED_BODY, DEFAULT_BODY_POOL_BYTES);
    }

    public static DataplaneLimits defaults()
    {
        return new DataplaneLimits(
            16_384, 256, 1_024, 512, 512, TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(10), true);
    }
}
