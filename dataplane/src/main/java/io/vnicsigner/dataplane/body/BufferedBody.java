package io.vnicsigner.dataplane.body;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.agrona.DirectBuffer;

/**
 * One request's body held in slabs of a shared {@link SlabPool}, hashed with SHA-256 as it is appended, then read
 * back slice by slice while it is sent. A body of known length reserves all its slabs before its first byte
 * ({@link #reserve}); a chunked one takes them as it grows ({@link #append} takes less than offered when the pool
 * or the body's slab bound runs out). No I/O; nothing allocated after construction. Not thread-safe.
 */
public final class BufferedBody
{
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SlabPool pool;
    private final int slabLength;
    private final int[] slabs;
    private final ByteBuffer view;
    private final MessageDigest sha256;
    private final byte[] digest = new byte[32];
    private int slabCount;
    private long length;
    private long sent;

    /**
     * @param maxLength the most bytes one body may hold (the buffered-body limit).
     */
    public BufferedBody(final SlabPool pool, final long maxLength)
    {
        this.pool = pool;
        this.slabLength = pool.slabLength();
        this.slabs = new int[(int)Math.max(1, (maxLength + slabLength - 1) / slabLength)];
        this.view = pool.region().duplicate();
        try
        {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Takes all the slabs a body of {@code bodyLength} bytes needs, or none.
     *
     * @return false when the pool (or this body's bound) has too few; nothing is held then.
     */
    public boolean reserve(final long bodyLength)
    {
        final long needed = (bodyLength + slabLength - 1) / slabLength - slabCount;
        if (needed <= 0)
        {
            return true;
        }
        if (slabCount + needed > slabs.length || needed > pool.available())
        {
            return false;
        }
        for (long i = 0; i < needed; i++)
        {
            slabs[slabCount++] = pool.acquire();
        }
        return true;
    }

    /**
     * Copies and hashes body bytes, taking slabs from the pool when the held ones are full.
     *
     * @return how many were taken: less than {@code n} when the pool is empty or the body reached its bound.
     */
    public int append(final DirectBuffer src, final int offset, final int n)
    {
        int taken = 0;
        while (taken < n)
        {
            final int inSlab = (int)(length % slabLength);
            final int index = (int)(length / slabLength);
            if (index == slabCount)
            {
                final int slab = index < slabs.length ? pool.acquire() : SlabPool.NONE;
                if (slab == SlabPool.NONE)
                {
                    break;
                }
                slabs[slabCount++] = slab;
            }
            final int position = pool.offset(slabs[index]) + inSlab;
            final int count = Math.min(n - taken, slabLength - inSlab);
            pool.buffer().putBytes(position, src, offset + taken, count);
            view.limit(position + count).position(position);
            sha256.update(view);
            taken += count;
            length += count;
        }
        return taken;
    }

    /** Bytes appended so far. */
    public long length()
    {
        return length;
    }

    /** Writes the lower-case hex SHA-256 of the bytes appended (64 bytes) and restarts the digest. */
    public void hashHex(final byte[] dst, final int offset)
    {
        try
        {
            sha256.digest(digest, 0, digest.length);
        }
        catch (final java.security.DigestException e)
        {
            throw new IllegalStateException("32 bytes hold a SHA-256", e);
        }
        for (int i = 0; i < digest.length; i++)
        {
            dst[offset + 2 * i] = HEX[(digest[i] >> 4) & 0xF];
            dst[offset + 2 * i + 1] = HEX[digest[i] & 0xF];
        }
    }

    /** Whether every appended byte was handed out by {@link #advance}. */
    public boolean isDrained()
    {
        return sent == length;
    }

    /** Where the next unsent bytes start in {@link SlabPool#buffer()}. */
    public int sliceOffset()
    {
        return pool.offset(slabs[(int)(sent / slabLength)]) + (int)(sent % slabLength);
    }

    /** How many unsent bytes lie contiguously at {@link #sliceOffset()}. */
    public int sliceLength()
    {
        return (int)Math.min(length - sent, slabLength - sent % slabLength);
    }

    /** Marks {@code n} bytes of the current slice sent. */
    public void advance(final int n)
    {
        sent += n;
    }

    /** Returns every slab to the pool and forgets the body. */
    public void clear()
    {
        while (slabCount > 0)
        {
            pool.release(slabs[--slabCount]);
        }
        length = 0;
        sent = 0;
        sha256.reset();
    }

    /** Slabs held now, for tests and gauges. */
    public int slabsHeld()
    {
        return slabCount;
    }
}
