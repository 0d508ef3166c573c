package io.vnicsigner.dataplane.tcp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.vnicsigner.dataplane.tcp.TcpConnection.NONE;
import static io.vnicsigner.dataplane.tcp.TcpConnection.seqGeq;
import static io.vnicsigner.dataplane.tcp.TcpConnection.seqGt;
import static io.vnicsigner.dataplane.tcp.TcpConnection.seqLeq;
import static io.vnicsigner.dataplane.tcp.TcpConnection.seqLt;
import static io.vnicsigner.dataplane.tcp.TcpFlags.ACK;
import static io.vnicsigner.dataplane.tcp.TcpFlags.FIN;
import static io.vnicsigner.dataplane.tcp.TcpFlags.RST;
import static io.vnicsigner.dataplane.tcp.TcpFlags.SYN;

/**
 * A pure, passive-open TCP endpoint (RFC 9293) for the signing IP: it takes decoded segments and {@code nowNs},
 * emits segments through a {@link SegmentSink}, reports per-segment outcomes as {@link TcpStatus} codes and
 * application events through {@link #pollEvents}. It never logs, throws on bad input, reads a clock or allocates
 * per segment.
 * <p>
 * Supported: the full passive-open state machine with bounded TIME-WAIT, RFC 6528 keyed ISNs (SipHash-2-4), MSS
 * and window scaling (RFC 7323), out-of-order reassembly, the RFC 6298 retransmission timer with Karn's rule, fast
 * retransmit with NewReno (RFC 6582) and limited transmit (RFC 3042), persist probes, RFC 5961 RST/SYN/ACK checks
 * with rate-limited challenge ACKs, and SYN cookies (RFC 4987) when the half-open table is full. Not supported:
 * active open, SACK and timestamps (declined by not echoing them), urgent data, TCP Fast Open, delayed ACKs (every
 * data segment is ACKed), IPv6. Bounds and their overflow actions are tabled in {@link TcpConfig} and
 * {@code docs/tcp-endpoint.md}.
 * <p>
 * Application calls ({@link #read}, {@link #write}, {@link #close}, ...) use the {@code nowNs} of the latest
 * {@link #onSegment} or {@link #onTimer} call. Not thread safe: one agent drives it.
 */
public final class TcpEndpoint
{
    private static final int MIN_MSS = 88;

    private final int localIp;
    private final boolean[] listening;
    private final int maxConnectionsPerInstance;
    private final int maxHalfOpen;
    private final boolean synCookiesEnabled;
    private final int maxTimeWait;
    private final int ourMss;
    private final long initialRtoNs;
    private final int maxRetransmits;
    private final int maxSynAckRetransmits;
    private final long timeWaitNs;
    private final long idleTimeoutNs;
    private final long headerReadTimeoutNs;
    private final long isnKey0;
    private final long isnKey1;
    private final int rcvCapacity;
    private final int sndCapacity;
    private final int rcvWscaleWhenOffered;

    private final ConnectionTable table;
    private final BufferPool rcvPool;
    private final BufferPool sndPool;
    private final ConnectionTimerWheel wheel;
    private final ConnectionTimerWheel.Expiry onExpiry = this::onConnectionTimer;
    private final SynCookies cookies;
    private final RtoEstimator rto;
    private final ReadyList ready;
    private final SendWaitQueue sendWaiters;
    private final TcpSender sender;

    private int halfOpenCount;
    private int timeWaitCount;
    private long nowNs;

    /**
     * @param config bounds and tunables, copied.
     * @param sink   receives every segment to transmit.
     */
    public TcpEndpoint(final TcpConfig config, final SegmentSink sink)
    {
        this.localIp = config.localIp;
        this.listening = config.listening.clone();
        this.maxConnectionsPerInstance = config.maxConnectionsPerInstance;
        this.maxHalfOpen = config.maxHalfOpen;
        this.synCookiesEnabled = config.synCookies;
        this.maxTimeWait = config.maxTimeWait;
        this.ourMss = config.mss;
        this.initialRtoNs = config.initialRtoNs;
        this.maxRetransmits = config.maxRetransmits;
        this.maxSynAckRetransmits = config.maxSynAckRetransmits;
        this.timeWaitNs = config.timeWaitNs;
        this.idleTimeoutNs = config.idleTimeoutNs;
        this.headerReadTimeoutNs = config.headerReadTimeoutNs;
        this.isnKey0 = config.isnKey0;
        this.isnKey1 = config.isnKey1;
        this.rcvCapacity = config.receiveBufferSize;
        this.sndCapacity = config.sendBufferSize;
        int shift = 0;
        while ((rcvCapacity >> shift) > 65_535)
        {
            shift++;
        }
        this.rcvWscaleWhenOffered = shift;

        final int max = config.maxConnections;
        this.table = new ConnectionTable(max, config.maxOutOfOrderIntervals);
        this.rcvPool = new BufferPool(rcvCapacity, config.receiveBufferCount);
        this.sndPool = new BufferPool(sndCapacity, config.sendBufferCount);
        this.wheel = new ConnectionTimerWheel(max, config.timerTickNs, config.timerBuckets);
        this.cookies = new SynCookies(config.cookieKey0, config.cookieKey1);
        this.rto = new RtoEstimator(config.minRtoNs, config.maxRtoNs, config.timerTickNs);
        this.ready = new ReadyList(table.slots());
        this.sendWaiters = new SendWaitQueue(table.slots());
        this.sender = new TcpSender(sink, rcvPool, sndPool, rto, config.mss, config.challengeAcksPerSecond);
    }

    // ------------------------------------------------------------------------------------------------ segment input

