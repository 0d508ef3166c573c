package io.vnicsigner.dataplane.pipeline;

import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.ringbuffer.RingBuffer;

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

    /**
     * The switch's idle: as {@link #create}, and with {@code poll} it also wakes when the interceptor signals the
     * ring back to the ports.
     */
    public static IdleStrategy forSwitch(
        final String name, final int[] pollFds, final EventFdWakeup wakeup, final RingBuffer txRing)
    {
        return "poll".equals(name) ? new PollIdleStrategy(pollFds, 1, wakeup, txRing) : create(name, pollFds);
    }

    /**
     * The interceptor's idle: with {@code poll} it sleeps in the upstream selector, which the sockets and the
     * switch's wake-up both interrupt; the other names behave as for any agent.
     */
    public static IdleStrategy forInterceptor(
        final String name, final Selector selector, final SelectorWakeup wakeup, final RingBuffer rxRing)
    {
        return "poll".equals(name) ? new SelectorIdleStrategy(selector, wakeup, rxRing, 1) : create(name, new int[0]);
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
