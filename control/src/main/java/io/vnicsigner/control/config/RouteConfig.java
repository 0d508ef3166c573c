package io.vnicsigner.control.config;

import java.nio.file.Path;

/**
 * One route: which requests it takes ({@code host}, exact or {@code *.suffix}, or a path {@code prefix}; exactly one
 * is set), the provider URL ({@code http} or {@code https}, with an optional CA file), and what they are signed for.
 *
 * @param payload           {@code hash}, {@code unsigned} or {@code auto} (the default); see {@code PayloadPolicy}.
 * @param connectTimeoutMs  TCP connect plus TLS handshake; past it the guest gets 502 (default 2 s).
 * @param responseTimeoutMs provider inactivity while an exchange waits on it; past it the guest gets 504
 *                          (default 30 s).
 * @param maxIdleConnections keep-alive connections to the provider kept open when idle (default 64, at most the
 *                          connector's 128 slots); a connection finished beyond it is closed.
 */
public record RouteConfig(
    String host, String prefix, String upstream, Path caFile, String service, String region, String payload,
    int connectTimeoutMs, int responseTimeoutMs, int maxIdleConnections)
{
}
