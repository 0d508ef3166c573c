package io.vnicsigner.dataplane.tcp;

import static io.vnicsigner.dataplane.tcp.TcpConnection.seqGeq;
import static io.vnicsigner.dataplane.tcp.TcpConnection.seqGt;

/**
 * NewReno congestion control (RFC 5681, RFC 6582) over a connection's window fields; the caller transmits whatever
 * retransmission a method asks for.
 */
final class NewReno
{
    private static final int SSTHRESH_INITIAL = Integer.MAX_VALUE / 2;

    private NewReno()
    {
    }

    /** Initial window of RFC 6928 and an unbounded slow-start threshold. */
    static void onEstablished(final TcpConnection conn)
    {
        conn.cwnd = Math.min(10 * conn.mss, Math.max(2 * conn.mss, 14_600));
        conn.ssthresh = SSTHRESH_INITIAL;
        conn.recover = conn.iss;
        conn.inRecovery = false;
        conn.dupAcks = 0;
        conn.bytesAckedInAvoidance = 0;
    }

    /**
     * An ACK covered new data ({@code sndUna} already advanced).
     *
     * @param acked data bytes newly acknowledged.
     * @return true for a partial ACK in recovery: the first unacknowledged segment must be retransmitted now.
     */
    static boolean onNewAck(final TcpConnection conn, final int ack, final int acked)
    {
        final int mss = conn.mss;
        if (conn.inRecovery)
        {
            if (seqGeq(ack, conn.recover))
            {
                conn.inRecovery = false;
                conn.dupAcks = 0;
                conn.cwnd = Math.min(conn.ssthresh, Math.max(conn.sndMax - conn.sndUna, mss) + mss);
                return false;
            }
            conn.cwnd = Math.max(mss, conn.cwnd - acked + (acked >= mss ? mss : 0));
            return true;
        }

        conn.dupAcks = 0;
        if (conn.cwnd < conn.ssthresh)
        {
            conn.cwnd += Math.min(acked, mss);
        }
        else
        {
            conn.bytesAckedInAvoidance += acked;
            if (conn.bytesAckedInAvoidance >= conn.cwnd)
            {
                conn.bytesAckedInAvoidance -= conn.cwnd;
                conn.cwnd += mss;
            }
        }
        return false;
    }

    /**
     * @return true on the third duplicate ACK outside recovery: the caller fast-retransmits SND.UNA.
     */
    static boolean onDuplicateAck(final TcpConnection conn, final int ack)
    {
        conn.dupAcks++;
        final int mss = conn.mss;
        if (conn.inRecovery)
        {
            conn.cwnd += mss; // each duplicate means a segment left the network
            return false;
        }
        if (conn.dupAcks == 3 && seqGt(ack, conn.recover))
        {
            conn.ssthresh = Math.max((conn.sndMax - conn.sndUna) / 2, 2 * mss);
            conn.recover = conn.sndMax;
            conn.inRecovery = true;
            conn.cwnd = conn.ssthresh + 3 * mss;
            return true;
        }
        return false;
    }

    /** Loss detected by timeout: one segment's window, and no fast retransmit for data already sent. */
    static void onRetransmitTimeout(final TcpConnection conn)
    {
        conn.ssthresh = Math.max((conn.sndMax - conn.sndUna) / 2, 2 * conn.mss);
        conn.cwnd = conn.mss;
        conn.bytesAckedInAvoidance = 0;
        conn.inRecovery = false;
        conn.dupAcks = 0;
        conn.recover = conn.sndMax;
    }
}
