package io.vnicsigner.dataplane.tcp;

import static io.vnicsigner.dataplane.tcp.TcpConnection.NONE;

/**
 * Connections with undelivered events, oldest first, as an intrusive doubly-linked list through the slots: one
 * entry per connection however many events it gathers, so it is bounded by the slot count and never allocates.
 */
final class ReadyList
{
    private final TcpConnection[] slots;
    private int head = NONE;
    private int tail = NONE;

    ReadyList(final TcpConnection[] slots)
    {
        this.slots = slots;
    }

    /** ORs {@code events} into the connection's pending set, queueing it if it was not queued. */
    void post(final TcpConnection conn, final int events)
    {
        conn.pendingEvents |= events;
        if (conn.inReadyList)
        {
            return;
        }
        conn.inReadyList = true;
        conn.readyNext = NONE;
        conn.readyPrev = tail;
        if (tail == NONE)
        {
            head = conn.slot;
        }
        else
        {
            slots[tail].readyNext = conn.slot;
        }
        tail = conn.slot;
    }

    void remove(final TcpConnection conn)
    {
        if (!conn.inReadyList)
        {
            return;
        }
        conn.inReadyList = false;
        if (conn.readyPrev == NONE)
        {
            head = conn.readyNext;
        }
        else
        {
            slots[conn.readyPrev].readyNext = conn.readyNext;
        }
        if (conn.readyNext == NONE)
        {
            tail = conn.readyPrev;
        }
        else
        {
            slots[conn.readyNext].readyPrev = conn.readyPrev;
        }
        conn.readyPrev = NONE;
        conn.readyNext = NONE;
    }

    /** @return the oldest queued connection, removed from the list, or null. */
    TcpConnection poll()
    {
        if (head == NONE)
        {
            return null;
        }
        final TcpConnection conn = slots[head];
        remove(conn);
        return conn;
    }
}
