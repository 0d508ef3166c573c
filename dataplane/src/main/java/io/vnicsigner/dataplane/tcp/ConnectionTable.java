package io.vnicsigner.dataplane.tcp;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The preallocated connection slots, their free list, the 4-tuple index and the per-instance counts. Both maps are
 * sized at construction so that they never resize, and so never allocate, however many connections come and go.
 */
final class ConnectionTable
{
    private final TcpConnection[] slots;
    private final int[] freeSlots;
    private int freeCount;
    private final Long2ObjectHashMap<TcpConnection> byTuple;
    private final Int2IntHashMap perInstance;

    ConnectionTable(final int capacity, final int maxOutOfOrderIntervals)
    {
        slots = new TcpConnection[capacity];
        freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            slots[i] = new TcpConnection(i, maxOutOfOrderIntervals);
            freeSlots[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        byTuple = new Long2ObjectHashMap<>(Math.max(16, capacity * 2), 0.65f);
        perInstance = new Int2IntHashMap(Math.max(16, capacity * 2), 0.65f, 0);
    }

    static long tupleKey(final int remoteIp, final int remotePort, final int localPort)
    {
        return ((long)remoteIp << 32) | ((long)(remotePort & 0xFFFF) << 16) | (localPort & 0xFFFF);
    }

    TcpConnection[] slots()
    {
        return slots;
    }

    TcpConnection slot(final int slot)
    {
        return slots[slot];
    }

    TcpConnection find(final int remoteIp, final int remotePort, final int localPort)
    {
        return byTuple.get(tupleKey(remoteIp, remotePort, localPort));
    }

    /** @return the connection an application id names, or null when the id is stale or out of range. */
    TcpConnection lookup(final int connId)
    {
        final int slot = connId & 0xFFFF;
        if (connId < 0 || slot >= slots.length)
        {
            return null;
        }
        final TcpConnection conn = slots[slot];
        return conn.appAttached && conn.generation == (connId >>> 16) ? conn : null;
    }

    boolean isFull()
    {
        return freeCount == 0;
    }

    int inUse()
    {
        return slots.length - freeCount;
    }

    int instanceCount(final int remoteIp)
    {
        return perInstance.get(remoteIp);
    }

    /** Takes a free slot (the caller checks {@link #isFull}), indexes it by tuple and charges its instance. */
    TcpConnection allocate(final int remoteIp, final int remotePort, final int localIp, final int localPort)
    {
        final TcpConnection conn = slots[freeSlots[--freeCount]];
        conn.reset();
        conn.key = tupleKey(remoteIp, remotePort, localPort);
        conn.remoteIp = remoteIp;
        conn.remotePort = remotePort & 0xFFFF;
        conn.localIp = localIp;
        conn.localPort = localPort & 0xFFFF;
        conn.countedInInstance = true;
        perInstance.put(remoteIp, perInstance.get(remoteIp) + 1);
        byTuple.put(conn.key, conn);
        return conn;
    }

    /** Removes the tuple from the index so a new connection may use it while the slot lingers. */
    void unmap(final TcpConnection conn)
    {
        if (byTuple.get(conn.key) == conn)
        {
            byTuple.remove(conn.key);
        }
    }

    /** Stops charging the connection to its instance (TIME-WAIT or release). */
    void uncountInstance(final TcpConnection conn)
    {
        if (conn.countedInInstance)
        {
            conn.countedInInstance = false;
            final int count = perInstance.get(conn.remoteIp) - 1;
            if (count <= 0)
            {
                perInstance.remove(conn.remoteIp);
            }
            else
            {
                perInstance.put(conn.remoteIp, count);
            }
        }
    }

    /** Returns the slot to the free list; its generation moves on so stale ids no longer match. */
    void release(final TcpConnection conn)
    {
        uncountInstance(conn);
        unmap(conn);
        conn.generation = (conn.generation + 1) & 0x7FFF;
        conn.reset();
        freeSlots[freeCount++] = conn.slot;
    }
}
