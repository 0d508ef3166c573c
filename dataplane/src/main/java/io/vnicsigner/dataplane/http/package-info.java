/**
 * The HTTP/1.1 codec for the signing IP: a pure, resumable request parser, a response writer and
 * the interim built-in endpoints. Nothing here performs I/O, reads the clock or logs.
 */
package io.vnicsigner.dataplane.http;
