package io.vnicsigner.dataplane.tcp;

import org.agrona.DirectBuffer;

/**
 * Receives every segment the endpoint transmits; the agent builds the TCP/IP/Ethernet headers and checksums.
 * The endpoint never emits SACK or timestamp options. The data slice is only valid during the call.
 */
@FunctionalInterface
public interface SegmentSink
{
    /**
     * @param localIp  source address (the signing IP).
     * @param localPort source port.
     * @param remoteIp destination address.
     * @param remotePort destination port.
     * @param seq      sequence number.
     * @param ack      acknowledgement number (meaningful when {@link TcpFlags#ACK} is set).
     * @param flags    {@link TcpFlags} bits.
     * @param window   16-bit window field, already scaled down.
     * @param mss      MSS option value, or -1 for none (only on SYN-ACK).
     * @param wscale   window scale option shift, or -1 for none (only on SYN-ACK).
     * @param data     payload buffer.
     * @param offset   payload offset.
     * @param length   payload length, possibly 0.
     */
    void onSegment(
        int localIp, int localPort, int remoteIp, int remotePort,
        int seq, int ack, int flags, int window, int mss, int wscale,
        DirectBuffer data, int offset, int length);
}
