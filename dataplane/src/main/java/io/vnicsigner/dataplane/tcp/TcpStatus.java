package io.vnicsigner.dataplane.tcp;

/**
 * Outcome codes returned by {@link TcpEndpoint#onSegment}; the agent maps each to a counter. Application API calls
 * return the negative {@code ERR_*} codes.
 */
public final class TcpStatus
{
    /** Segment processed normally. */
    public static final int OK = 0;
    /** Malformed: bad flag combination or payload slice out of bounds. Dropped. */
    public static final int INVALID = 1;
    /** Port not listening or no connection: a RST was sent (or nothing, if the segment was itself a RST). */
    public static final int NO_CONNECTION = 2;
    /** A SYN created a SYN-RECEIVED connection and a SYN-ACK was sent. */
    public static final int SYN_ACCEPTED = 3;
    /** Half-open table full: a SYN-ACK carrying a SYN cookie was sent instead of keeping state. */
    public static final int SYN_COOKIE_SENT = 4;
    /** A valid SYN cookie ACK created an ESTABLISHED connection. */
    public static final int SYN_COOKIE_ACCEPTED = 5;
    /** An ACK to a listening port carried no valid cookie: RST sent. */
    public static final int SYN_COOKIE_INVALID = 6;
    /** Half-open table full and cookies disabled: RST sent. */
    public static final int REJECTED_HALF_OPEN_LIMIT = 7;
    /** Per-instance connection limit reached: RST sent. */
    public static final int REJECTED_INSTANCE_LIMIT = 8;
    /** Host connection table full: RST sent. */
    public static final int REJECTED_HOST_LIMIT = 9;
    /** Sequence number outside the receive window: dropped, ACK sent. */
    public static final int OUT_OF_WINDOW = 10;
    /** RST, SYN or old ACK failing the RFC 5961 checks: dropped, challenge ACK sent (rate limited). */
    public static final int CHALLENGE_ACK = 11;
    /** A valid RST closed the connection. */
    public static final int RESET_ACCEPTED = 12;
    /** Acknowledgement of data never sent: dropped, ACK sent. */
    public static final int ACK_UNSENT_DATA = 13;
    /** Data arrived out of order and was buffered; a duplicate ACK was sent. */
    public static final int OUT_OF_ORDER_BUFFERED = 14;
    /** Out-of-order data dropped because the interval list was full. */
    public static final int OUT_OF_ORDER_DROPPED = 15;
    /** No receive buffer could be taken from the pool: data dropped, zero window advertised. */
    public static final int NO_RECEIVE_BUFFER = 16;
    /** A segment without ACK (and not a SYN) in a synchronized state: dropped. */
    public static final int NO_ACK_DROPPED = 17;
    /** A retransmitted SYN for a SYN-RECEIVED connection: SYN-ACK resent. */
    public static final int DUPLICATE_SYN = 18;
    /** The third duplicate ACK triggered a fast retransmit and NewReno recovery. */
    public static final int FAST_RETRANSMIT = 19;
    /** Segment ignored in TIME-WAIT (RFC 1337) or after the peer's FIN. */
    public static final int IGNORED = 20;
    /** One more than the largest non-negative code, for sizing a counter array indexed by status. */
    public static final int COUNT = 21;

    /** Unknown or stale connection id. */
    public static final int ERR_UNKNOWN_CONNECTION = -1;
    /** The operation is not valid in the connection's state (for example a write after close). */
    public static final int ERR_STATE = -2;

    private TcpStatus()
    {
    }

    /**
     * @param status a status or error code.
     * @return its constant name, for counter labels and diagnostics.
     */
    public static String name(final int status)
    {
        return switch (status)
        {
            case OK -> "OK";
            case INVALID -> "INVALID";
            case NO_CONNECTION -> "NO_CONNECTION";
            case SYN_ACCEPTED -> "SYN_ACCEPTED";
            case SYN_COOKIE_SENT -> "SYN_COOKIE_SENT";
            case SYN_COOKIE_ACCEPTED -> "SYN_COOKIE_ACCEPTED";
            case SYN_COOKIE_INVALID -> "SYN_COOKIE_INVALID";
            case REJECTED_HALF_OPEN_LIMIT -> "REJECTED_HALF_OPEN_LIMIT";
            case REJECTED_INSTANCE_LIMIT -> "REJECTED_INSTANCE_LIMIT";
            case REJECTED_HOST_LIMIT -> "REJECTED_HOST_LIMIT";
            case OUT_OF_WINDOW -> "OUT_OF_WINDOW";
            case CHALLENGE_ACK -> "CHALLENGE_ACK";
            case RESET_ACCEPTED -> "RESET_ACCEPTED";
            case ACK_UNSENT_DATA -> "ACK_UNSENT_DATA";
            case OUT_OF_ORDER_BUFFERED -> "OUT_OF_ORDER_BUFFERED";
            case OUT_OF_ORDER_DROPPED -> "OUT_OF_ORDER_DROPPED";
            case NO_RECEIVE_BUFFER -> "NO_RECEIVE_BUFFER";
            case NO_ACK_DROPPED -> "NO_ACK_DROPPED";
            case DUPLICATE_SYN -> "DUPLICATE_SYN";
            case FAST_RETRANSMIT -> "FAST_RETRANSMIT";
            case IGNORED -> "IGNORED";
            case ERR_UNKNOWN_CONNECTION -> "ERR_UNKNOWN_CONNECTION";
            case ERR_STATE -> "ERR_STATE";
            default -> "UNKNOWN";
        };
    }
}
