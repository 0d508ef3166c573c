package io.vnicsigner.dataplane.tcp;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.vnicsigner.dataplane.tcp.TcpConnection.NONE;
import static io.vnicsigner.dataplane.tcp.TcpConnection.seqGt;
import static io.vnicsigner.dataplane.tcp.TcpConnection.seqLeq;
import static io.vnicsigner.dataplane.tcp.TcpConnection.seqLt;
import static io.vnicsigner.dataplane.tcp.TcpFlags.ACK;
import static io.vnicsigner.dataplane.tcp.TcpFlags.FIN;
import static io.vnicsigner.dataplane.tcp.TcpFlags.PSH;
import static io.vnicsigner.dataplane.tcp.TcpFlags.RST;
import static io.vnicsigner.dataplane.tcp.TcpFlags.SYN;

/**
 * The send path of the endpoint: decides what the windows allow, builds every outgoing segment and hands it to the
 * {@link SegmentSink}, and arms the retransmission or persist timer for what it sent.
 */
final class TcpSender
{
    private static final long ONE_SECOND_NS = 1_000_000_000L;

    private final SegmentSink sink;
    private final BufferPool rcvPool;
    private final BufferPool sndPool;
    private final UnsafeBuffer sndMemory;
    private final RtoEstimator rto;
    private final int rcvCapacity;
    private final int sndCapacity;
    private final int sndMask;
    private final int ourMss;
    private final int challengeAcksPerSecond;
    private final UnsafeBuffer empty = new UnsafeBuffer(new byte[1]);

    TcpSender(
        final SegmentSink sink, final BufferPool rcvPool, final BufferPool sndPool, final RtoEstimator rto,
        final int ourMss, final int challengeAcksPerSecond)
    {
        this.sink = sink;
        this.rcvPool = rcvPool;
        this.sndPool = sndPool;
        this.sndMemory = sndPool.memory();
        this.rto = rto;
        this.rcvCapacity = rcvPool.chunkSize();
        this.sndCapacity = sndPool.chunkSize();
        this.sndMask = sndCapacity - 1;
        this.ourMss = ourMss;
        this.challengeAcksPerSecond = challengeAcksPerSecond;
    }

    /** Sends what the peer's window and cwnd allow (FIN last), or a pure ACK if one is owed, then arms a timer. */
    void output(final TcpConnection conn, final long nowNs)
    {
        final int state = conn.state;
        if (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT && state != TcpState.FIN_WAIT_1 &&
            state != TcpState.CLOSING && state != TcpState.LAST_ACK)
        {
            if (conn.ackPending)
            {
                sendAck(conn);
            }
            return;
        }

        boolean sent = false;
        int queued = 0;
        while (true)
        {
            queued = seqGt(conn.sndBufEnd, conn.sndNxt) ? conn.sndBufEnd - conn.sndNxt : 0;
            final boolean finToSend = conn.finQueued && seqLeq(conn.sndNxt, conn.sndBufEnd);
            if (queued == 0 && !finToSend)
            {
                break;
            }
            final int peerEdge = conn.sndWl2 + conn.sndWnd;
            // RFC 3042 limited transmit: each of the first two duplicate ACKs lets one new segment out.
            final int limitedTransmit = conn.inRecovery ? 0 : Math.min(conn.dupAcks, 2) * conn.mss;
            final int cwndEdge = conn.sndUna + conn.cwnd + limitedTransmit;
            final int edge = seqLt(peerEdge, cwndEdge) ? peerEdge : cwndEdge;
            final int usable = Math.max(0, edge - conn.sndNxt);
            final int allowed = Math.min(Math.min(conn.mss, queued), usable);
            if (allowed < queued && allowed < conn.mss && conn.sndNxt != conn.sndUna &&
                allowed < conn.maxSndWnd / 2)
            {
                break; // sender silly-window avoidance: wait for ACKs to open a worthwhile window
            }
            final int n = Math.min(allowed, sndCapacity - (conn.sndNxt & sndMask));
            final boolean fin = finToSend && n == queued;
            if (n == 0 && !fin)
            {
                break;
            }
            sendData(conn, conn.sndNxt, n, fin, n > 0 && n == queued);
            if (!conn.rttTiming && n > 0 && conn.sndNxt == conn.sndMax)
            {
                conn.rttTiming = true;
                conn.rttSeq = conn.sndNxt;
                conn.rttStartNs = nowNs;
            }
            conn.sndNxt += n + (fin ? 1 : 0);
            if (seqGt(conn.sndNxt, conn.sndMax))
            {
                conn.sndMax = conn.sndNxt;
            }
            if (!conn.rtxArmed)
            {
                conn.persistArmed = false;
                armRetransmit(conn, nowNs);
            }
            sent = true;
        }
        if (!sent && conn.ackPending)
        {
            sendAck(conn);
        }
        conn.ackPending = false;

        if (queued > 0 && conn.sndNxt == conn.sndUna && seqLeq(conn.sndWl2 + conn.sndWnd, conn.sndNxt) &&
            !conn.persistArmed)
        {
            conn.rtxArmed = false;
            conn.persistArmed = true;
            conn.retransmits = 0;
            conn.rtxDeadlineNs = nowNs + rto.backedOff(conn);
        }
    }

    /** Resends the segment at SND.UNA (fast retransmit and NewReno partial ACKs). */
    void retransmitFirst(final TcpConnection conn)
    {
        final int queued = conn.sendQueued();
        int n = Math.min(conn.mss, queued);
        n = Math.min(n, sndCapacity - (conn.sndUna & sndMask));
        final boolean fin = conn.finQueued && n == queued && !conn.finAcked();
        if (n > 0 || fin)
        {
            sendData(conn, conn.sndUna, n, fin, n > 0 && n == queued);
        }
    }

