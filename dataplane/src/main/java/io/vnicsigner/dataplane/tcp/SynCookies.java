package io.vnicsigner.dataplane.tcp;

/**
 * Stateless SYN cookies (RFC 4987): the SYN-ACK's ISN carries a 5-bit 64-second counter, a 2-bit MSS index, a 4-bit
 * peer window-scale code and a 21-bit SipHash MAC of the 4-tuple, the peer's ISN and those fields.
 *
 * <pre>
 *  31      27 26 25 24    21 20                         0
 * +----------+-----+--------+----------------------------+
 * | counter  | mss | wscale |          MAC (21 bits)     |
 * +----------+-----+--------+----------------------------+
 * </pre>
 */
final class SynCookies
{
    static final long PERIOD_NS = 64_000_000_000L;
    static final int NO_WSCALE = 15;
    private static final int[] MSS_TABLE = { 536, 1220, 1440, 1460 };

    private final long k0;
    private final long k1;

    SynCookies(final long k0, final long k1)
    {
        this.k0 = k0;
        this.k1 = k1;
    }

    static int mssIndex(final int peerMss)
    {
        for (int i = MSS_TABLE.length - 1; i > 0; i--)
        {
            if (peerMss >= MSS_TABLE[i])
            {
                return i;
            }
        }
        return 0;
    }

    static int mssOf(final int cookie)
    {
        return MSS_TABLE[(cookie >>> 25) & 3];
    }

    /** @return the peer's window-scale shift, or -1 when the peer did not offer scaling. */
    static int wscaleOf(final int cookie)
    {
        final int code = (cookie >>> 21) & 0xF;
        return code == NO_WSCALE ? -1 : code;
    }

    int encode(
        final long nowNs, final int remoteIp, final int remotePort, final int localPort, final int peerIsn,
        final int peerMss, final int peerWscale)
    {
        final int counter = (int)(nowNs / PERIOD_NS) & 0x1F;
        final int wscaleCode = peerWscale < 0 ? NO_WSCALE : Math.min(peerWscale, 14);
        final int fields = (counter << 6) | (mssIndex(peerMss) << 4) | wscaleCode;
        return (fields << 21) | mac(remoteIp, remotePort, localPort, peerIsn, fields);
    }

    /**
     * @param cookie the ACK number minus one.
     * @return true when the cookie was issued by this key for this tuple within the last two periods.
     */
    boolean verify(
        final long nowNs, final int cookie, final int remoteIp, final int remotePort, final int localPort,
        final int peerIsn)
    {
        final int fields = cookie >>> 21;
        final int counter = fields >>> 6;
        final int age = (((int)(nowNs / PERIOD_NS)) - counter) & 0x1F;
        if (age > 1)
        {
            return false;
        }
        return (cookie & 0x1FFFFF) == mac(remoteIp, remotePort, localPort, peerIsn, fields);
    }

    private int mac(final int remoteIp, final int remotePort, final int localPort, final int peerIsn, final int fields)
    {
        final long m0 = ((long)remoteIp << 32) | ((long)(remotePort & 0xFFFF) << 16) | (localPort & 0xFFFF);
        final long m1 = ((long)peerIsn << 32) | (fields & 0xFFFFFFFFL);
        return (int)SipHash.hash(k0, k1, m0, m1, 16) & 0x1FFFFF;
    }
}
