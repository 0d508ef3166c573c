package io.vnicsigner.dataplane.tcp;

import static io.vnicsigner.dataplane.tcp.TcpConnection.NONE;

/**
 * Connections whose write found the send-buffer pool empty, first come first served, as an intrusive list through
 * the slots. Entries of connections that have since closed are skipped when polled.
 */
final class SendWaitQueue
{
    private final TcpConnection[] slots;
    private int head = NONE;
    private int tail = NONE;

    SendWaitQueue(final TcpConnection[] slots)
    {
        this.slots = slots;
    }

    void add(final TcpConnection conn)
    {
        if (conn.inSendWait)
        {
            return;
        }
        conn.inSendWait = true;
        conn.sendWaitNext = NONE;
        if (tail == NONE)
        {
            head = conn.slot;
        }
        else
        {
            slots[tail].sendWaitNext = conn.slot;
        }
        tail = conn.slot;
    }

    /** @return the oldest waiter, removed from the queue, or null. */
    TcpConnection poll()
    {
        if (head == NONE)
        {
            return null;
        }
        final TcpConnection conn = slots[head];
        head = conn.sendWaitNext;
        if (head == NONE)
        {
            tail = NONE;
        }
        conn.inSendWait = false;
        conn.sendWaitNext = NONE;
        return conn;
    }
}
