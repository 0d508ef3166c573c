package io.vnicsigner.dataplane.counters;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SystemCountersTest
{
    @TempDir
    File dir;

    @Test
    void shouldPutEverySystemCounterOnItsOwnIdAndHoldTheGapsWithReservedCounters()
    {
        try (CountersFile file = CountersFile.create(dir, CountersFile.DEFAULT_MAX_COUNTERS, 1, 0))
        {
            final CountersManager manager = file.newManager();
            final CountersReader reader = file.reader();
            int max = 0;
            for (final SystemCounter counter : SystemCounter.values())
            {
                assertEquals(CounterTypes.SYSTEM, reader.getCounterTypeId(counter.id()), counter.name());
                assertEquals(counter.label(), reader.getCounterLabel(counter.id()));
                max = Math.max(max, counter.id());
            }
            final List<Integer> reserved = new ArrayList<>();
            reader.forEach((id, type, key, label) ->
            {
                if (type == CounterTypes.RESERVED)
                {
                    reserved.add(id);
                }
            });
            assertEquals(max + 1 - SystemCounter.values().length, reserved.size(), "one reserved counter per gap");
            final int next = manager.allocate("port x rx-frames", CounterTypes.PORT_RX_FRAMES);
            assertTrue(next > max, "other counters come after the system ones");
        }
    }
}