    /** One segment from the send ring; the window field is always current. */
    void sendData(final TcpConnection conn, final int seq, final int n, final boolean fin, final boolean psh)
    {
        final int flags = ACK | (fin ? FIN : 0) | (psh ? PSH : 0);
        final int window = advertiseWindow(conn);
        if (n > 0)
        {
            emit(conn.localIp, conn.localPort, conn.remoteIp, conn.remotePort, seq, conn.rcvNxt, flags, window,
                -1, -1, sndMemory, sndPool.baseOffset(conn.sndChunk) + (seq & sndMask), n);
        }
        else
        {
            emit(conn.localIp, conn.localPort, conn.remoteIp, conn.remotePort, seq, conn.rcvNxt, flags, window,
                -1, -1, empty, 0, 0);
        }
    }

    /** SYN-ACK for a SYN-RECEIVED connection: unscaled initial window, our MSS, our shift only if offered. */
    void sendSynAck(final TcpConnection conn)
    {
        emit(conn.localIp, conn.localPort, conn.remoteIp, conn.remotePort, conn.iss, conn.rcvNxt, SYN | ACK,
            Math.min(rcvCapacity, 65_535), ourMss, conn.sndWscaleOffered ? conn.rcvWscale : -1,
            empty, 0, 0);
    }

    /**
     * A pure ACK carrying the current window. Its sequence number is SND.MAX, as in BSD: after a timeout rewinds
     * SND.NXT, an ACK sequenced at SND.NXT would fall below the peer's RCV.NXT, and the peer would discard it
     * (and its window and acknowledgement) as old.
     */
    void sendAck(final TcpConnection conn)
    {
        emit(conn.localIp, conn.localPort, conn.remoteIp, conn.remotePort, conn.sndMax, conn.rcvNxt, ACK,
            advertiseWindow(conn), -1, -1, empty, 0, 0);
        conn.ackPending = false;
    }

    /** RFC 5961 challenge ACK, limited per connection per second. */
    void challengeAck(final TcpConnection conn, final long nowNs)
    {
        if (nowNs - conn.challengeWindowStartNs >= ONE_SECOND_NS || conn.challengeWindowStartNs == 0)
        {
            conn.challengeWindowStartNs = nowNs;
            conn.challengeAcks = 0;
        }
        if (conn.challengeAcks < challengeAcksPerSecond)
        {
            conn.challengeAcks++;
            sendAck(conn);
        }
    }

    /** @return the scaled window field to send, remembering the right edge it advertises. */
    int advertiseWindow(final TcpConnection conn)
    {
        final int window = receiveWindow(conn);
        final int field = Math.min(window >> conn.rcvWscale, 65_535);
        conn.lastAdvRightEdge = conn.rcvNxt + (field << conn.rcvWscale);
        return field;
    }

    /** @return receive window in bytes: zero when no buffer is held and the pool is empty. */
    int receiveWindow(final TcpConnection conn)
    {
        if (conn.rcvChunk == NONE && rcvPool.available() == 0)
        {
            return 0;
        }
        return Math.max(0, rcvCapacity - (conn.rcvNxt - conn.readSeq));
    }

    /** RST for a segment that matches no connection (RFC 9293 3.10.7.1). */
    void resetFor(
        final int remoteIp, final int remotePort, final int localIp, final int localPort, final int seq,
        final int ack, final int flags, final int len)
    {
        if ((flags & ACK) != 0)
        {
            emit(localIp, localPort, remoteIp, remotePort, ack, 0, RST, 0, -1, -1, empty, 0, 0);
        }
        else
        {
            final int segLen = len + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
            emit(localIp, localPort, remoteIp, remotePort, 0, seq + segLen, RST | ACK, 0, -1, -1, empty, 0, 0);
        }
    }

    private void emit(
        final int localIp, final int localPort, final int remoteIp, final int remotePort, final int seq,
        final int ack, final int flags, final int window, final int mss, final int wscale, final DirectBuffer data,
        final int off, final int len)
    {
        sink.onSegment(localIp, localPort, remoteIp, remotePort, seq, ack, flags, window, mss, wscale, data, off, len);
    }

    /** Arms the retransmission timer at the (backed-off) RTO, replacing the persist timer. */
    void armRetransmit(final TcpConnection conn, final long nowNs)
    {
        conn.rtxArmed = true;
        conn.persistArmed = false;
        conn.rtxDeadlineNs = nowNs + rto.backedOff(conn);
    }

    /** A stateless SYN-ACK (SYN cookie): our initial window, our MSS, our window shift or -1. */
    void sendSynAck(
        final int localIp, final int localPort, final int remoteIp, final int remotePort, final int seq,
        final int ack, final int wscale)
    {
        emit(localIp, localPort, remoteIp, remotePort, seq, ack, SYN | ACK, Math.min(rcvCapacity, 65_535), ourMss,
            wscale, empty, 0, 0);
    }

    /** {@code <SEQ=seq><CTL=RST>}, the reply to an unacceptable ACK. */
    void sendReset(final int localIp, final int localPort, final int remoteIp, final int remotePort, final int seq)
    {
        emit(localIp, localPort, remoteIp, remotePort, seq, 0, RST, 0, -1, -1, empty, 0, 0);
    }

    /** Aborts a connection from our side. */
    void sendReset(final TcpConnection conn)
    {
        emit(conn.localIp, conn.localPort, conn.remoteIp, conn.remotePort, conn.sndNxt, conn.rcvNxt, RST | ACK, 0,
            -1, -1, empty, 0, 0);
    }
}
