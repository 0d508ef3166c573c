package io.vnicsigner.control.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
    void shouldPrintTheVersion()
    {
        assertEquals(0, VnicSignerCli.execute("version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("vnic-signer "));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("java 25"));
    }
}
