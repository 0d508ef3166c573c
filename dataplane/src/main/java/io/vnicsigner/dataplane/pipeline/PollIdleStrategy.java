package io.vnicsigner.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.vnicsigner.linux.Posix;
import org.agrona.concurrent.IdleStrategy;

/**
 * Spins briefly, then sleeps in {@code poll(2)} on the ports' descriptors for at most {@code maxWaitMs}, so an idle
 * dataplane uses no CPU yet wakes as soon as a frame arrives. On a 2-core host this keeps an idle daemon from
 * starving its neighbours, unlike busy spinning.
 * <p>
 * Work that no descriptor announces (timers, rings from other agents) waits at most {@code maxWaitMs}.
 */
public final class PollIdleStrategy implements IdleStrategy
{
    private static final int SPINS = 64;

    private final Posix posix = new Posix();
    private final MemorySegment pollFds;
    private final int count;
    private final int maxWaitMs;
    private int idleCount;

    public PollIdleStrategy(final int[] fds, final int maxWaitMs)
    {
        this.count = fds.length;
        this.maxWaitMs = maxWaitMs;
        this.pollFds = Arena.ofAuto().allocate((long)Math.max(1, count) * Posix.POLLFD_SIZE, 8);
        for (int i = 0; i < count; i++)
        {
            pollFds.set(ValueLayout.JAVA_INT, (long)i * Posix.POLLFD_SIZE, fds[i]);
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
        else
        {
            posix.poll(pollFds.address(), count, maxWaitMs);
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
