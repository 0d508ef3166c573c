package io.vnicsigner.dataplane.tcp;

import org.agrona.BufferUtil;
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
}
