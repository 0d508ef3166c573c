/**
 * {@code vnic-signer pktgen}: a frame generator and receiver for any port type, with rate, size, flow count, a
 * share of signing-IP traffic, and latency measured from a timestamp carried in each frame.
 */
package io.vnicsigner.dataplane.pktgen;
