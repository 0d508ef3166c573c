package io.vnicsigner.dataplane.tcp;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A fixed number of equal power-of-two chunks in one off-heap region, handed out to connections only while they
 * hold bytes, so idle connections cost no buffer memory.
 */
final class BufferPool
{
    private final UnsafeBuffer memory;
    private final int chunkSize;
    private final int[] freeChunks;
    private int freeCount;

    BufferPool(final int chunkSize, final int chunkCount)
    {
        if (Integer.bitCount(chunkSize) != 1)
        {
            throw new IllegalArgumentException("chunk size must be a power of two: " + chunkSize);
        }
        this.chunkSize = chunkSize;
        this.memory = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            Math.multiplyExact(chunkSize, Math.max(1, chunkCount)), 64));
        this.freeChunks = new int[chunkCount];
        for (int i = 0; i < chunkCount; i++)
        {
            freeChunks[i] = chunkCount - 1 - i;
        }
        this.freeCount = chunkCount;
    }

    UnsafeBuffer memory()
    {
        return memory;
    }

    int chunkSize()
    {
        return chunkSize;
    }

    int available()
    {
        return freeCount;
    }

    /**
     * @return a chunk index, or -1 when the pool is exhausted.
     */
    int acquire()
    {
        return freeCount == 0 ? -1 : freeChunks[--freeCount];
    }

    void release(final int chunk)
    {
        freeChunks[freeCount++] = chunk;
    }

    int baseOffset(final int chunk)
    {
        return chunk * chunkSize;
    }

    /** Copies into the chunk used as a ring, the byte with sequence {@code seq} living at {@code seq & mask}. */
    void copyIn(final int chunk, final int seq, final DirectBuffer src, final int off, final int len)
    {
        final int base = chunk * chunkSize;
        final int index = seq & (chunkSize - 1);
        final int first = Math.min(len, chunkSize - index);
        memory.putBytes(base + index, src, off, first);
        if (first < len)
        {
            memory.putBytes(base, src, off + first, len - first);
        }
    }

    /** Copies out of the chunk used as a ring, starting at sequence {@code seq}. */
    void copyOut(final int chunk, final int seq, final MutableDirectBuffer dst, final int off, final int len)
    {
        final int base = chunk * chunkSize;
        final int index = seq & (chunkSize - 1);
        final int first = Math.min(len, chunkSize - index);
        dst.putBytes(off, memory, base + index, first);
        if (first < len)
        {
            dst.putBytes(off + first, memory, base, len - first);
        }
    }
}
