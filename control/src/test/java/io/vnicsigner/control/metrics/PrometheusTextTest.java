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
