package io.vnicsigner.dataplane.intercept;

import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.switching.GuestPort;

/**
 * Receives the TCP segments guests send to the signing IP, already checked for structure and checksum.
 */
public interface SigningIpTcp
{
    void onSegment(GuestPort guest, Ipv4Flyweight ip, TcpFlyweight tcp, long nowNs);

    /**
     * Runs timers and serves connections; called once per duty cycle after the ports' bursts.
     *
     * @return work done.
     */
    default int doWork(final long nowNs)
    {
        return 0;
    }

    /** False for ports whose checksums are offloaded and arrive unset. */
    default boolean verifyChecksums()
    {
        return true;
    }
}
