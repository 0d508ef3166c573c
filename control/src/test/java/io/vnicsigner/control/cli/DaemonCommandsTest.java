package io.vnicsigner.control.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.counters.LatencySnapshots;
import io.vnicsigner.dataplane.counters.StageLatencies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaemonCommandsTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture()
    {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore()
    {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    @Test
    void shouldRefuseToStartWithABadConfigAndNameTheKey() throws Exception
    {
        final Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "uplink: { port: \"tap:vsup0\" }\ninstances:\n  - id: i-1\n    tenant: t\n" +
            "    mac: \"52:54:00:00:00:01\"\n    ip: 10.0.0.300\n    port: \"tap:vsg1\"\n");

        final int status = VnicSignerCli.execute("run", "--config", config.toString(), "--dir", dir.toString());

        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("instances[0].ip: '10.0.0.300' is not an IPv4"),
            err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldExplainWhenNoDaemonIsRunning()
    {
        final int status = VnicSignerCli.execute("stats", "--dir", dir.toString());

        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no counters file at"));
    }

    @Test
    void shouldPrintStageLatenciesFromTheSnapshotBesideTheCounters() throws Exception
    {
        final StageLatencies latencies = new StageLatencies();
        try (CountersFile counters = CountersFile.create(dir.toFile(), 256, ProcessHandle.current().pid(), 0);
            LatencySnapshots snapshots = new LatencySnapshots(dir.toFile(), latencies))
        {
            counters.newManager();
            for (int i = 1; i <= 1000; i++)
            {
                latencies.recordEndToEnd(i * 1_000L);
            }
            latencies.recordUpstream(250_000L);
            snapshots.publish();

            assertEquals(0, VnicSignerCli.execute("stats", "--dir", dir.toString()));
        }
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("latency (us)"), text);
        // 1,000 values of 1..1000 µs: p50 near 500 µs, max near 1000 µs (2 significant digits).
        assertTrue(text.matches("(?s).*end-to-end\\s+1000\\s+50\\d\\.\\d\\s.*"), text);
        assertTrue(text.matches("(?s).*upstream\\s+1\\s+2\\d\\d\\.\\d\\s.*"), text);
        assertTrue(text.matches("(?s).*sign\\s+0\\s.*"), text);
    }

    @Test
    void shouldPrintTheVersion()
    {
        assertEquals(0, VnicSignerCli.execute("version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("vnic-signer "));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("java 25"));
    }
}
