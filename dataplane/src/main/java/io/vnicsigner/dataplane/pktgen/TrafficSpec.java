package io.vnicsigner.dataplane.pktgen;

/**
 * What {@link PacketGenerator} sends.
 *
 * @param srcMac       source MAC of every frame (the guest's, when sending into a guest port).
 * @param dstMac       destination MAC of the pass-through UDP frames.
 * @param srcIp        IPv4 source.
 * @param dstIp        IPv4 destination of the UDP frames.
 * @param signingIp    the signing IP, destination of the ICMP echo requests.
 * @param signingMac   the signing IP's MAC.
 * @param frameLength  bytes per frame handed to the port (60..1514; 60 is the 64-byte frame without its FCS).
 * @param flows        distinct UDP source ports cycled through (1..65535 - 1024).
 * @param signingShare fraction 0..1 of frames that are echo requests to the signing IP.
 * @param ratePerSecond frames per second; 0 sends as fast as the port takes them.
 */
public record TrafficSpec(
    long srcMac, long dstMac, int srcIp, int dstIp, int signingIp, long signingMac, int frameLength, int flows,
    double signingShare, long ratePerSecond)
{
    public static final int MIN_FRAME_LENGTH = 60;
    public static final int MAX_FRAME_LENGTH = 1514;
    public static final int FIRST_PORT = 1024;

    public TrafficSpec
    {
        if (frameLength < MIN_FRAME_LENGTH || frameLength > MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("frame length must be " + MIN_FRAME_LENGTH + ".." + MAX_FRAME_LENGTH);
        }
        if (flows < 1 || flows > 65535 - FIRST_PORT)
        {
            throw new IllegalArgumentException("flows must be 1.." + (65535 - FIRST_PORT));
        }
        if (!(signingShare >= 0 && signingShare <= 1))
        {
            throw new IllegalArgumentException("signing share must be within 0..1");
        }
        if (ratePerSecond < 0)
        {
            throw new IllegalArgumentException("rate must not be negative");
        }
    }
}