    /**
     * Processes one decoded, checksum-verified segment addressed to this endpoint.
     *
     * @param nowNs         current time.
     * @param remoteIp      source address.
     * @param remotePort    source port.
     * @param localIp       destination address (echoed back as the source of replies).
     * @param localPort     destination port.
     * @param seq           sequence number.
     * @param ack           acknowledgement number.
     * @param flags         {@link TcpFlags} bits.
     * @param window        raw 16-bit window field.
     * @param mss           MSS option, or -1.
     * @param wscale        window scale option, or -1.
     * @param sackPermitted SACK-permitted option seen (declined: never echoed).
     * @param hasTs         timestamps option seen (declined: never echoed).
     * @param tsVal         timestamp value (ignored).
     * @param tsEcr         timestamp echo (ignored).
     * @param payload       buffer holding the payload.
     * @param off           payload offset.
     * @param len           payload length.
     * @return a {@link TcpStatus} code.
     */
    public int onSegment(
        final long nowNs, final int remoteIp, final int remotePort, final int localIp, final int localPort,
        final int seq, final int ack, final int flags, final int window, final int mss, final int wscale,
        final boolean sackPermitted, final boolean hasTs, final int tsVal, final int tsEcr,
        final DirectBuffer payload, final int off, final int len)
    {
        this.nowNs = nowNs;
        final int f = flags & 0x1F;
        if (len < 0 || off < 0 || (len > 0 && (payload == null || off > payload.capacity() - len)))
        {
            return TcpStatus.INVALID;
        }
        if ((f & SYN) != 0 && (f & (FIN | RST)) != 0)
        {
            return TcpStatus.INVALID;
        }

        TcpConnection conn = table.find(remoteIp, remotePort, localPort);
        if (null != conn && conn.state == TcpState.TIME_WAIT && (f & (SYN | ACK)) == SYN &&
            seqGt(seq, conn.rcvNxt) && !conn.appAttached)
        {
            freeSlot(conn); // RFC 9293 3.10.7.4: a new SYN beyond the old sequence space may reuse a TIME-WAIT tuple
            conn = null;
        }

        if (null == conn)
        {
            return onListen(
                remoteIp, remotePort, localIp, localPort, seq, ack, f, window, mss, wscale, payload, off, len);
        }

        final int generation = conn.generation;
        final int status = conn.state == TcpState.SYN_RECEIVED ?
            onSynReceived(conn, seq, ack, f, window, payload, off, len) :
            onSynchronized(conn, seq, ack, f, window, payload, off, len);
        if (conn.generation == generation && conn.state != TcpState.CLOSED)
        {
            reschedule(conn);
        }
        return status;
    }

    /**
     * Runs expired retransmission, persist, TIME-WAIT, idle and application deadlines.
     *
     * @param nowNs current time.
     * @return the number of connection timers that expired.
     */
    public int onTimer(final long nowNs)
    {
        this.nowNs = nowNs;
        return wheel.poll(nowNs, onExpiry);
    }

    private int onListen(
        final int remoteIp, final int remotePort, final int localIp, final int localPort, final int seq,
        final int ack, final int flags, final int window, final int peerMss, final int peerWscale,
        final DirectBuffer payload, final int off, final int len)
    {
        if ((flags & RST) != 0)
        {
            return TcpStatus.NO_CONNECTION;
        }
        if (!listening[localPort & 0xFFFF])
        {
            sender.resetFor(remoteIp, remotePort, localIp, localPort, seq, ack, flags, len);
            return TcpStatus.NO_CONNECTION;
        }
        if ((flags & ACK) != 0)
        {
            if ((flags & SYN) == 0 && synCookiesEnabled &&
                cookies.verify(nowNs, ack - 1, remoteIp, remotePort, localPort, seq - 1))
            {
                return onCookieAck(
                    remoteIp, remotePort, localIp, localPort, seq, ack, flags, window, payload, off, len);
            }
            sender.sendReset(localIp, localPort, remoteIp, remotePort, ack);
            return (flags & SYN) == 0 && synCookiesEnabled ? TcpStatus.SYN_COOKIE_INVALID : TcpStatus.NO_CONNECTION;
        }
        if ((flags & SYN) == 0)
        {
            return TcpStatus.NO_CONNECTION;
        }

        if (table.instanceCount(remoteIp) >= maxConnectionsPerInstance)
        {
            sender.resetFor(remoteIp, remotePort, localIp, localPort, seq, ack, flags, len);
            return TcpStatus.REJECTED_INSTANCE_LIMIT;
        }
        if (halfOpenCount >= maxHalfOpen)
        {
            if (synCookiesEnabled)
            {
                final int cookie = cookies.encode(nowNs, remoteIp, remotePort, localPort, seq, peerMss, peerWscale);
                final int shift = peerWscale >= 0 ? rcvWscaleWhenOffered : -1; // our shift, echoed only if offered
                sender.sendSynAck(localIp, localPort, remoteIp, remotePort, cookie, seq + 1, shift);
                return TcpStatus.SYN_COOKIE_SENT;
            }
            sender.resetFor(remoteIp, remotePort, localIp, localPort, seq, ack, flags, len);
            return TcpStatus.REJECTED_HALF_OPEN_LIMIT;
        }
        if (table.isFull())
        {
            sender.resetFor(remoteIp, remotePort, localIp, localPort, seq, ack, flags, len);
            return TcpStatus.REJECTED_HOST_LIMIT;
        }

        final TcpConnection conn = table.allocate(remoteIp, remotePort, localIp, localPort);
        conn.irs = seq;
        conn.rcvNxt = seq + 1;
        conn.readSeq = seq + 1;
        conn.iss = isn(remoteIp, remotePort, localIp, localPort);
        conn.sndUna = conn.iss;
        conn.sndNxt = conn.iss + 1;
        conn.sndMax = conn.iss + 1;
        conn.sndBufEnd = conn.iss + 1;
        negotiate(conn, peerMss, peerWscale);
        conn.sndWnd = window & 0xFFFF; // never scaled in a SYN
        conn.maxSndWnd = conn.sndWnd;
        conn.sndWl1 = seq;
        conn.sndWl2 = conn.iss;
        conn.halfOpen = true;
        halfOpenCount++;
        conn.state = TcpState.SYN_RECEIVED;
        conn.rtoNs = initialRtoNs;
        conn.rttTiming = true;
        conn.rttSeq = conn.iss;
        conn.rttStartNs = nowNs;
        sender.sendSynAck(conn);
        sender.armRetransmit(conn, nowNs);
        reschedule(conn);

        return TcpStatus.SYN_ACCEPTED;
    }

