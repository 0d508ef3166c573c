package io.vnicsigner.dataplane.upstream;

/**
 * Why an upstream exchange failed, with the status the guest should get when no response head has been
 * relayed to it yet; once a head has been relayed, every failure means resetting the guest connection.
 */
public final class UpstreamFailure
{
    public static final int CONNECT_REFUSED = 1;
    public static final int UNREACHABLE = 2;
    public static final int CONNECT_TIMEOUT = 3;
    public static final int RESPONSE_TIMEOUT = 4;
    public static final int TLS_FAILURE = 5;
    public static final int CLOSED_BEFORE_RESPONSE = 6;
    public static final int PREMATURE_CLOSE = 7;
    public static final int MALFORMED_RESPONSE = 8;

    /**
     * The status value meaning "reset the guest connection, do not answer".
     */
    public static final int RESET = 0;

    private static final String[] NAMES =
    {
        "none", "connect_refused", "unreachable", "connect_timeout", "response_timeout", "tls_failure",
        "closed_before_response", "premature_close", "malformed_response",
    };
    private static final byte[] UNKNOWN = "unknown".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[][] NAME_BYTES = java.util.Arrays.stream(NAMES)
        .map(n -> n == null ? UNKNOWN : n.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    private UpstreamFailure()
    {
    }

    /**
     * 502 for a provider that cannot be reached (refused, unroutable, not connected within the connect timeout,
     * untrusted) or that closes or misbehaves, 504 when a connected provider was too slow to answer, {@link #RESET}
     * when the response was cut after its head. A connect timeout is "unreachable" (ARCHITECTURE §5, issue 5:
     * "provider down → 502 within the connect timeout"); only the response timeout is an upstream timeout.
     */
    public static int guestStatus(final int reason)
    {
        switch (reason)
        {
            case RESPONSE_TIMEOUT:
                return 504;
            case PREMATURE_CLOSE:
                return RESET;
            default:
                return 502;
        }
    }

    /**
     * A stable lower-case name for counters and logs.
     */
    public static String name(final int reason)
    {
        return reason > 0 && reason < NAMES.length ? NAMES[reason] : "unknown";
    }

    /** {@link #name} as ASCII bytes, made once, for error bodies written on the agent thread. */
    public static byte[] nameBytes(final int reason)
    {
        return reason > 0 && reason < NAME_BYTES.length ? NAME_BYTES[reason] : UNKNOWN;
    }
}
