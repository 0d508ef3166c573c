package io.vnicsigner.control.audit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.vnicsigner.control.testing.Requests;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer process killed with SIGKILL while it appends: every record it reported as appended (which is when the
 * dataplane would forward the request) is in the queue afterwards. Covers the process crash, not a power loss.
 */
class AuditCrashTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAppendedRecordWhenTheWriterIsKilled() throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") ||
                arg.startsWith("--sun-misc-unsafe") || arg.startsWith("-Dchronicle"))
            {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString()));
        final Process writer = new ProcessBuilder(command).redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final Set<Long> reported = new HashSet<>();
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.US_ASCII)))
        {
            String line;
            while (reported.size() < 2_000 && (line = out.readLine()) != null)
            {
                reported.add(Long.parseLong(line));
            }
            writer.destroyForcibly(); // SIGKILL, mid-stream: the writer never stops on its own
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(2_000, reported.size(), "the writer reported its appends");

        final Set<Long> found = new HashSet<>();
        try (AuditReader reader = new AuditReader(dir))
        {
            reader.poll(r -> found.add(r.index()));
            reader.drainPending(r -> found.add(r.index()));
        }
        final Set<Long> missing = new HashSet<>(reported);
        missing.removeAll(found);
        System.out.println("audit crash: " + reported.size() + " appends reported before SIGKILL, " + found.size() +
            " records in the queue, " + missing.size() + " missing");
        assertEquals(Set.of(), missing);
    }

    /** The child process: appends forwarded-request records forever, printing each index once appended. */
    public static final class Writer
    {
        public static void main(final String[] args)
        {
            final SigningIdentity who = Requests.identity("i-crash", "acme");
            final HttpRequest request = new Requests().parse("GET /b/k HTTP/1.1\r\nHost: s3.local\r\n\r\n");
            final AuditTrail audit = new AuditTrail(AuditTrail.openQueue(Path.of(args[0])), new String[] {"r"}, null,
                null);
            for (long i = 0; ; i++)
            {
                final long id = audit.onRequest(who, request, 0, 0, null, System.currentTimeMillis() * 1_000_000L);
                if (id < 0)
                {
                    System.exit(3);
                }
                System.out.println(id);
                System.out.flush();
            }
        }
    }
}