    private int onCookieAck(
        final int remoteIp, final int remotePort, final int localIp, final int localPort, final int seq,
        final int ack, final int flags, final int window, final DirectBuffer payload, final int off, final int len)
    {
        if (table.instanceCount(remoteIp) >= maxConnectionsPerInstance)
        {
            sender.sendReset(localIp, localPort, remoteIp, remotePort, ack);
            return TcpStatus.REJECTED_INSTANCE_LIMIT;
        }
        if (table.isFull())
        {
            sender.sendReset(localIp, localPort, remoteIp, remotePort, ack);
            return TcpStatus.REJECTED_HOST_LIMIT;
        }

        final int cookie = ack - 1;
        final TcpConnection conn = table.allocate(remoteIp, remotePort, localIp, localPort);
        conn.fromCookie = true;
        conn.irs = seq - 1;
        conn.rcvNxt = seq;
        conn.readSeq = seq;
        conn.iss = cookie;
        conn.sndUna = ack;
        conn.sndNxt = ack;
        conn.sndMax = ack;
        conn.sndBufEnd = ack;
        negotiate(conn, SynCookies.mssOf(cookie), SynCookies.wscaleOf(cookie));
        conn.rtoNs = initialRtoNs;
        establish(conn, seq, ack, window);
        final int generation = conn.generation;
        onSynchronized(conn, seq, ack, flags, window, payload, off, len);
        if (conn.generation == generation && conn.state != TcpState.CLOSED)
        {
            reschedule(conn);
        }
        return TcpStatus.SYN_COOKIE_ACCEPTED;
    }

    private int onSynReceived(
        final TcpConnection conn, final int seq, final int ack, final int flags, final int window,
        final DirectBuffer payload, final int off, final int len)
    {
        if ((flags & RST) != 0)
        {
            if (seqGeq(seq, conn.rcvNxt) && seqLt(seq, conn.rcvNxt + rcvCapacity))
            {
                freeSlot(conn);
                return TcpStatus.RESET_ACCEPTED;
            }
            return TcpStatus.IGNORED;
        }
        if ((flags & SYN) != 0)
        {
            if ((flags & ACK) == 0 && seq == conn.irs)
            {
                sender.sendSynAck(conn);
                return TcpStatus.DUPLICATE_SYN;
            }
            sender.challengeAck(conn, nowNs);
            return TcpStatus.CHALLENGE_ACK;
        }
        if ((flags & ACK) == 0)
        {
            return TcpStatus.NO_ACK_DROPPED;
        }
        if (ack != conn.iss + 1)
        {
            sender.sendReset(conn.localIp, conn.localPort, conn.remoteIp, conn.remotePort, ack);
            return TcpStatus.ACK_UNSENT_DATA;
        }
        if (!isAcceptable(conn, seq, len + ((flags & FIN) != 0 ? 1 : 0)))
        {
            sender.sendAck(conn);
            return TcpStatus.OUT_OF_WINDOW;
        }

        if (conn.rttTiming && conn.retransmits == 0)
        {
            rto.sample(conn, nowNs - conn.rttStartNs);
        }
        conn.rttTiming = false;
        conn.retransmits = 0;
        conn.rtxArmed = false;
        conn.sndUna = ack;
        conn.halfOpen = false;
        halfOpenCount--;
        establish(conn, seq, ack, window);
        return onSynchronized(conn, seq, ack, flags, window, payload, off, len);
    }

    private void establish(final TcpConnection conn, final int seq, final int ack, final int window)
    {
        conn.state = TcpState.ESTABLISHED;
        conn.sndWnd = (window & 0xFFFF) << conn.sndWscale;
        conn.maxSndWnd = conn.sndWnd;
        conn.sndWl1 = seq;
        conn.sndWl2 = ack;
        NewReno.onEstablished(conn);
        conn.appAttached = true;
        touchIdle(conn);
        if (headerReadTimeoutNs > 0)
        {
            conn.appDeadlineArmed = true;
            conn.appDeadlineNs = nowNs + headerReadTimeoutNs;
        }
        post(conn, TcpEvent.ACCEPTED);
    }

