package io.vnicsigner.dataplane.tcp;

/**
 * Connection states of RFC 9293; LISTEN is implicit in the configured ports and SYN-SENT never occurs (no active open).
 */
public final class TcpState
{
    public static final int CLOSED = 0;
    public static final int SYN_RECEIVED = 1;
    public static final int ESTABLISHED = 2;
    public static final int CLOSE_WAIT = 3;
    public static final int LAST_ACK = 4;
    public static final int FIN_WAIT_1 = 5;
    public static final int FIN_WAIT_2 = 6;
    public static final int CLOSING = 7;
    public static final int TIME_WAIT = 8;

    private TcpState()
    {
    }

    /**
     * @param state a state constant.
     * @return its RFC name, for diagnostics.
     */
    public static String name(final int state)
    {
        return switch (state)
        {
            case CLOSED -> "CLOSED";
            case SYN_RECEIVED -> "SYN-RECEIVED";
            case ESTABLISHED -> "ESTABLISHED";
            case CLOSE_WAIT -> "CLOSE-WAIT";
            case LAST_ACK -> "LAST-ACK";
            case FIN_WAIT_1 -> "FIN-WAIT-1";
            case FIN_WAIT_2 -> "FIN-WAIT-2";
            case CLOSING -> "CLOSING";
            case TIME_WAIT -> "TIME-WAIT";
            default -> "UNKNOWN";
        };
    }
}
