package io.vnicsigner.dataplane.pipeline;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Idle strategies by the names the config uses. {@code poll} is the default: it costs nothing when idle, which
 * matters on small hosts; {@code busy-spin} gives the lowest latency but burns a core per thread.
 */
public final class IdleStrategies
{
    public static final String DEFAULT = "poll";

    private IdleStrategies()
    {
    }

    /**
     * @param pollFds descriptors the {@code poll} strategy waits on.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static IdleStrategy create(final String name, final int[] pollFds)
    {
        return switch (name)
        {
            case "poll" -> new PollIdleStrategy(pollFds, 1);
            case "backoff" -> new BackoffIdleStrategy(
                64, 16, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
            case "sleep" -> new SleepingMillisIdleStrategy(1);
            case "yield" -> new YieldingIdleStrategy();
            case "busy-spin" -> new BusySpinIdleStrategy();
            default -> throw new IllegalArgumentException(
                "unknown idle strategy '" + name + "' (poll, backoff, sleep, yield, busy-spin)");
        };
    }

    public static boolean isKnown(final String name)
    {
        return switch (name)
        {
            case "poll", "backoff", "sleep", "yield", "busy-spin" -> true;
            default -> false;
        };
    }
}