    private int onSynchronized(
        final TcpConnection conn, final int seq, final int ack, final int flags, final int window,
        final DirectBuffer payload, final int off, final int len)
    {
        final int segLen = len + ((flags & FIN) != 0 ? 1 : 0);
        int dataLen = len;
        int status = TcpStatus.OK;
        if (!isAcceptable(conn, seq, segLen))
        {
            if (sender.receiveWindow(conn) == 0 && seq == conn.rcvNxt)
            {
                dataLen = 0; // RFC 9293 3.10.7.4: with a zero window still process ACK and RST, drop the data
                conn.ackPending = true;
                status = TcpStatus.OUT_OF_WINDOW;
            }
            else
            {
                if ((flags & RST) != 0)
                {
                    return TcpStatus.IGNORED;
                }
                if (conn.state == TcpState.TIME_WAIT && (flags & FIN) != 0)
                {
                    conn.timeWaitDeadlineNs = nowNs + timeWaitNs;
                }
                sender.sendAck(conn);
                return TcpStatus.OUT_OF_WINDOW;
            }
        }

        if ((flags & RST) != 0)
        {
            if (conn.state == TcpState.TIME_WAIT)
            {
                return TcpStatus.IGNORED; // RFC 1337
            }
            if (seq == conn.rcvNxt)
            {
                toClosed(conn, TcpEvent.RESET);
                return TcpStatus.RESET_ACCEPTED;
            }
            sender.challengeAck(conn, nowNs);
            return TcpStatus.CHALLENGE_ACK;
        }
        if ((flags & SYN) != 0)
        {
            sender.challengeAck(conn, nowNs);
            return TcpStatus.CHALLENGE_ACK;
        }
        if ((flags & ACK) == 0)
        {
            return TcpStatus.NO_ACK_DROPPED;
        }

        if (seqGt(ack, conn.sndMax))
        {
            sender.sendAck(conn);
            return TcpStatus.ACK_UNSENT_DATA;
        }
        if (seqLt(ack, conn.sndUna - Math.max(conn.maxSndWnd, 1)))
        {
            sender.challengeAck(conn, nowNs);
            return TcpStatus.CHALLENGE_ACK;
        }

        final int scaledWindow = (window & 0xFFFF) << conn.sndWscale;
        if (seqGt(ack, conn.sndUna))
        {
            onNewAck(conn, ack);
        }
        else if (ack == conn.sndUna && len == 0 && (flags & FIN) == 0 && conn.sndNxt != conn.sndUna &&
            scaledWindow == conn.sndWnd)
        {
            status = onDuplicateAck(conn, ack);
        }
        if (seqGt(seq, conn.sndWl1) || (seq == conn.sndWl1 && seqGeq(ack, conn.sndWl2)))
        {
            conn.sndWnd = scaledWindow;
            conn.sndWl1 = seq;
            conn.sndWl2 = ack;
            if (scaledWindow > conn.maxSndWnd)
            {
                conn.maxSndWnd = scaledWindow;
            }
        }

        if (conn.finAcked())
        {
            switch (conn.state)
            {
                case TcpState.LAST_ACK:
                    toClosed(conn, TcpEvent.CLOSED);
                    return status;
                case TcpState.FIN_WAIT_1:
                    conn.state = TcpState.FIN_WAIT_2;
                    break;
                case TcpState.CLOSING:
                    enterTimeWait(conn);
                    break;
                default:
                    break;
            }
        }
        if (conn.state == TcpState.TIME_WAIT || conn.state == TcpState.CLOSED)
        {
            return conn.state == TcpState.TIME_WAIT ? TcpStatus.IGNORED : status;
        }

        if (dataLen > 0)
        {
            if (conn.peerFin)
            {
                conn.ackPending = true;
                status = TcpStatus.IGNORED;
            }
            else
            {
                final int dataStatus = receiveData(conn, seq, payload, off, dataLen);
                status = dataStatus != TcpStatus.OK ? dataStatus : status;
            }
        }
        if ((flags & FIN) != 0 && !conn.peerFin && dataLen == len)
        {
            final int finSeq = seq + len;
            if (finSeq == conn.rcvNxt)
            {
                onPeerFin(conn);
            }
            else if (seqGt(finSeq, conn.rcvNxt) && seqLeq(finSeq, conn.readSeq + rcvCapacity))
            {
                conn.oooFin = true;
                conn.oooFinSeq = finSeq;
                conn.ackPending = true;
            }
        }
        if (conn.oooFin && !conn.peerFin && conn.rcvNxt == conn.oooFinSeq)
        {
            onPeerFin(conn);
        }
        if (conn.state == TcpState.CLOSED)
        {
            return status;
        }

        sender.output(conn, nowNs);
        return status;
    }

    private boolean isAcceptable(final TcpConnection conn, final int seq, final int segLen)
    {
        final int wnd = sender.receiveWindow(conn);
        final int rcvNxt = conn.rcvNxt;
        if (segLen == 0)
        {
            // The right edge is inclusive for empty segments, as Linux does: a peer that has filled our window
            // sends its ACKs with SEQ = RCV.NXT + RCV.WND, and refusing them would ignore its acknowledgements.
            return seqGeq(seq, rcvNxt) && seqLeq(seq, rcvNxt + wnd);
        }
        if (wnd == 0)
        {
            return false;
        }
        final int last = seq + segLen - 1;
        return (seqGeq(seq, rcvNxt) && seqLt(seq, rcvNxt + wnd)) ||
            (seqGeq(last, rcvNxt) && seqLt(last, rcvNxt + wnd));
    }

