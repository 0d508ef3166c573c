/**
 * A pure, passive-open TCP endpoint for the signing IP: segments and {@code nowNs} in, segments, status codes and
 * events out. The supported subset and every bound are in {@link io.vnicsigner.dataplane.tcp.TcpEndpoint} and
 * {@code docs/tcp-endpoint.md}.
 */
package io.vnicsigner.dataplane.tcp;
