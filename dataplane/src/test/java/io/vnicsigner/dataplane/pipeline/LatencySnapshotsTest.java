package io.vnicsigner.dataplane.pipeline;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.Map;

import io.vnicsigner.dataplane.counters.LatencySnapshots;
import io.vnicsigner.dataplane.counters.StageLatencies;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencySnapshotsTest
{
    @TempDir
    File dir;

    @Test
    void shouldPublishCumulativeStageHistogramsThatAnotherReaderDecodes() throws Exception
    {
        final StageLatencies latencies = new StageLatencies();
        try (LatencySnapshots snapshots = new LatencySnapshots(dir, latencies))
        {
            for (int i = 1; i <= 100; i++)
            {
                latencies.recordUpstream(i * 1_000_000L);
            }
            latencies.recordEndToEnd(5_000_000L);
            snapshots.publish();
            latencies.recordEndToEnd(7_000_000L);
            snapshots.publish();

            final Map<String, Histogram> read = LatencySnapshots.read(dir);
            assertEquals(java.util.List.of("sign", "upstream", "end-to-end"), java.util.List.copyOf(read.keySet()));
            assertEquals(0, read.get("sign").getTotalCount());
            final Histogram upstream = read.get("upstream");
            assertEquals(100, upstream.getTotalCount());
            assertEquals(50_000_000L, upstream.getValueAtPercentile(50), 50_000_000L / 100.0);
            assertEquals(100_000_000L, upstream.getMaxValue(), 100_000_000L / 100.0);
            assertEquals(2, read.get("end-to-end").getTotalCount(), "the second snapshot adds to the first");
        }
        assertFalse(new File(dir, LatencySnapshots.FILE_NAME).exists(), "closing removes the file");
    }

    @Test
    void shouldClampValuesOutsideTheTrackableRange()
    {
        final StageLatencies latencies = new StageLatencies();
        latencies.recordUpstream(-5);
        latencies.recordUpstream(Long.MAX_VALUE);
        assertEquals(2, latencies.interval(StageLatencies.UPSTREAM, null).getTotalCount());
    }

    @Test
    void shouldRecordWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final StageLatencies latencies = new StageLatencies();
        for (int i = 0; i < 100_000; i++)
        {
            record(latencies, i);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++)
        {
            record(latencies, i);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes for 300,000 records");
    }

    private static void record(final StageLatencies latencies, final int i)
    {
        latencies.signStart();
        latencies.signEnd();
        latencies.recordUpstream(i * 1000L);
        latencies.recordEndToEnd(i * 2000L);
    }
}