    private int receiveData(
        final TcpConnection conn, final int segSeq, final DirectBuffer payload, final int segOff, final int segLen)
    {
        conn.ackPending = true;
        int seq = segSeq;
        int off = segOff;
        int len = segLen;
        if (seqLt(seq, conn.rcvNxt))
        {
            final int duplicate = conn.rcvNxt - seq;
            if (duplicate >= len)
            {
                return TcpStatus.OK;
            }
            seq += duplicate;
            off += duplicate;
            len -= duplicate;
        }
        final int rightEdge = conn.readSeq + rcvCapacity;
        if (seqGt(seq + len, rightEdge))
        {
            len = rightEdge - seq;
            if (len <= 0)
            {
                return TcpStatus.OUT_OF_WINDOW;
            }
        }
        if (conn.rcvChunk == NONE)
        {
            conn.rcvChunk = rcvPool.acquire();
            if (conn.rcvChunk == NONE)
            {
                return TcpStatus.NO_RECEIVE_BUFFER;
            }
        }

        rcvPool.copyIn(conn.rcvChunk, seq, payload, off, len);

        if (seq == conn.rcvNxt)
        {
            conn.rcvNxt = seq + len;
            conn.absorbIntervals();
            touchIdle(conn);
            post(conn, TcpEvent.DATA_READABLE);
            return TcpStatus.OK;
        }

        return conn.addInterval(seq, seq + len) ? TcpStatus.OUT_OF_ORDER_BUFFERED : TcpStatus.OUT_OF_ORDER_DROPPED;
    }

    private void onPeerFin(final TcpConnection conn)
    {
        conn.rcvNxt++;
        conn.peerFin = true;
        conn.oooFin = false;
        conn.ackPending = true;
        post(conn, TcpEvent.PEER_FIN);
        switch (conn.state)
        {
            case TcpState.ESTABLISHED:
                conn.state = TcpState.CLOSE_WAIT;
                break;
            case TcpState.FIN_WAIT_1:
                conn.state = TcpState.CLOSING;
                break;
            case TcpState.FIN_WAIT_2:
                sender.sendAck(conn);
                conn.ackPending = false;
                enterTimeWait(conn);
                break;
            default:
                break;
        }
    }

    // ----------------------------------------------------------------------------------------------- ACK handling

    private void onNewAck(final TcpConnection conn, final int ack)
    {
        final int dataEnd = seqLt(ack, conn.sndBufEnd) ? ack : conn.sndBufEnd;
        final int acked = seqGt(dataEnd, conn.sndUna) ? dataEnd - conn.sndUna : 0;
        conn.sndUna = ack;
        if (seqLt(conn.sndNxt, ack))
        {
            conn.sndNxt = ack;
        }
        if (seqLt(conn.sndMax, ack))
        {
            conn.sndMax = ack;
        }
        conn.retransmits = 0;
        if (conn.rttTiming && seqGt(ack, conn.rttSeq))
        {
            rto.sample(conn, nowNs - conn.rttStartNs);
            conn.rttTiming = false;
        }

        if (NewReno.onNewAck(conn, ack, acked))
        {
            sender.retransmitFirst(conn); // RFC 6582 partial ACK: the next hole is lost too
        }

        if (acked > 0)
        {
            touchIdle(conn);
        }
        if (conn.sndUna == conn.sndMax)
        {
            conn.rtxArmed = false;
        }
        else if (!conn.persistArmed)
        {
            sender.armRetransmit(conn, nowNs);
        }
        if (conn.sendQueued() == 0 && conn.sndChunk != NONE)
        {
            sndPool.release(conn.sndChunk);
            conn.sndChunk = NONE;
            wakeSendWaiter();
        }
        if (conn.sendBlocked && acked > 0)
        {
            conn.sendBlocked = false;
            post(conn, TcpEvent.WRITABLE);
        }
    }

    private int onDuplicateAck(final TcpConnection conn, final int ack)
    {
        if (NewReno.onDuplicateAck(conn, ack))
        {
            conn.rttTiming = false;
            sender.retransmitFirst(conn);
            return TcpStatus.FAST_RETRANSMIT;
        }
        return TcpStatus.OK;
    }

    // ---------------------------------------------------------------------------------------------------- timers

    private void touchIdle(final TcpConnection conn)
    {
        conn.idleArmed = idleTimeoutNs > 0;
        conn.idleNotified = false;
        conn.idleDeadlineNs = nowNs + idleTimeoutNs;
    }

    private void reschedule(final TcpConnection conn)
    {
        long next = 0;
        boolean any = false;
        if (conn.state == TcpState.TIME_WAIT)
        {
            next = conn.timeWaitDeadlineNs;
            any = true;
        }
        else
        {
            if (conn.rtxArmed || conn.persistArmed)
            {
                next = conn.rtxDeadlineNs;
                any = true;
            }
            if (conn.idleArmed && (!any || conn.idleDeadlineNs - next < 0))
            {
                next = conn.idleDeadlineNs;
                any = true;
            }
            if (conn.appDeadlineArmed && (!any || conn.appDeadlineNs - next < 0))
            {
                next = conn.appDeadlineNs;
                any = true;
            }
        }
        if (any)
        {
            wheel.schedule(conn.slot, next, nowNs);
        }
        else
        {
            wheel.cancel(conn.slot);
        }
    }

    private void onConnectionTimer(final int slot, final long nowNs)
    {
        final TcpConnection conn = table.slot(slot);
        final int generation = conn.generation;
        if (conn.state == TcpState.CLOSED)
        {
            return;
        }
        if (conn.state == TcpState.TIME_WAIT)
        {
            if (conn.timeWaitDeadlineNs - nowNs <= 0)
            {
                toClosed(conn, TcpEvent.CLOSED);
            }
            else
            {
                reschedule(conn);
            }
            return;
        }
        if ((conn.rtxArmed || conn.persistArmed) && conn.rtxDeadlineNs - nowNs <= 0)
        {
            onRetransmitTimer(conn);
            if (conn.generation != generation || conn.state == TcpState.CLOSED)
            {
                return;
            }
        }
        if (conn.idleArmed && conn.idleDeadlineNs - nowNs <= 0)
        {
            if (!conn.idleNotified && conn.appAttached &&
                (conn.state == TcpState.ESTABLISHED || conn.state == TcpState.CLOSE_WAIT))
            {
                conn.idleNotified = true;
                conn.idleDeadlineNs = nowNs + idleTimeoutNs;
                post(conn, TcpEvent.IDLE_TIMEOUT);
            }
            else
            {
                abortConnection(conn);
                return;
            }
        }
        if (conn.appDeadlineArmed && conn.appDeadlineNs - nowNs <= 0)
        {
            conn.appDeadlineArmed = false;
            post(conn, TcpEvent.DEADLINE);
        }
        reschedule(conn);
    }

