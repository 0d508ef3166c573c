package io.vnicsigner.dataplane.pipeline;

import java.util.concurrent.TimeUnit;

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
 */
public record DataplaneLimits(
    int connections,
    int connectionsPerInstance,
    int halfOpen,
    int tcpBuffers,
    int httpSessions,
    long idleTimeoutNs,
    long headerReadTimeoutNs,
    boolean verifyChecksums)
{
    public static DataplaneLimits defaults()
    {
        return new DataplaneLimits(
            16_384, 256, 1_024, 512, 512, TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(10), true);
    }
}
