package io.vnicsigner.dataplane.upstream;

/**
 * The connector's fixed set of connection slots: a stack of free ones, and per route the count of idle
 * (pooled, keep-alive) ones, which are found by scanning because slots are few.
 */
final class ConnectionPool
{
    private final UpstreamConnection[] slots;
    private final int[] freeSlots;
    private int freeCount;
    private int[] idleCounts;

    ConnectionPool(final UpstreamConfig config, final int routeCount)
    {
        slots = new UpstreamConnection[config.maxConnections()];
        freeSlots = new int[slots.length];
        for (int i = slots.length - 1; i >= 0; i--)
        {
            slots[i] = new UpstreamConnection(i, config);
            slots[i].inFreeList = true;
            freeSlots[freeCount++] = i;
        }
        idleCounts = new int[routeCount];
    }

    UpstreamConnection[] slots()
    {
        return slots;
    }

    /**
     * The slot an exchange id names, if that exchange is still running.
     */
    UpstreamConnection exchange(final int exchangeId)
    {
        final int index = exchangeId & 0xFFFF;
        if (exchangeId < 0 || index >= slots.length)
        {
            return null;
        }
        final UpstreamConnection c = slots[index];
        return c.matches(exchangeId) ? c : null;
    }

    int openConnections()
    {
        return slots.length - freeCount;
    }

    int idleConnections(final int routeIndex)
    {
        return idleCounts[routeIndex];
    }

    /**
     * Closes every idle connection and starts counting for a new route table.
     */
    void resetRoutes(final int routeCount)
    {
        for (final UpstreamConnection c : slots)
        {
            if (c.state != UpstreamConnection.FREE && !c.active)
            {
                release(c);
            }
        }
        idleCounts = new int[routeCount];
    }

    /**
     * Takes the most recently pooled connection of a route, or null.
     */
    UpstreamConnection takeIdle(final int routeIndex)
    {
        UpstreamConnection best = null;
        for (final UpstreamConnection c : slots)
        {
            if (isIdle(c) && c.routeIndex == routeIndex && (best == null || c.idleSinceNs - best.idleSinceNs > 0))
            {
                best = c;
            }
        }
        if (best != null)
        {
            idleCounts[routeIndex]--;
        }
        return best;
    }

    /**
     * A free slot, closing the oldest idle connection of any route if none is free; null when all are busy.
     */
    UpstreamConnection takeFreeOrEvict()
    {
        if (freeCount == 0)
        {
            UpstreamConnection oldest = null;
            for (final UpstreamConnection c : slots)
            {
                if (isIdle(c) && (oldest == null || c.idleSinceNs - oldest.idleSinceNs < 0))
                {
                    oldest = c;
                }
            }
            if (oldest == null)
            {
                return null;
            }
            closeIdle(oldest);
        }
        final UpstreamConnection c = slots[freeSlots[--freeCount]];
        c.inFreeList = false;
        return c;
    }

    boolean hasRoomForIdle(final int routeIndex, final int maxIdle)
    {
        return routeIndex < idleCounts.length && idleCounts[routeIndex] < maxIdle;
    }

    void park(final UpstreamConnection c, final long nowNs)
    {
        idleCounts[c.routeIndex]++;
        c.idleSinceNs = nowNs;
    }

    /**
     * Closes an idle connection, which must still be counted against its route.
     */
    void closeIdle(final UpstreamConnection c)
    {
        idleCounts[c.routeIndex]--;
        release(c);
    }

    /**
     * Closes a connection and returns its slot to the free stack (once).
     */
    void release(final UpstreamConnection c)
    {
        c.close();
        if (!c.inFreeList)
        {
            c.inFreeList = true;
            freeSlots[freeCount++] = c.index;
        }
    }

    private static boolean isIdle(final UpstreamConnection c)
    {
        return c.state == UpstreamConnection.OPEN && !c.active;
    }
}
