package io.vnicsigner.dataplane.tcp;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionTimerWheelTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldFireEachDeadlineOnceAndNotBefore()
    {
        final ConnectionTimerWheel wheel = new ConnectionTimerWheel(8, MS, 16);
        final List<long[]> fired = new ArrayList<>();
        wheel.schedule(0, 5 * MS, 0);
        wheel.schedule(1, 40 * MS, 0); // beyond one revolution of 16 ticks
        wheel.schedule(2, 7 * MS, 0);
        wheel.cancel(2);
        for (long t = 1; t <= 50; t++)
        {
            wheel.poll(t * MS, (slot, now) -> fired.add(new long[]{ slot, now }));
        }
        assertEquals(2, fired.size());
        assertEquals(0, fired.get(0)[0]);
        assertEquals(5 * MS, fired.get(0)[1]);
        assertEquals(1, fired.get(1)[0]);
        assertEquals(40 * MS, fired.get(1)[1]);
        assertFalse(wheel.isScheduled(0));
    }

    @Test
    void shouldFireOverdueDeadlinesWhenPolledLateOrAfterALongGap()
    {
        final ConnectionTimerWheel wheel = new ConnectionTimerWheel(8, MS, 16);
        final List<Integer> fired = new ArrayList<>();
        wheel.schedule(0, 1_003 * MS, 1_000 * MS);
        wheel.schedule(1, 1_009 * MS, 1_000 * MS);
        wheel.schedule(2, 5_000 * MS, 1_000 * MS);
        wheel.poll(1_010 * MS, (slot, now) -> fired.add(slot));
        assertEquals(List.of(0, 1), fired.stream().sorted().toList());
        wheel.poll(9_000 * MS, (slot, now) -> fired.add(slot));
        assertEquals(3, fired.size());
        assertTrue(fired.contains(2));
    }
}
