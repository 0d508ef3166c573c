package io.vnicsigner.dataplane.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Wakes the agent that consumes a ring when it has gone to sleep in its idle strategy, and only then: a producer
 * pays one fence and one read per {@link #signal()} while the consumer is busy, and one system call when it sleeps.
 * <p>
 * The consumer announces sleep with {@link #prepareToSleep}, which rechecks its ring after the announcement; the
 * producer commits first and then reads the flag. With a full fence on both sides (Dekker), either the consumer
 * sees the new message or the producer sees the flag, so no message waits for the idle timeout.
 */
public abstract class Wakeup
{
    private static final VarHandle SLEEPING;

    static
    {
        try
        {
            SLEEPING = MethodHandles.lookup().findVarHandle(Wakeup.class, "sleeping", int.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private volatile int sleeping;
    private long wakeups;

    /**
     * Producer side, after {@code commit}: wakes the consumer if it sleeps.
     */
    public final void signal()
    {
        VarHandle.fullFence();
        if ((int)SLEEPING.getVolatile(this) == 1 && SLEEPING.compareAndSet(this, 1, 0))
        {
            wakeups++;
            wake();
        }
    }

    /**
     * Consumer side, before sleeping: false when {@code ring} already holds work, and then the caller must not sleep.
     */
    public final boolean prepareToSleep(final RingBuffer ring)
    {
        SLEEPING.setVolatile(this, 1);
        VarHandle.fullFence();
        if (ring.size() > 0)
        {
            SLEEPING.setVolatile(this, 0);
            return false;
        }
        return true;
    }

    /**
     * Consumer side, after waking for any reason.
     */
    public final void awake()
    {
        SLEEPING.setVolatile(this, 0);
    }

    /** Wake-ups sent (read racily; for tests and gauges). */
    public final long wakeups()
    {
        return wakeups;
    }

    protected abstract void wake();

    /** For agents driven by the caller or sharing one thread: nobody ever sleeps, so nothing to wake. */
    public static final Wakeup NONE = new Wakeup()
    {
        protected void wake()
        {
        }
    };
}
