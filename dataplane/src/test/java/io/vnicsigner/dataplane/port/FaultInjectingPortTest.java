package io.vnicsigner.dataplane.port;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectingPortTest
{
    private static final int FRAMES = 10_000;

    @Test
    void shouldDropDuplicateAndReorderSentFramesAtRoughlyTheConfiguredRates()
    {
        final MemoryPort inner = new MemoryPort("memory:x", 1 << 22);
        final FaultInjectingPort port = new FaultInjectingPort(inner, 42, 0.05, 0.02, 0.05);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        for (int i = 0; i < FRAMES; i++)
        {
            frame.putInt(0, i);
            port.send(frame, 0, 64);
        }
        port.flush();

        final List<Integer> seen = drain(inner);
        assertRate("dropped", port.dropped(), 0.05);
        assertRate("duplicated", port.duplicated(), 0.02);
        assertRate("reordered", port.reordered(), 0.05);
        assertEquals(FRAMES - port.dropped() + port.duplicated(), seen.size(), "nothing lost beyond the drops");
        assertTrue(countInversions(seen) > 0, "some frames must arrive out of order");
    }

    @Test
    void shouldRepeatTheSameFaultsForTheSameSeed()
    {
        assertEquals(runReceive(7), runReceive(7));
        assertNotEquals(runReceive(7), runReceive(8));
    }

    @Test
    void shouldApplyFaultsOnReceiveWithoutLosingHeldFrames()
    {
        final List<Integer> seen = runReceive(3);
        final long distinct = seen.stream().distinct().count();
        assertTrue(distinct < FRAMES / 10, "about 5% are dropped: " + distinct);
        assertTrue(distinct > FRAMES / 10 * 0.9, "but not many more: " + distinct);
    }

    @Test
    void shouldRefuseRatesOutsideZeroToOne()
    {
        final MemoryPort inner = new MemoryPort("memory:x");
        assertThrows(IllegalArgumentException.class, () -> new FaultInjectingPort(inner, 1, 1.5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new FaultInjectingPort(inner, 1, 0, -0.1, 0));
    }

    private static List<Integer> runReceive(final long seed)
    {
        final MemoryPort inner = new MemoryPort("memory:x", 1 << 20);
        final FaultInjectingPort port = new FaultInjectingPort(inner, seed, 0.05, 0.02, 0.05);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
        final FrameBatch batch = new FrameBatch();
        final List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < FRAMES / 10; i++)
        {
            frame.putInt(0, i);
            inner.inject(frame, 0, 64);
            batch.clear();
            port.receive(batch);
            for (int f = 0; f < batch.count(); f++)
            {
                seen.add(batch.buffer().getInt(batch.offset(f)));
            }
        }
        batch.clear();
        port.receive(batch);
        for (int f = 0; f < batch.count(); f++)
        {
            seen.add(batch.buffer().getInt(batch.offset(f)));
        }
        return seen;
    }

    private static List<Integer> drain(final MemoryPort port)
    {
        final List<Integer> seen = new ArrayList<>();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
        while (port.take(out, 0) > 0)
        {
            seen.add(out.getInt(0));
        }
        return seen;
    }

    private static void assertRate(final String what, final long count, final double rate)
    {
        final double expected = FRAMES * rate;
        assertTrue(Math.abs(count - expected) < expected * 0.3, what + " " + count + " vs about " + expected);
    }

    private static int countInversions(final List<Integer> seen)
    {
        int inversions = 0;
        for (int i = 1; i < seen.size(); i++)
        {
            if (seen.get(i) < seen.get(i - 1))
            {
                inversions++;
            }
        }
        return inversions;
    }
}
