package io.vnicsigner.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.vnicsigner.linux.Posix;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Spins briefly, then sleeps in {@code poll(2)} on the ports' descriptors for at most {@code maxWaitMs}, so an idle
 * dataplane uses no CPU yet wakes as soon as a frame arrives. On a 2-core host this keeps an idle daemon from
 * starving its neighbours, unlike busy spinning.
 * <p>
 * With an {@link EventFdWakeup} it also watches the ring another agent fills: the producer writes the eventfd only
 * while this strategy sleeps, so a frame on the ring is handled at once. Work that no descriptor announces (timers)
 * waits at most {@code maxWaitMs}.
 */
public final class PollIdleStrategy implements IdleStrategy
{
    private static final int SPINS = 64;

    private final Posix posix = new Posix();
    private final MemorySegment pollFds;
    private final int count;
    private final int maxWaitMs;
    private final EventFdWakeup wakeup;
    private final RingBuffer ring;
    private int idleCount;

    public PollIdleStrategy(final int[] fds, final int maxWaitMs)
    {
        this(fds, maxWaitMs, null, null);
    }

    /**
     * @param wakeup the eventfd producers of {@code ring} signal, or null.
     * @param ring   the ring this agent consumes, rechecked before sleeping; null when {@code wakeup} is.
     */
    public PollIdleStrategy(final int[] fds, final int maxWaitMs, final EventFdWakeup wakeup, final RingBuffer ring)
    {
        this.count = fds.length + (wakeup != null ? 1 : 0);
        this.maxWaitMs = maxWaitMs;
        this.wakeup = wakeup;
        this.ring = ring;
        this.pollFds = Arena.ofAuto().allocate((long)Math.max(1, count) * Posix.POLLFD_SIZE, 8);
        for (int i = 0; i < count; i++)
        {
            final int fd = i < fds.length ? fds[i] : wakeup.fd();
            pollFds.set(ValueLayout.JAVA_INT, (long)i * Posix.POLLFD_SIZE, fd);
            pollFds.set(ValueLayout.JAVA_SHORT, (long)i * Posix.POLLFD_SIZE + 4, Posix.POLLIN);
        }
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
        }
        else if (count == 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(maxWaitMs * 1_000_000L);
        }
        else if (wakeup == null)
        {
            posix.poll(pollFds.address(), count, maxWaitMs);
        }
        else if (wakeup.prepareToSleep(ring))
        {
            posix.poll(pollFds.address(), count, maxWaitMs);
            wakeup.awake();
            if (pollFds.get(ValueLayout.JAVA_SHORT, (long)(count - 1) * Posix.POLLFD_SIZE + 6) != 0)
            {
                wakeup.drain();
            }
        }
    }

    public void reset()
    {
        idleCount = 0;
    }

    public String alias()
    {
        return "poll";
    }
}
