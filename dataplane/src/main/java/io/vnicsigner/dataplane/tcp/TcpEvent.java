package io.vnicsigner.dataplane.tcp;

/**
 * Event bits delivered to the application by {@link TcpEndpoint#pollEvents}; several may be set at once.
 */
public final class TcpEvent
{
    /** The handshake completed; the connection id is now valid for the application. */
    public static final int ACCEPTED = 1;
    /** In-order bytes are waiting to be read. */
    public static final int DATA_READABLE = 2;
    /** Send space was freed after a write was refused or only partly accepted. */
    public static final int WRITABLE = 4;
    /** The peer sent FIN: no more bytes will arrive after those already readable. */
    public static final int PEER_FIN = 8;
    /** The connection finished (possibly still in TIME-WAIT); the id is invalid after delivery. */
    public static final int CLOSED = 16;
    /** The connection was reset or given up; the id is invalid after delivery. */
    public static final int RESET = 32;
    /** Nothing moved for the idle timeout; the application should close, else the endpoint aborts one period later. */
    public static final int IDLE_TIMEOUT = 64;
    /** The deadline set with {@link TcpEndpoint#setDeadline} (header-read by default) passed. */
    public static final int DEADLINE = 128;

    private TcpEvent()
    {
    }
}