    private void onRetransmitTimer(final TcpConnection conn)
    {
        if (conn.state == TcpState.SYN_RECEIVED)
        {
            if (conn.retransmits >= maxSynAckRetransmits)
            {
                freeSlot(conn);
                return;
            }
            conn.retransmits++;
            conn.rttTiming = false;
            sender.sendSynAck(conn);
            sender.armRetransmit(conn, nowNs);
            return;
        }

        if (conn.persistArmed)
        {
            if (conn.sendQueued() > 0 && conn.sndChunk != NONE)
            {
                // Probe with one new byte; it is accounted in sndMax only, so the window stays authoritative.
                sender.sendData(conn, conn.sndNxt, 1, false, false);
                if (seqGt(conn.sndNxt + 1, conn.sndMax))
                {
                    conn.sndMax = conn.sndNxt + 1;
                }
                conn.retransmits = Math.min(conn.retransmits + 1, 30);
                conn.rtxDeadlineNs = nowNs + rto.backedOff(conn);
            }
            else
            {
                conn.persistArmed = false;
            }
            return;
        }

        if (conn.retransmits >= maxRetransmits)
        {
            abortConnection(conn);
            return;
        }
        conn.retransmits++; // backs off the RTO until an ACK for new data arrives (Linux-style, see docs)
        NewReno.onRetransmitTimeout(conn);
        conn.rttTiming = false;
        conn.sndNxt = conn.sndUna;
        conn.rtxArmed = false;
        sender.output(conn, nowNs);
        if (!conn.rtxArmed && !conn.persistArmed && conn.sndUna != conn.sndMax)
        {
            sender.armRetransmit(conn, nowNs);
        }
    }

    // ----------------------------------------------------------------------------------------------- lifecycle

    private void negotiate(final TcpConnection conn, final int peerMss, final int peerWscale)
    {
        conn.mss = Math.min(Math.max(peerMss > 0 ? peerMss : 536, MIN_MSS), ourMss); // a tiny MSS would amplify work
        conn.sndWscaleOffered = peerWscale >= 0;
        conn.sndWscale = peerWscale >= 0 ? Math.min(peerWscale, 14) : 0;
        conn.rcvWscale = peerWscale >= 0 ? rcvWscaleWhenOffered : 0;
    }

    private void enterTimeWait(final TcpConnection conn)
    {
        table.uncountInstance(conn);
        conn.rtxArmed = false;
        conn.persistArmed = false;
        conn.idleArmed = false;
        conn.appDeadlineArmed = false;
        if (timeWaitCount >= maxTimeWait)
        {
            toClosed(conn, TcpEvent.CLOSED); // TIME-WAIT table full: forget the tuple at once
            return;
        }
        conn.state = TcpState.TIME_WAIT;
        timeWaitCount++;
        conn.timeWaitDeadlineNs = nowNs + timeWaitNs;
        post(conn, TcpEvent.CLOSED);
    }

    private void toClosed(final TcpConnection conn, final int event)
    {
        if (conn.state == TcpState.TIME_WAIT)
        {
            timeWaitCount--;
        }
        conn.state = TcpState.CLOSED;
        table.unmap(conn); // the tuple is free for a new connection at once
        conn.rtxArmed = false;
        conn.persistArmed = false;
        conn.idleArmed = false;
        conn.appDeadlineArmed = false;
        wheel.cancel(conn.slot);
        if (conn.appAttached)
        {
            post(conn, event); // the slot is freed once the application has seen the event
        }
        else
        {
            freeSlot(conn);
        }
    }

    private void abortConnection(final TcpConnection conn)
    {
        sender.sendReset(conn);
        toClosed(conn, TcpEvent.RESET);
    }

    private void freeSlot(final TcpConnection conn)
    {
        if (conn.state == TcpState.TIME_WAIT)
        {
            timeWaitCount--;
        }
        if (conn.halfOpen)
        {
            halfOpenCount--;
        }
        wheel.cancel(conn.slot);
        ready.remove(conn);
        if (conn.rcvChunk != NONE)
        {
            rcvPool.release(conn.rcvChunk);
            conn.rcvChunk = NONE;
        }
        if (conn.sndChunk != NONE)
        {
            sndPool.release(conn.sndChunk);
            conn.sndChunk = NONE;
            wakeSendWaiter();
        }
        table.release(conn);
    }

    private void detach(final TcpConnection conn)
    {
        conn.appAttached = false;
        conn.generation = (conn.generation + 1) & 0x7FFF;
        if (conn.state == TcpState.CLOSED)
        {
            freeSlot(conn);
        }
        else if (conn.rcvChunk != NONE)
        {
            rcvPool.release(conn.rcvChunk); // TIME-WAIT keeps the tuple but no longer needs unread bytes
            conn.rcvChunk = NONE;
            conn.readSeq = conn.rcvNxt;
        }
    }

