package io.vnicsigner.control.throttle;

/**
 * A token bucket of {@code burst} requests refilled at {@code ratePerSecond}, driven by the caller's clock. Starts
 * full. Not thread-safe: one agent owns it.
 */
public final class TokenBucket
{
    private static final double NANOS_PER_SECOND = 1e9;

    private final double ratePerNs;
    private final double burst;
    private double tokens;
    private long lastNs;
    private boolean started;

    public TokenBucket(final double ratePerSecond, final int burst)
    {
        if (!(ratePerSecond > 0) || burst < 1)
        {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        this.ratePerNs = ratePerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Adds what the time since the last call earned, up to the burst. A clock going back adds nothing. */
    public void refill(final long nowNs)
    {
        if (!started)
        {
            started = true;
            lastNs = nowNs;
            return;
        }
        final long elapsedNs = nowNs - lastNs;
        if (elapsedNs > 0)
        {
            tokens = Math.min(burst, tokens + elapsedNs * ratePerNs);
            lastNs = nowNs;
        }
    }

    public boolean hasToken()
    {
        return tokens >= 1.0;
    }

    public void take()
    {
        tokens -= 1.0;
    }

    /** Nanoseconds until a whole token is there (0 when one is). */
    public long nanosUntilToken()
    {
        return tokens >= 1.0 ? 0 : (long)Math.ceil((1.0 - tokens) / ratePerNs);
    }

    public double tokens()
    {
        return tokens;
    }
}
