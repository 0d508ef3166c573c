/**
 * Flyweights over Ethernet, ARP, IPv4, ICMP, UDP and TCP headers in off-heap buffers; they validate
 * by returning {@link io.vnicsigner.dataplane.frame.FrameError} codes and never allocate or throw.
 */
package io.vnicsigner.dataplane.frame;
