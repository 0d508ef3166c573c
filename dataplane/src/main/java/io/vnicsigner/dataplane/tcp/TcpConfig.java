package io.vnicsigner.dataplane.tcp;

import java.util.concurrent.TimeUnit;

/**
 * Bounds and tunables of a {@link TcpEndpoint}; setters return {@code this} and the endpoint copies the values at
 * construction. Each bound, its default and what happens when it is exceeded:
 * <table>
 * <caption>TCP endpoint bounds</caption>
 * <tr><th>setter</th><th>default</th><th>when exceeded</th></tr>
 * <tr><td>{@link #maxConnections}</td><td>16,384</td><td>SYN answered with RST ({@code REJECTED_HOST_LIMIT})</td></tr>
 * <tr><td>{@link #maxConnectionsPerInstance}</td><td>256 per guest IP</td>
 *     <td>SYN answered with RST ({@code REJECTED_INSTANCE_LIMIT})</td></tr>
 * <tr><td>{@link #maxHalfOpen}</td><td>1,024</td>
 *     <td>SYN cookie ({@code SYN_COOKIE_SENT}), or RST when {@link #synCookies} is off</td></tr>
 * <tr><td>{@link #maxSynAckRetransmits}</td><td>4</td><td>half-open connection forgotten</td></tr>
 * <tr><td>{@link #maxTimeWait} / {@link #timeWaitNs}</td><td>4,096 / 1 s</td><td>close without TIME-WAIT</td></tr>
 * <tr><td>{@link #receiveBufferSize} / {@link #sendBufferSize}</td><td>64 KiB each</td>
 *     <td>window closes / {@code write} accepts only what fits</td></tr>
 * <tr><td>{@link #receiveBufferCount} / {@link #sendBufferCount}</td><td>512 each (64 MiB off-heap in all)</td>
 *     <td>zero window ({@code NO_RECEIVE_BUFFER}) / {@code write} returns 0 until {@code WRITABLE}</td></tr>
 * <tr><td>{@link #maxOutOfOrderIntervals}</td><td>8</td><td>segment dropped ({@code OUT_OF_ORDER_DROPPED})</td></tr>
 * <tr><td>{@link #maxRetransmits}</td><td>8 consecutive timeouts</td><td>RST and {@code RESET} event</td></tr>
 * <tr><td>{@link #minRtoNs} / {@link #initialRtoNs} / {@link #maxRtoNs}</td><td>200 ms / 1 s / 60 s</td>
 *     <td>clamped</td></tr>
 * <tr><td>{@link #idleTimeoutNs}</td><td>30 s</td><td>{@code IDLE_TIMEOUT} event, RST one period later</td></tr>
 * <tr><td>{@link #headerReadTimeoutNs}</td><td>10 s, armed at accept</td><td>{@code DEADLINE} event</td></tr>
 * <tr><td>{@link #challengeAcksPerSecond}</td><td>10 per connection</td><td>challenge ACK suppressed</td></tr>
 * </table>
 */
public final class TcpConfig
{
    int localIp = 0xA9FEA9FA; // 169.254.169.250
    final boolean[] listening = new boolean[65536];
    int maxConnections = 16_384;
    int maxConnectionsPerInstance = 256;
    int maxHalfOpen = 1_024;
    boolean synCookies = true;
    int maxTimeWait = 4_096;
    int receiveBufferSize = 64 * 1024;
    int sendBufferSize = 64 * 1024;
    int receiveBufferCount = 512;
    int sendBufferCount = 512;
    int mss = 1460;
    int maxOutOfOrderIntervals = 8;
    long initialRtoNs = TimeUnit.SECONDS.toNanos(1);
    long minRtoNs = TimeUnit.MILLISECONDS.toNanos(200);
    long maxRtoNs = TimeUnit.SECONDS.toNanos(60);
    int maxRetransmits = 8;
    int maxSynAckRetransmits = 4;
    long timeWaitNs = TimeUnit.SECONDS.toNanos(1);
    long idleTimeoutNs = TimeUnit.SECONDS.toNanos(30);
    long headerReadTimeoutNs = TimeUnit.SECONDS.toNanos(10);
    int challengeAcksPerSecond = 10;
    long timerTickNs = TimeUnit.MILLISECONDS.toNanos(1);
    int timerBuckets = 4096;
    long isnKey0 = 0x0706050403020100L;
    long isnKey1 = 0x0f0e0d0c0b0a0908L;
    long cookieKey0 = 0x1716151413121110L;
    long cookieKey1 = 0x1f1e1d1c1b1a1918L;

    /**
     * Starts with port 80 listening.
     */
    public TcpConfig()
    {
        listening[80] = true;
    }

