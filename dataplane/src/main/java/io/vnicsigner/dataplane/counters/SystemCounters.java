package io.vnicsigner.dataplane.counters;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * Handles on the {@link SystemCounter}s for the agent that updates them.
 */
public final class SystemCounters
{
    private final AtomicCounter[] counters;

    public SystemCounters(final CountersManager manager)
    {
        final SystemCounter[] all = SystemCounter.values();
        counters = new AtomicCounter[all.length];
        for (final SystemCounter counter : all)
        {
            counters[counter.ordinal()] = new AtomicCounter(manager.valuesBuffer(), counter.id());
        }
    }

    public AtomicCounter get(final SystemCounter counter)
    {
        return counters[counter.ordinal()];
    }

    /** Single-writer increment: only the owning agent updates a counter. */
    public void increment(final SystemCounter counter)
    {
        counters[counter.ordinal()].incrementRelease();
    }
}
