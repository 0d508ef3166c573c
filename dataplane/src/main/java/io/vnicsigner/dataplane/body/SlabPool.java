package io.vnicsigner.dataplane.body;

import java.nio.ByteBuffer;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A fixed number of equal off-heap slabs carved from one region allocated at start; {@link #acquire()} hands out a
 * slab index or {@link #NONE} when all are in use (the caller's overflow action), nothing is allocated afterwards.
 * Not thread-safe.
 */
public final class SlabPool
{
    public static final int NONE = -1;
    public static final int DEFAULT_SLAB_LENGTH = 64 * 1024;

    private final int slabLength;
    private final ByteBuffer region;
    private final UnsafeBuffer buffer;
    private final int[] free;
    private int freeCount;

    /**
     * @param budgetBytes the region's size, rounded down to whole slabs (at least one).
     */
    public SlabPool(final long budgetBytes, final int slabLength)
    {
        if (slabLength < 1024 || budgetBytes < slabLength || budgetBytes / slabLength > Integer.MAX_VALUE / slabLength)
        {
            throw new IllegalArgumentException("slab pool of " + budgetBytes + " bytes in " + slabLength + "-byte slabs");
        }
        this.slabLength = slabLength;
        final int count = (int)(budgetBytes / slabLength);
        this.region = BufferUtil.allocateDirectAligned(count * slabLength, 64);
        this.buffer = new UnsafeBuffer(region);
        this.free = new int[count];
        for (int i = 0; i < count; i++)
        {
            free[i] = count - 1 - i;
        }
        this.freeCount = count;
    }

    /** A free slab's index, or {@link #NONE}. */
    public int acquire()
    {
        return freeCount == 0 ? NONE : free[--freeCount];
    }

    public void release(final int slab)
    {
        free[freeCount++] = slab;
    }

    public int available()
    {
        return freeCount;
    }

    public int capacity()
    {
        return free.length;
    }

    public int slabLength()
    {
        return slabLength;
    }

    /** The slab's first byte in {@link #buffer()} and {@link #region()}. */
    public int offset(final int slab)
    {
        return slab * slabLength;
    }

    /** The whole region (for copies). */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** The whole region as a ByteBuffer, to duplicate once for a consumer that needs positions (the digest). */
    ByteBuffer region()
    {
        return region;
    }
}