    public TcpConfig localIp(final int localIp)
    {
        this.localIp = localIp;
        return this;
    }

    public TcpConfig listen(final int port)
    {
        listening[port & 0xFFFF] = true;
        return this;
    }

    public TcpConfig unlisten(final int port)
    {
        listening[port & 0xFFFF] = false;
        return this;
    }

    public TcpConfig maxConnections(final int maxConnections)
    {
        if (maxConnections < 1 || maxConnections > 65_536)
        {
            throw new IllegalArgumentException("maxConnections must be 1..65536: " + maxConnections);
        }
        this.maxConnections = maxConnections;
        return this;
    }

    public TcpConfig maxConnectionsPerInstance(final int limit)
    {
        this.maxConnectionsPerInstance = limit;
        return this;
    }

    public TcpConfig maxHalfOpen(final int limit)
    {
        this.maxHalfOpen = limit;
        return this;
    }

    public TcpConfig synCookies(final boolean enabled)
    {
        this.synCookies = enabled;
        return this;
    }

    public TcpConfig maxTimeWait(final int limit)
    {
        this.maxTimeWait = limit;
        return this;
    }

    /** Per-connection receive buffer, a power of two from 2 KiB to 1 MiB. */
    public TcpConfig receiveBufferSize(final int size)
    {
        this.receiveBufferSize = checkBufferSize(size);
        return this;
    }

    /** Per-connection send buffer, a power of two from 2 KiB to 1 MiB. */
    public TcpConfig sendBufferSize(final int size)
    {
        this.sendBufferSize = checkBufferSize(size);
        return this;
    }

    /** Receive buffers in the shared pool: the most connections that can hold unread bytes at once. */
    public TcpConfig receiveBufferCount(final int count)
    {
        this.receiveBufferCount = count;
        return this;
    }

    /** Send buffers in the shared pool: the most connections that can hold unacknowledged bytes at once. */
    public TcpConfig sendBufferCount(final int count)
    {
        this.sendBufferCount = count;
        return this;
    }

    public TcpConfig mss(final int mss)
    {
        if (mss < 88 || mss > 65_495)
        {
            throw new IllegalArgumentException("mss out of range: " + mss);
        }
        this.mss = mss;
        return this;
    }

    public TcpConfig maxOutOfOrderIntervals(final int intervals)
    {
        this.maxOutOfOrderIntervals = Math.max(1, intervals);
        return this;
    }

    public TcpConfig initialRtoNs(final long ns)
    {
        this.initialRtoNs = ns;
        return this;
    }

    public TcpConfig minRtoNs(final long ns)
    {
        this.minRtoNs = ns;
        return this;
    }

    public TcpConfig maxRtoNs(final long ns)
    {
        this.maxRtoNs = ns;
        return this;
    }

    public TcpConfig maxRetransmits(final int count)
    {
        this.maxRetransmits = count;
        return this;
    }

    public TcpConfig maxSynAckRetransmits(final int count)
    {
        this.maxSynAckRetransmits = count;
        return this;
    }

    public TcpConfig timeWaitNs(final long ns)
    {
        this.timeWaitNs = ns;
        return this;
    }

    public TcpConfig idleTimeoutNs(final long ns)
    {
        this.idleTimeoutNs = ns;
        return this;
    }

    /** Deadline armed at ACCEPTED; 0 disables it. The HTTP layer moves or clears it per request. */
    public TcpConfig headerReadTimeoutNs(final long ns)
    {
        this.headerReadTimeoutNs = ns;
        return this;
    }

    public TcpConfig challengeAcksPerSecond(final int count)
    {
        this.challengeAcksPerSecond = count;
        return this;
    }

    public TcpConfig timerTickNs(final long ns)
    {
        this.timerTickNs = ns;
        return this;
    }

    public TcpConfig timerBuckets(final int buckets)
    {
        this.timerBuckets = buckets;
        return this;
    }

    /** Secret for RFC 6528 initial sequence numbers; the agent supplies it from a secure random source. */
    public TcpConfig isnKey(final long k0, final long k1)
    {
        this.isnKey0 = k0;
        this.isnKey1 = k1;
        return this;
    }

    /** Secret for SYN cookies; the agent supplies it from a secure random source. */
    public TcpConfig cookieKey(final long k0, final long k1)
    {
        this.cookieKey0 = k0;
        this.cookieKey1 = k1;
        return this;
    }

    private static int checkBufferSize(final int size)
    {
        if (Integer.bitCount(size) != 1 || size < 2048 || size > 1 << 20)
        {
            throw new IllegalArgumentException("buffer size must be a power of two in 2 KiB..1 MiB: " + size);
        }
        return size;
    }
}
