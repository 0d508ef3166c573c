package io.vnicsigner.dataplane.tcp;

import java.util.Arrays;

/**
 * A hashed timer wheel holding at most one deadline per connection slot in intrusive lists, so scheduling is O(1)
 * and a poll only visits the buckets of elapsed ticks rather than every connection.
 */
final class ConnectionTimerWheel
{
    /** Called for each slot whose deadline has passed; the slot is already unscheduled. */
    @FunctionalInterface
    interface Expiry
    {
        void onExpiry(int slot, long nowNs);
    }

    private static final int NONE = -1;

    private final long tickNs;
    private final int mask;
    private final int[] heads;
    private final int[] next;
    private final int[] prev;
    private final int[] bucketOf;
    private final long[] deadlines;
    private long currentTick;
    private boolean started;

    ConnectionTimerWheel(final int slotCapacity, final long tickNs, final int bucketCount)
    {
        if (Integer.bitCount(bucketCount) != 1)
        {
            throw new IllegalArgumentException("bucket count must be a power of two: " + bucketCount);
        }
        this.tickNs = tickNs;
        this.mask = bucketCount - 1;
        this.heads = new int[bucketCount];
        Arrays.fill(heads, NONE);
        this.next = new int[slotCapacity];
        this.prev = new int[slotCapacity];
        this.bucketOf = new int[slotCapacity];
        Arrays.fill(bucketOf, NONE);
        this.deadlines = new long[slotCapacity];
    }

    boolean isScheduled(final int slot)
    {
        return bucketOf[slot] != NONE;
    }

    /**
     * @param nowNs current time; the first call starts the wheel there so no earlier bucket is skipped.
     */
    void schedule(final int slot, final long deadlineNs, final long nowNs)
    {
        cancel(slot);
        if (!started)
        {
            started = true;
            currentTick = Math.floorDiv(nowNs, tickNs);
        }
        long tick = Math.floorDiv(deadlineNs, tickNs);
        if (tick < currentTick)
        {
            tick = currentTick;
        }
        final int bucket = (int)(tick & mask);
        deadlines[slot] = deadlineNs;
        bucketOf[slot] = bucket;
        prev[slot] = NONE;
        next[slot] = heads[bucket];
        if (heads[bucket] != NONE)
        {
            prev[heads[bucket]] = slot;
        }
        heads[bucket] = slot;
    }

    void cancel(final int slot)
    {
        final int bucket = bucketOf[slot];
        if (bucket == NONE)
        {
            return;
        }
        final int n = next[slot];
        final int p = prev[slot];
        if (p == NONE)
        {
            heads[bucket] = n;
        }
        else
        {
            next[p] = n;
        }
        if (n != NONE)
        {
            prev[n] = p;
        }
        bucketOf[slot] = NONE;
    }

    /**
     * @return the number of expired slots handed to {@code expiry}.
     */
    int poll(final long nowNs, final Expiry expiry)
    {
        final long targetTick = Math.floorDiv(nowNs, tickNs);
        if (!started)
        {
            started = true;
            currentTick = targetTick;
        }
        if (targetTick < currentTick)
        {
            return 0;
        }

        int expired = 0;
        final long ticks = Math.min(targetTick - currentTick, mask);
        for (long t = 0; t <= ticks; t++)
        {
            final int bucket = (int)((targetTick - ticks + t) & mask);
            int slot = heads[bucket];
            while (slot != NONE)
            {
                final int following = next[slot];
                if (deadlines[slot] - nowNs <= 0)
                {
                    cancel(slot);
                    expiry.onExpiry(slot, nowNs);
                    expired++;
                }
                slot = following;
            }
        }
        currentTick = targetTick;

        return expired;
    }
}
