package io.vnicsigner.dataplane.pipeline;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The interceptor's idle: spins briefly, then sleeps in {@link Selector#select} on the upstream connector's
 * selector for at most {@code maxWaitMs}. A provider's bytes wake it through the sockets, a frame from the switch
 * through {@link SelectorWakeup}; only timers wait for the timeout.
 * <p>
 * The ready keys are not handled here: the selector is level-triggered (epoll), so the connector's next
 * {@code selectNow} reports them again within the same wake-up.
 */
public final class SelectorIdleStrategy implements IdleStrategy
{
    private static final int SPINS = 64;
    private static final Consumer<SelectionKey> IGNORE = key -> { };

    private final Selector selector;
    private final SelectorWakeup wakeup;
    private final RingBuffer ring;
    private final int maxWaitMs;
    private int idleCount;

    public SelectorIdleStrategy(
        final Selector selector, final SelectorWakeup wakeup, final RingBuffer ring, final int maxWaitMs)
    {
        this.selector = selector;
        this.wakeup = wakeup;
        this.ring = ring;
        this.maxWaitMs = maxWaitMs;
    }

    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    public void idle()
    {
        if (idleCount < SPINS)
        {
            idleCount++;
            Thread.onSpinWait();
            return;
        }
        if (!wakeup.prepareToSleep(ring))
        {
            return;
        }
        try
        {
            selector.select(IGNORE, maxWaitMs);
        }
        catch (final IOException | java.nio.channels.ClosedSelectorException ignore)
        {
            // A closed selector means the dataplane is stopping; the runner ends the loop.
        }
        finally
        {
            wakeup.awake();
        }
    }

    public void reset()
    {
        idleCount = 0;
    }

    public String alias()
    {
        return "select";
    }
}
