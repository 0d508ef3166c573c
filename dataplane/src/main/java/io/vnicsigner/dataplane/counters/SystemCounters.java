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
     * Allocates every system counter at its stable id, first in an empty manager. Ids nobody uses yet (ranges are
     * handed out in blocks) get a zero placeholder, so later counters keep their ids and per-port counters follow.
     */
    public static void allocate(final CountersManager manager)
    {
        final SystemCounter[] byId = SystemCounter.values().clone();
        java.util.Arrays.sort(byId, java.util.Comparator.comparingInt(SystemCounter::id));
        int next = 0;
        for (final SystemCounter counter : byId)
        {
            while (next < counter.id())
            {
                allocateExactly(manager, "reserved-" + next + ": unused system counter id", next++);
            }
            allocateExactly(manager, counter.label(), next++);
        }
    }

    private static void allocateExactly(final CountersManager manager, final String label, final int expectedId)
    {
        final int id = manager.allocate(label, CounterTypes.SYSTEM);
        if (id != expectedId)
        {
            throw new IllegalStateException("system counter '" + label + "' got id " + id + ", not " + expectedId);
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
