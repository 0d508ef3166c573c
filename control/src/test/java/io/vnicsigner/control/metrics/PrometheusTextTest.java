package io.vnicsigner.control.metrics;

import java.io.File;

import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.counters.PortCounters;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTextTest
{
    @TempDir
    File dir;

    @Test
    void shouldExposeStageLatenciesAsASummaryInSeconds()
    {
        final org.HdrHistogram.Histogram sign = new org.HdrHistogram.Histogram(3);
        for (int i = 1; i <= 1000; i++)
        {
            sign.recordValue(i * 1_000L); // 1 µs .. 1 ms
        }
        final String text = PrometheusText.renderLatencies(java.util.Map.of("sign", sign));

        assertTrue(text.contains("# TYPE vnic_signer_latency_seconds summary\n"), text);
        final double p50 = Double.parseDouble(line(text, "vnic_signer_latency_seconds{stage=\"sign\",quantile=\"0.5\"} "));
        assertTrue(p50 > 0.000495 && p50 < 0.000505, "p50 about 0.5 ms: " + p50);
        assertEquals("1000", line(text, "vnic_signer_latency_seconds_count{stage=\"sign\"} "));
        final double sum = Double.parseDouble(line(text, "vnic_signer_latency_seconds_sum{stage=\"sign\"} "));
        assertTrue(Math.abs(sum - 0.5005) < 0.001, "sum of 1..1000 µs is 0.5005 s: " + sum);
        assertEquals("", PrometheusText.renderLatencies(java.util.Map.of()), "nothing before the first snapshot");
    }

    private static String line(final String text, final String prefix)
    {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    @Test
    void shouldExposeSystemAndPortCountersAsPrometheusCounters()
    {
        try (CountersFile file = CountersFile.create(dir, CountersFile.DEFAULT_MAX_COUNTERS, 1, 0))
        {
            final CountersManager manager = file.newManager();
            final SystemCounters counters = new SystemCounters(manager);
            counters.increment(SystemCounter.TOKEN_REJECTED);
            counters.increment(SystemCounter.TOKEN_REJECTED);
            final PortCounters port = new PortCounters(manager, "tap:vsg0");
            port.rxFrames.increment();

            final String text = PrometheusText.render(file.reader());

            assertTrue(text.contains("# TYPE vnic_signer_token_rejected_total counter\nvnic_signer_token_rejected_total 2\n"),
                text);
            assertTrue(text.contains("# HELP vnic_signer_token_rejected_total Guest requests refused with 401"), text);
            assertTrue(text.contains("vnic_signer_port_rx_frames_total{port=\"tap:vsg0\"} 1\n"), text);
            assertFalse(text.contains("reserved"), "gaps are not exported");
            for (final String line : text.split("\n"))
            {
                assertTrue(line.startsWith("# ") || line.matches("vnic_signer_[a-z0-9_]+(\\{port=\"[^\"]*\"})? \\d+"),
                    line);
            }
            assertEquals(SystemCounter.values().length, text.lines().filter(l -> l.startsWith("# HELP")).count());
        }
    }
}
