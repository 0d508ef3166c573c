package io.vnicsigner.dataplane.body;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferedBodyTest
{
    private static final int SLAB = 1024;

    private static String sha256(final byte[] bytes) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String hashHex(final BufferedBody body)
    {
        final byte[] hex = new byte[64];
        body.hashHex(hex, 0);
        return new String(hex, StandardCharsets.US_ASCII);
    }

    /** Reads the body back the way it is sent, {@code step} bytes at most per slice. */
    private static byte[] drain(final SlabPool pool, final BufferedBody body, final int step)
    {
        final byte[] out = new byte[(int)body.length()];
        int o = 0;
        while (!body.isDrained())
        {
            final int n = Math.min(step, body.sliceLength());
            pool.buffer().getBytes(body.sliceOffset(), out, o, n);
            body.advance(n);
            o += n;
        }
        return out;
    }

    @Test
    void shouldHashAndReturnABodyAppendedInOddSlicesAcrossSlabs() throws Exception
    {
        final SlabPool pool = new SlabPool(16 * SLAB, SLAB);
        final BufferedBody body = new BufferedBody(pool, 8 * SLAB);
        final byte[] data = new byte[5 * SLAB + 123];
        new Random(7).nextBytes(data);
        final UnsafeBuffer src = new UnsafeBuffer(data);

        for (int offset = 0; offset < data.length; offset += 777)
        {
            final int n = Math.min(777, data.length - offset);
            assertEquals(n, body.append(src, offset, n));
        }

        assertEquals(data.length, body.length());
        assertEquals(6, body.slabsHeld());
        assertEquals(sha256(data), hashHex(body));
        assertArrayEquals(data, drain(pool, body, 500));
        body.clear();
        assertEquals(16, pool.available(), "every slab back");
    }

    @Test
    void shouldHashAnEmptyBodyAsTheEmptyHash() throws Exception
    {
        final BufferedBody body = new BufferedBody(new SlabPool(4 * SLAB, SLAB), 4 * SLAB);
        assertTrue(body.reserve(0));
        assertEquals(sha256(new byte[0]), hashHex(body));
        assertTrue(body.isDrained());
    }

    @Test
    void shouldReserveAllSlabsOfAKnownLengthOrNone()
    {
        final SlabPool pool = new SlabPool(4 * SLAB, SLAB);
        final BufferedBody a = new BufferedBody(pool, 8 * SLAB);
        final BufferedBody b = new BufferedBody(pool, 8 * SLAB);

        assertTrue(a.reserve(3 * SLAB - 1));
        assertEquals(1, pool.available());
        assertFalse(b.reserve(2 * SLAB), "only one slab left");
        assertEquals(0, b.slabsHeld());
        assertEquals(1, pool.available(), "a refused reservation holds nothing");
        a.clear();
        assertTrue(b.reserve(4 * SLAB));
        assertEquals(0, pool.available());
    }

    @Test
    void shouldTakeLessWhenThePoolRunsOutUnderAGrowingBody()
    {
        final SlabPool pool = new SlabPool(2 * SLAB, SLAB);
        final BufferedBody body = new BufferedBody(pool, 8 * SLAB);
        final UnsafeBuffer src = new UnsafeBuffer(new byte[3 * SLAB]);

        assertEquals(2 * SLAB, body.append(src, 0, 3 * SLAB));
        assertEquals(0, body.append(src, 0, 1));
        body.clear();
        assertEquals(2, pool.available());
    }

    @Test
    void shouldStopAtItsOwnBoundEvenWithSlabsFree()
    {
        final SlabPool pool = new SlabPool(8 * SLAB, SLAB);
        final BufferedBody body = new BufferedBody(pool, 2 * SLAB);
        final UnsafeBuffer src = new UnsafeBuffer(new byte[3 * SLAB]);

        assertEquals(2 * SLAB, body.append(src, 0, 3 * SLAB));
        assertFalse(body.reserve(3 * SLAB));
    }

    @Test
    void shouldStartAFreshDigestAfterClear() throws Exception
    {
        final SlabPool pool = new SlabPool(4 * SLAB, SLAB);
        final BufferedBody body = new BufferedBody(pool, 4 * SLAB);
        final byte[] first = "first body".getBytes(StandardCharsets.US_ASCII);
        final byte[] second = "second".getBytes(StandardCharsets.US_ASCII);
        body.append(new UnsafeBuffer(first), 0, first.length);
        body.clear();
        body.append(new UnsafeBuffer(second), 0, second.length);
        assertEquals(sha256(second), hashHex(body));
    }

    @Test
    void shouldNotAllocateWhileHoldingHashingAndSendingInSteadyState()
    {
        final SlabPool pool = new SlabPool(64 * SLAB, SLAB);
        final BufferedBody body = new BufferedBody(pool, 32 * SLAB);
        final UnsafeBuffer src = new UnsafeBuffer(org.agrona.BufferUtil.allocateDirectAligned(3000, 64));
        final byte[] hex = new byte[64];
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        boolean clean = false;
        for (int round = 0; round < 5 && !clean; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000; i++)
            {
                body.reserve(5 * SLAB);
                for (int n = 0; n < 9; n++)
                {
                    body.append(src, 0, 3000);
                }
                body.hashHex(hex, 0);
                while (!body.isDrained())
                {
                    body.advance(Math.min(700, body.sliceLength()));
                }
                body.clear();
            }
            clean = threads.getCurrentThreadAllocatedBytes() - before == 0;
        }
        assertTrue(clean, "holding a body allocated in every round");
    }
}
