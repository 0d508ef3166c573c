/**
 * The provider side: a non-blocking HTTP/1.1 client with keep-alive pools per route, TLS through
 * {@code SSLEngine}, timeouts and bounded buffers, and the pure response parser it uses.
 */
package io.vnicsigner.dataplane.upstream;
