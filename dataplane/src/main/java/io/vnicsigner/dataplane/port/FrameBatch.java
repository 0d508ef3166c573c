package io.vnicsigner.dataplane.port;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A burst of frames in one off-heap block of fixed-size slots, filled by {@link Port#receive} and reused for
 * every burst.
 */
public final class FrameBatch
{
    /** Enough for a 1500-byte MTU frame with a VLAN tag; larger frames are cut off and counted as oversize. */
    public static final int DEFAULT_SLOT_SIZE = 2048;
    /** As in DPDK's l2fwd: large enough to amortise per-burst work, small enough to stay in L1/L2. */
    public static final int DEFAULT_CAPACITY = 32;

    private final UnsafeBuffer buffer;
    private final int[] lengths;
    private final int slotSize;
    private int count;

    public FrameBatch()
    {
        this(DEFAULT_CAPACITY, DEFAULT_SLOT_SIZE);
    }

    public FrameBatch(final int capacity, final int slotSize)
    {
        if (capacity <= 0 || slotSize < 64)
        {
            throw new IllegalArgumentException("capacity=" + capacity + " slotSize=" + slotSize);
        }
        this.slotSize = slotSize;
        this.lengths = new int[capacity];
        this.buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * slotSize, 64));
    }

    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public int capacity()
    {
        return lengths.length;
    }

    public int slotSize()
    {
        return slotSize;
    }

    public int count()
    {
        return count;
    }

    public boolean isFull()
    {
        return count == lengths.length;
    }

    /** Offset of slot {@code index} in {@link #buffer()}. */
    public int offset(final int index)
    {
        return index * slotSize;
    }

    /** Address of the next free slot, for ports that read straight into it. */
    public long nextSlotAddress()
    {
        return buffer.addressOffset() + (long)count * slotSize;
    }

    public int nextSlotOffset()
    {
        return count * slotSize;
    }

    public int length(final int index)
    {
        return lengths[index];
    }

    /** Marks the next slot as holding a frame of {@code length} bytes. */
    public void commit(final int length)
    {
        lengths[count++] = length;
    }

    /** Exchanges the contents of two slots (used to reorder frames). */
    public void swap(final int a, final int b)
    {
        if (a == b)
        {
            return;
        }
        final int oa = offset(a);
        final int ob = offset(b);
        final int max = Math.max(lengths[a], lengths[b]);
        for (int i = 0; i < max; i += 8)
        {
            final long t = buffer.getLong(oa + i);
            buffer.putLong(oa + i, buffer.getLong(ob + i));
            buffer.putLong(ob + i, t);
        }
        final int tl = lengths[a];
        lengths[a] = lengths[b];
        lengths[b] = tl;
    }

    public void clear()
    {
        count = 0;
    }
}
