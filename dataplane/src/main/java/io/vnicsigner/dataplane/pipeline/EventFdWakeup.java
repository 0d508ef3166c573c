package io.vnicsigner.dataplane.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.vnicsigner.linux.LinuxException;
import io.vnicsigner.linux.Posix;

/**
 * A {@link Wakeup} for an agent that sleeps in {@code poll(2)}: an eventfd that {@link PollIdleStrategy} watches
 * beside the ports' descriptors.
 */
public final class EventFdWakeup extends Wakeup implements AutoCloseable
{
    private final Posix posix = new Posix();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(8, 8);
    private final MemorySegment drained = arena.allocate(8, 8);
    private final int fd;

    public EventFdWakeup()
    {
        try
        {
            fd = posix.eventfd(0, Posix.EFD_NONBLOCK | Posix.EFD_CLOEXEC);
        }
        catch (final LinuxException e)
        {
            throw new IllegalStateException("cannot create the wake-up eventfd: " + e.getMessage(), e);
        }
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    public int fd()
    {
        return fd;
    }

    protected void wake()
    {
        posix.write(fd, one.address(), 8);
    }

    /** Resets the eventfd after it woke the poller; non-blocking, so harmless when nothing was signalled. */
    public void drain()
    {
        posix.read(fd, drained.address(), 8);
    }

    public void close()
    {
        try
        {
            posix.close(fd);
        }
        catch (final LinuxException ignore)
        {
            // Closing at shutdown: nothing to do about it.
        }
    }
}