    private int isn(final int remoteIp, final int remotePort, final int localIp, final int localPort)
    {
        final long m0 = ((long)localIp << 32) | (remoteIp & 0xFFFFFFFFL);
        final long m1 = ((long)(localPort & 0xFFFF) << 16) | (remotePort & 0xFFFF);
        return (int)(nowNs / 4_000) + (int)SipHash.hash(isnKey0, isnKey1, m0, m1, 12); // RFC 6528: M + F(tuple)
    }

    // ------------------------------------------------------------------------------------------------ events

    private void post(final TcpConnection conn, final int events)
    {
        if (conn.appAttached)
        {
            ready.post(conn, events);
        }
    }

    private void wakeSendWaiter()
    {
        TcpConnection conn;
        while (null != (conn = sendWaiters.poll()))
        {
            if (conn.appAttached && conn.sendBlocked && conn.sndChunk == NONE)
            {
                conn.sendBlocked = false;
                post(conn, TcpEvent.WRITABLE);
                return;
            }
        }
    }

    /**
     * Delivers pending events, at most one call per connection, oldest first.
     *
     * @param handler receives each connection's coalesced event bits.
     * @param limit   most connections to deliver.
     * @return the number of connections delivered.
     */
    public int pollEvents(final TcpEventHandler handler, final int limit)
    {
        int delivered = 0;
        TcpConnection conn;
        while (delivered < limit && null != (conn = ready.poll()))
        {
            final int events = conn.pendingEvents;
            conn.pendingEvents = 0;
            final int generation = conn.generation;
            handler.onEvent(conn.connId(), events);
            delivered++;
            if ((events & (TcpEvent.CLOSED | TcpEvent.RESET)) != 0 && conn.generation == generation &&
                conn.appAttached)
            {
                detach(conn);
            }
        }
        return delivered;
    }

    // ------------------------------------------------------------------------------------------ application API

    /**
     * @return in-order bytes ready to read, or {@link TcpStatus#ERR_UNKNOWN_CONNECTION}.
     */
    public int readable(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        return null == conn ? TcpStatus.ERR_UNKNOWN_CONNECTION : conn.rcvNxt - conn.readSeq - (conn.peerFin ? 1 : 0);
    }

    /**
     * Copies and consumes in-order bytes, opening the receive window.
     *
     * @return bytes copied (0 when none are ready) or a negative {@link TcpStatus} error.
     */
    public int read(final int connId, final MutableDirectBuffer dst, final int off, final int len)
    {
        final int n = peek(connId, dst, off, len);
        return n > 0 ? consume(connId, n) : n;
    }

