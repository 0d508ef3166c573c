package io.vnicsigner.dataplane.counters;

import java.io.File;

import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountersFileTest
{
    @TempDir
    File dir;

    @Test
    void shouldGiveEverySystemCounterItsIdHoldingUnusedIdsWithPlaceholders()
    {
        try (CountersFile file = CountersFile.create(dir, CountersFile.DEFAULT_MAX_COUNTERS, 1, 0))
        {
            file.newManager();
            final CountersReader reader = file.reader();
            for (final SystemCounter counter : SystemCounter.values())
            {
                assertEquals(counter.label(), reader.getCounterLabel(counter.id()));
            }
            final java.util.Set<Integer> used = new java.util.HashSet<>();
            int max = 0;
            for (final SystemCounter counter : SystemCounter.values())
            {
                used.add(counter.id());
                max = Math.max(max, counter.id());
            }
            for (int id = 0; id < max; id++)
            {
                if (!used.contains(id))
                {
                    assertTrue(reader.getCounterLabel(id).startsWith("reserved-" + id + ":"), reader.getCounterLabel(id));
                }
            }
        }
    }
}
