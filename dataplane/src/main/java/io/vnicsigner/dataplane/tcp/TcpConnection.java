package io.vnicsigner.dataplane.tcp;

/**
 * One preallocated connection slot: sequence state, congestion state, deadlines and the out-of-order interval list.
 * Buffers are chunks borrowed from the endpoint's pools only while bytes are held.
 */
final class TcpConnection
{
    static final int NONE = -1;

    final int slot;
    int generation;
    int state = TcpState.CLOSED;
    long key;
    int localIp;
    int localPort;
    int remoteIp;
    int remotePort;

    boolean halfOpen;
    boolean countedInInstance;
    boolean appAttached;
    boolean fromCookie;

    // Send side: byte with sequence s lives at (s & mask) of the send chunk.
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    int sndBufEnd;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    int sndWscale;
    boolean sndWscaleOffered;
    int mss;
    boolean finQueued;
    boolean sendBlocked;
    boolean inSendWait;
    int sendWaitNext = NONE;
    int sndChunk = NONE;

    // Receive side: byte with sequence s lives at (s & mask) of the receive chunk.
    int irs;
    int rcvNxt;
    int readSeq;
    int rcvWscale;
    int lastAdvRightEdge;
    int rcvChunk = NONE;
    boolean ackPending;
    boolean peerFin;
    boolean oooFin;
    int oooFinSeq;
    final int[] oooStart;
    final int[] oooEnd;
    int oooCount;

    // NewReno congestion control.
    int cwnd;
    int ssthresh;
    int dupAcks;
    int recover;
    boolean inRecovery;
    int bytesAckedInAvoidance;

    // RFC 6298 retransmission timer.
    long srttNs;
    long rttvarNs;
    long rtoNs;
    boolean rttValid;
    boolean rttTiming;
    int rttSeq;
    long rttStartNs;
    int retransmits;
    boolean rtxArmed;
    boolean persistArmed;
    long rtxDeadlineNs;

    long idleDeadlineNs;
    boolean idleArmed;
    boolean idleNotified;
    long appDeadlineNs;
    boolean appDeadlineArmed;
    long timeWaitDeadlineNs;

    long challengeWindowStartNs;
    int challengeAcks;

    int pendingEvents;
    boolean inReadyList;
    int readyPrev = NONE;
    int readyNext = NONE;

    TcpConnection(final int slot, final int maxOooIntervals)
    {
        this.slot = slot;
        this.oooStart = new int[maxOooIntervals];
        this.oooEnd = new int[maxOooIntervals];
    }

    static boolean seqLt(final int a, final int b)
    {
        return a - b < 0;
    }

    static boolean seqLeq(final int a, final int b)
    {
        return a - b <= 0;
    }

    static boolean seqGt(final int a, final int b)
    {
        return a - b > 0;
    }

    static boolean seqGeq(final int a, final int b)
    {
        return a - b >= 0;
    }

    int connId()
    {
        return (generation << 16) | slot;
    }

    void reset()
    {
        state = TcpState.CLOSED;
        halfOpen = false;
        countedInInstance = false;
        appAttached = false;
        fromCookie = false;
        sndUna = sndNxt = sndMax = sndBufEnd = sndWnd = sndWl1 = sndWl2 = maxSndWnd = 0;
        sndWscale = rcvWscale = 0;
        sndWscaleOffered = false;
        ackPending = false;
        finQueued = sendBlocked = false;
        rcvNxt = readSeq = lastAdvRightEdge = 0;
        peerFin = oooFin = false;
        oooCount = 0;
        cwnd = ssthresh = dupAcks = recover = bytesAckedInAvoidance = 0;
        inRecovery = false;
        srttNs = rttvarNs = rtoNs = 0;
        rttValid = rttTiming = false;
        retransmits = 0;
        rtxArmed = persistArmed = false;
        idleArmed = idleNotified = appDeadlineArmed = false;
        challengeAcks = 0;
        challengeWindowStartNs = 0;
        pendingEvents = 0;
    }

    int bytesInFlight()
    {
        return sndNxt - sndUna;
    }

    /** Bytes written by the application and not yet acknowledged, excluding the FIN. */
    int sendQueued()
    {
        return seqGt(sndBufEnd, sndUna) ? sndBufEnd - sndUna : 0;
    }

    boolean finSent()
    {
        return finQueued && seqGt(sndMax, sndBufEnd);
    }

    boolean finAcked()
    {
        return finQueued && seqGt(sndUna, sndBufEnd);
    }

    /**
     * Records [start, end) as received out of order, merging overlaps.
     *
     * @return false when the list is full and the interval could not be kept.
     */
    boolean addInterval(final int start, final int end)
    {
        int s = start;
        int e = end;
        int i = 0;
        while (i < oooCount)
        {
            if (seqLeq(oooStart[i], e) && seqGeq(oooEnd[i], s))
            {
                s = seqLt(oooStart[i], s) ? oooStart[i] : s;
                e = seqGt(oooEnd[i], e) ? oooEnd[i] : e;
                removeInterval(i);
            }
            else
            {
                i++;
            }
        }
        if (oooCount == oooStart.length)
        {
            return false;
        }
        oooStart[oooCount] = s;
        oooEnd[oooCount] = e;
        oooCount++;
        return true;
    }

    /** Advances rcvNxt over buffered intervals that now touch it. */
    void absorbIntervals()
    {
        boolean merged = true;
        while (merged)
        {
            merged = false;
            for (int i = 0; i < oooCount; i++)
            {
                if (seqLeq(oooStart[i], rcvNxt))
                {
                    if (seqGt(oooEnd[i], rcvNxt))
                    {
                        rcvNxt = oooEnd[i];
                    }
                    removeInterval(i);
                    merged = true;
                    break;
                }
            }
        }
    }

    private void removeInterval(final int i)
    {
        oooCount--;
        oooStart[i] = oooStart[oooCount];
        oooEnd[i] = oooEnd[oooCount];
    }
}