    /**
     * Copies in-order bytes without consuming them, so an application can parse first and {@link #consume} only
     * what it could act on; the rest stays in the receive buffer (and keeps the window closed) for later.
     *
     * @return bytes copied (0 when none are ready) or a negative {@link TcpStatus} error.
     */
    public int peek(final int connId, final MutableDirectBuffer dst, final int off, final int len)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        final int available = conn.rcvNxt - conn.readSeq - (conn.peerFin ? 1 : 0);
        final int n = Math.min(Math.max(len, 0), available);
        if (n <= 0 || conn.rcvChunk == NONE)
        {
            return 0;
        }
        rcvPool.copyOut(conn.rcvChunk, conn.readSeq, dst, off, n);
        return n;
    }

    /**
     * Consumes {@code count} in-order bytes (at most those readable), opening the receive window.
     *
     * @return bytes consumed or a negative {@link TcpStatus} error.
     */
    public int consume(final int connId, final int count)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        final int available = conn.rcvNxt - conn.readSeq - (conn.peerFin ? 1 : 0);
        final int n = Math.min(Math.max(count, 0), available);
        if (n <= 0 || conn.rcvChunk == NONE)
        {
            return 0;
        }
        conn.readSeq += n;
        if (conn.readSeq == conn.rcvNxt - (conn.peerFin ? 1 : 0) && conn.oooCount == 0)
        {
            rcvPool.release(conn.rcvChunk);
            conn.rcvChunk = NONE;
        }

        final int state = conn.state;
        if (state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2)
        {
            final int oldRemaining = conn.lastAdvRightEdge - conn.rcvNxt;
            final int newWindow = rcvCapacity - (conn.rcvNxt - conn.readSeq);
            if (newWindow - oldRemaining >= Math.min(rcvCapacity / 2, 2 * conn.mss))
            {
                sender.sendAck(conn); // window update (RFC 9293 receiver SWS avoidance threshold)
            }
        }
        return n;
    }

    /**
     * @return bytes {@link #write} would accept now, or a negative {@link TcpStatus} error.
     */
    public int writable(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        if ((conn.state != TcpState.ESTABLISHED && conn.state != TcpState.CLOSE_WAIT) || conn.finQueued)
        {
            return 0;
        }
        if (conn.sndChunk == NONE && sndPool.available() == 0)
        {
            return 0;
        }
        return sndCapacity - conn.sendQueued();
    }

    /**
     * Asks for a {@link TcpEvent#WRITABLE} event once at least {@code bytes} of send space is free, for an
     * application that holds back input until it can answer it. If the space is free already the event is raised
     * at once.
     *
     * @return {@link TcpStatus#OK} or a negative {@link TcpStatus} error.
     */
    public int awaitWritable(final int connId, final int bytes)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        if (writable(connId) >= bytes)
        {
            post(conn, TcpEvent.WRITABLE);
        }
        else
        {
            conn.sendBlocked = true;
            if (conn.sndChunk == NONE)
            {
                sendWaiters.add(conn);
            }
        }
        return TcpStatus.OK;
    }

    /**
     * Queues response bytes and transmits what the windows allow. Accepts only what fits in the send buffer; when
     * it accepts less than offered, {@link TcpEvent#WRITABLE} follows once space is freed.
     *
     * @return bytes accepted, or a negative {@link TcpStatus} error.
     */
    public int write(final int connId, final DirectBuffer src, final int off, final int len)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        if ((conn.state != TcpState.ESTABLISHED && conn.state != TcpState.CLOSE_WAIT) || conn.finQueued)
        {
            return TcpStatus.ERR_STATE;
        }
        if (len <= 0)
        {
            return 0;
        }
        if (conn.sndChunk == NONE)
        {
            conn.sndChunk = sndPool.acquire();
            if (conn.sndChunk == NONE)
            {
                conn.sendBlocked = true;
                sendWaiters.add(conn);
                return 0;
            }
        }
        final int n = Math.min(len, sndCapacity - conn.sendQueued());
        if (n < len)
        {
            conn.sendBlocked = true;
        }
        if (n > 0)
        {
            sndPool.copyIn(conn.sndChunk, conn.sndBufEnd, src, off, n);
            conn.sndBufEnd += n;
            touchIdle(conn);
            sender.output(conn, nowNs);
            reschedule(conn);
        }
        return n;
    }

    /**
     * Sends FIN after all queued bytes. Idempotent once closing.
     *
     * @return {@link TcpStatus#OK} or {@link TcpStatus#ERR_UNKNOWN_CONNECTION}.
     */
    public int close(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        if (conn.state == TcpState.ESTABLISHED)
        {
            conn.state = TcpState.FIN_WAIT_1;
        }
        else if (conn.state == TcpState.CLOSE_WAIT)
        {
            conn.state = TcpState.LAST_ACK;
        }
        else
        {
            return TcpStatus.OK;
        }
        conn.finQueued = true;
        sender.output(conn, nowNs);
        reschedule(conn);
        return TcpStatus.OK;
    }

    /**
     * Sends RST and frees the connection at once; no further events are delivered for it.
     *
     * @return {@link TcpStatus#OK} or {@link TcpStatus#ERR_UNKNOWN_CONNECTION}.
     */
    public int abort(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        if (conn.state != TcpState.TIME_WAIT && conn.state != TcpState.CLOSED)
        {
            sender.sendReset(conn);
        }
        conn.appAttached = false;
        if (conn.state == TcpState.TIME_WAIT)
        {
            conn.generation = (conn.generation + 1) & 0x7FFF;
            ready.remove(conn);
            return TcpStatus.OK;
        }
        freeSlot(conn);
        return TcpStatus.OK;
    }

    /**
     * Arms the application deadline (for example the header-read timeout); {@link TcpEvent#DEADLINE} fires once.
     *
     * @return {@link TcpStatus#OK} or {@link TcpStatus#ERR_UNKNOWN_CONNECTION}.
     */
    public int setDeadline(final int connId, final long deadlineNs)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        if (conn.state != TcpState.TIME_WAIT && conn.state != TcpState.CLOSED)
        {
            conn.appDeadlineArmed = true;
            conn.appDeadlineNs = deadlineNs;
            reschedule(conn);
        }
        return TcpStatus.OK;
    }

    /**
     * @return {@link TcpStatus#OK} or {@link TcpStatus#ERR_UNKNOWN_CONNECTION}.
     */
    public int clearDeadline(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        if (null == conn)
        {
            return TcpStatus.ERR_UNKNOWN_CONNECTION;
        }
        conn.appDeadlineArmed = false;
        if (conn.state != TcpState.TIME_WAIT && conn.state != TcpState.CLOSED)
        {
            reschedule(conn);
        }
        return TcpStatus.OK;
    }

    /**
     * @return the {@link TcpState} of the connection, or {@link TcpStatus#ERR_UNKNOWN_CONNECTION}.
     */
    public int state(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        return null == conn ? TcpStatus.ERR_UNKNOWN_CONNECTION : conn.state;
    }

    /**
     * @return the remote (guest) address; 0 for an unknown id.
     */
    public int remoteIp(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        return null == conn ? 0 : conn.remoteIp;
    }

    /**
     * @return the remote port, or {@link TcpStatus#ERR_UNKNOWN_CONNECTION}.
     */
    public int remotePort(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        return null == conn ? TcpStatus.ERR_UNKNOWN_CONNECTION : conn.remotePort;
    }

    /**
     * @return the local port, or {@link TcpStatus#ERR_UNKNOWN_CONNECTION}.
     */
    public int localPort(final int connId)
    {
        final TcpConnection conn = table.lookup(connId);
        return null == conn ? TcpStatus.ERR_UNKNOWN_CONNECTION : conn.localPort;
    }

    /** @return slots in use, including SYN-RECEIVED and TIME-WAIT. */
    public int connectionCount()
    {
        return table.inUse();
    }

    /** @return connections in SYN-RECEIVED. */
    public int halfOpenCount()
    {
        return halfOpenCount;
    }

    /** @return connections in TIME-WAIT. */
    public int timeWaitCount()
    {
        return timeWaitCount;
    }

    /** @return live connections counted against {@code remoteIp}'s instance limit. */
    public int instanceConnectionCount(final int remoteIp)
    {
        return table.instanceCount(remoteIp);
    }

    /** @return free receive buffers in the pool. */
    public int receiveBuffersAvailable()
    {
        return rcvPool.available();
    }

    /** @return free send buffers in the pool. */
    public int sendBuffersAvailable()
    {
        return sndPool.available();
    }

    /** @return the configured local (signing) address. */
    public int localIp()
    {
        return localIp;
    }
}
