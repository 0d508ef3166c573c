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

    /**
     * Allocates every system counter in a fresh manager, each on its own stable id. Ids may leave gaps (ranges
     * kept for features in progress); a gap is held by a {@link CounterTypes#RESERVED} counter that readers skip.
     */
    public static void register(final CountersManager manager)
    {
        final SystemCounter[] byId = SystemCounter.values().clone();
        java.util.Arrays.sort(byId, java.util.Comparator.comparingInt(SystemCounter::id));
        int next = 0;
        for (final SystemCounter counter : byId)
        {
            for (; next < counter.id(); next++)
            {
                manager.allocate("reserved", CounterTypes.RESERVED);
            }
            final int id = manager.allocate(counter.label(), CounterTypes.SYSTEM);
            if (id != counter.id())
            {
                throw new IllegalStateException("system counter " + counter + " got id " + id);
            }
            next = id + 1;
        }
    }

    public AtomicCounter get(final SystemCounter counter)
    {
        return counters[counter.ordinal()];
    }

    /** Atomic increment, for the few counters more than one agent updates (errors, invalid TCP segments). */
    public void incrementShared(final SystemCounter counter)
    {
        counters[counter.ordinal()].increment();
    }

    /** Single-writer increment: only the owning agent updates a counter. */
    public void increment(final SystemCounter counter)
    {
        counters[counter.ordinal()].incrementRelease();
    }
}
