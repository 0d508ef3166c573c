package io.vnicsigner.control.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.vnicsigner.control.audit.AuditTrail;
import io.vnicsigner.control.testing.Requests;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditCommandTest
{
    /** 2026-11-25T10:00:00Z. */
    private static final long T0_NS = 1_795_600_800_000L * 1_000_000L;
    private static final long HOUR_NS = 3_600_000_000_000L;
    private static final SigningIdentity A = Requests.identity("i-a", "acme");
    private static final SigningIdentity B = Requests.identity("i-b", "globex");

    @TempDir
    Path dir;

    private Path queue;

    private record Run(int exit, List<String> lines, String err)
    {
    }

    @BeforeEach
    void writeRecords()
    {
        queue = dir.resolve("audit");
        final Requests requests = new Requests();
        try (AuditTrail audit = new AuditTrail(AuditTrail.openQueue(queue, new SetTimeProvider(T0_NS), false),
            new String[] {"host s3.local -> http://127.0.0.1:9000"}, null, null))
        {
            for (int i = 0; i < 6; i++)
            {
                final SigningIdentity who = i % 2 == 0 ? A : B;
                final long id = audit.onRequest(who, requests.parse("GET /bucket/k" + i + " HTTP/1.1\r\nHost: s3.local\r\n\r\n"),
                    0, 0, null, T0_NS + i * HOUR_NS);
                audit.onComplete(id, 200, 0, 100 + i, 2_000_000);
            }
            audit.onRequest(A, requests.parse("DELETE /bucket/x HTTP/1.1\r\nHost: s3.local\r\n\r\n"), 0, 403, "policy",
                T0_NS + 7 * HOUR_NS);
        }
    }

    private static Run run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = new CommandLine(new VnicSignerCli()).setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true)).execute(args);
        final String text = out.toString();
        return new Run(exit, text.isEmpty() ? List.of() : List.of(text.split("\n")), err.toString());
    }

    @Test
    void shouldTailTheLastRecordsAsJsonLines()
    {
        final Run run = run("audit", "tail", "--dir", queue.toString(), "-n", "3");
        assertEquals(0, run.exit(), run.err());
        assertEquals(3, run.lines().size(), run.lines().toString());
        assertTrue(run.lines().get(0).contains("\"path\":\"/bucket/k4\""), run.lines().get(0));
        assertTrue(run.lines().get(1).contains("\"path\":\"/bucket/k5\"") &&
            run.lines().get(1).contains("\"bytesDown\":105") && run.lines().get(1).contains("\"status\":200"));
        assertTrue(run.lines().get(2).contains("\"method\":\"DELETE\"") &&
            run.lines().get(2).contains("\"decision\":\"deny\"") && run.lines().get(2).contains("\"status\":403"));
    }

    @Test
    void shouldFilterByInstanceAndTenant()
    {
        final Run a = run("audit", "tail", "--dir", queue.toString(), "--instance", "i-a", "-n", "100");
        assertEquals(4, a.lines().size(), a.lines().toString());
        a.lines().forEach(l -> assertTrue(l.contains("\"instance\":\"i-a\""), l));
        final Run globex = run("audit", "tail", "--dir", queue.toString(), "--tenant", "globex", "-n", "100");
        assertEquals(3, globex.lines().size());
        globex.lines().forEach(l -> assertTrue(l.contains("\"tenant\":\"globex\""), l));
    }

    @Test
    void shouldFollowAndPrintRecordsAppendedLater() throws Exception
    {
        final StringWriter out = new StringWriter();
        final java.util.concurrent.CompletableFuture<Integer> follow = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> new CommandLine(new VnicSignerCli()).setOut(new PrintWriter(out, true)).execute(
                "audit", "tail", "--dir", queue.toString(), "-n", "1", "--follow", "--max-records", "2", "--poll-ms", "20"));
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (out.toString().isEmpty() && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(10);
        }
        assertTrue(out.toString().contains("\"method\":\"DELETE\""), "the last record first: " + out);
        assertFalse(follow.isDone(), "still following");
        try (AuditTrail audit = new AuditTrail(AuditTrail.openQueue(queue, new SetTimeProvider(T0_NS), false),
            new String[0], null, null))
        {
            audit.onRequest(B, new Requests().parse("GET /later HTTP/1.1\r\nHost: s3.local\r\n\r\n"), -1, 404,
                "no_route", T0_NS + 8 * HOUR_NS);
        }
        assertEquals(0, follow.get(30, java.util.concurrent.TimeUnit.SECONDS));
        final String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length, out.toString());
        assertTrue(lines[1].contains("\"path\":\"/later\""), lines[1]);
    }

    @Test
    void shouldExportAHalfOpenTimeRangeReadingTheDirectoryFromTheConfig() throws Exception
    {
        final Path config = Files.writeString(dir.resolve("vnic.yaml"), """
            uplink: { port: "tap:ctup0" }
            audit: { dir: "%s", retentionDays: 30 }
            """.formatted(queue));
        final Run run = run("audit", "export", "--config", config.toString(), "--since", "2026-11-25T11:00:00Z",
            "--until", "2026-11-25T14:00:00Z", "--format", "jsonl");
        assertEquals(0, run.exit(), run.err());
        assertEquals(3, run.lines().size(), run.lines().toString());
        assertTrue(run.lines().get(0).contains("\"time\":\"2026-11-25T11:00:00Z\""), run.lines().get(0));
        assertTrue(run.lines().get(2).contains("\"time\":\"2026-11-25T13:00:00Z\""), run.lines().get(2));
        assertEquals(7, run("audit", "export", "--dir", queue.toString()).lines().size());
    }

    @Test
    void shouldNameTheProblemWithBadArguments()
    {
        final Run since = run("audit", "export", "--dir", queue.toString(), "--since", "yesterday");
        assertEquals(2, since.exit());
        assertTrue(since.err().contains("--since must be an ISO-8601 instant"), since.err());
        final Run format = run("audit", "export", "--dir", queue.toString(), "--format", "csv");
        assertTrue(format.err().contains("--format must be jsonl"), format.err());
        final Run missing = run("audit", "tail", "--dir", dir.resolve("nothing").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no audit queue at"), missing.err());
        assertFalse(run("audit", "tail").err().isEmpty());
    }
}
