package io.vnicsigner.dataplane.tcp;

/**
 * RFC 6298 round-trip estimation: SRTT and RTTVAR from timed segments, RTO clamped to configured bounds and backed
 * off by the count of consecutive timeouts.
 */
final class RtoEstimator
{
    private final long minRtoNs;
    private final long maxRtoNs;
    private final long granularityNs;

    RtoEstimator(final long minRtoNs, final long maxRtoNs, final long granularityNs)
    {
        this.minRtoNs = minRtoNs;
        this.maxRtoNs = maxRtoNs;
        this.granularityNs = granularityNs;
    }

    void sample(final TcpConnection conn, final long sampleNs)
    {
        final long r = Math.max(sampleNs, 1);
        if (!conn.rttValid)
        {
            conn.srttNs = r;
            conn.rttvarNs = r / 2;
            conn.rttValid = true;
        }
        else
        {
            final long delta = Math.abs(conn.srttNs - r);
            conn.rttvarNs = (3 * conn.rttvarNs + delta) / 4;
            conn.srttNs = (7 * conn.srttNs + r) / 8;
        }
        final long rto = conn.srttNs + Math.max(granularityNs, 4 * conn.rttvarNs);
        conn.rtoNs = Math.min(maxRtoNs, Math.max(minRtoNs, rto));
    }

    /** The RTO doubled once per consecutive timeout, capped at the maximum. */
    long backedOff(final TcpConnection conn)
    {
        return Math.min(maxRtoNs, conn.rtoNs << Math.min(conn.retransmits, 20));
    }
}
