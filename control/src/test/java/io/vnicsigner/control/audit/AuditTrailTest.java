package io.vnicsigner.control.audit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.vnicsigner.control.policy.PolicyTable;
import io.vnicsigner.control.testing.Requests;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.sign.AuditHook;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditTrailTest
{
    private static final long DAY_MS = 86_400_000L;
    /** 2026-11-25T10:00:00Z. */
    private static final long T0_MS = 1_795_600_800_000L;
    private static final SigningIdentity ACME = Requests.identity("i-demo1", "acme");
    private static final String[] ROUTES = {"host s3.local -> http://127.0.0.1:9000"};

    @TempDir
    Path dir;

    private final Requests requests = new Requests();
    private final SetTimeProvider time = new SetTimeProvider(T0_MS * 1_000_000L);

    private AuditTrail open(final PolicyTable policy)
    {
        return new AuditTrail(AuditTrail.openQueue(dir, time, false), ROUTES, policy, null);
    }

    private List<AuditRecord> readAll()
    {
        final List<AuditRecord> records = new ArrayList<>();
        try (AuditReader reader = new AuditReader(dir))
        {
            reader.poll(records::add);
            reader.drainPending(records::add);
        }
        return records;
    }

    @Test
    void shouldRoundTripARefusalAndAForwardedRequestJoinedWithItsOutcome()
    {
        final long nowNs = T0_MS * 1_000_000L;
        try (AuditTrail audit = open(null))
        {
            final long refused = audit.onRequest(ACME, requests.parse(
                "GET /other/k?list-type=2 HTTP/1.1\r\nHost: s3.local\r\n\r\n"), 0, 429, "throttled", nowNs);
            final long forwarded = audit.onRequest(ACME, requests.parse(
                "PUT /demo-bucket/hello.txt HTTP/1.1\r\nHost: s3.local:80\r\nContent-Length: 5\r\n\r\n"), 0, 0, null,
                nowNs + 1_000);
            final long noRoute = audit.onRequest(null, requests.parse(
                "GET http://nowhere.test/x HTTP/1.1\r\nHost: nowhere.test\r\n\r\n"), -1, 404, "no_route", nowNs + 2_000);
            assertNotEquals(AuditHook.NOT_RECORDED, refused);
            assertNotEquals(AuditHook.NOT_RECORDED, noRoute);
            assertTrue(forwarded > refused);
            audit.onComplete(forwarded, 200, 5, 0, 3_500_000);
        }

        final List<AuditRecord> records = readAll();
        assertEquals(3, records.size(), records.toString());
        final AuditRecord throttled = records.get(0);
        assertEquals("i-demo1", throttled.instance());
        assertEquals("acme", throttled.tenant());
        assertEquals(ACME.identityHeaders().identity(), throttled.identity());
        assertEquals("GET", throttled.method());
        assertEquals("/other/k", throttled.path(), "never the query");
        assertEquals("deny", throttled.decision());
        assertEquals("throttled", throttled.reason());
        assertEquals(429, throttled.status());
        final AuditRecord noRoute = records.get(1);
        assertEquals("-", noRoute.instance());
        assertEquals("nowhere.test", noRoute.host());
        assertEquals("-", noRoute.route());
        final AuditRecord put = records.get(2);
        assertEquals("PUT", put.method());
        assertEquals("s3.local:80", put.host());
        assertEquals(ROUTES[0], put.route());
        assertEquals("allow", put.decision());
        assertEquals(PolicyTable.NO_POLICY, put.reason());
        assertTrue(put.completed());
        assertEquals(200, put.status());
        assertEquals(5, put.bytesUp());
        assertEquals(0, put.bytesDown());
        assertEquals(3_500_000, put.latencyNs());
        assertEquals(T0_MS * 1_000_000L + 1_000, put.timeNs());
        assertTrue(put.toJson().contains("\"time\":\"2026-11-25T10:00:00.000001Z\""), put.toJson());
    }

    @Test
    void shouldShowAForwardedRequestWithoutOutcomeAsNotCompleted()
    {
        try (AuditTrail audit = open(null))
        {
            audit.onRequest(ACME, requests.parse("GET /b/k HTTP/1.1\r\nHost: s3.local\r\n\r\n"), 0, 0, null, 5);
        }
        final List<AuditRecord> records = readAll();
        assertEquals(1, records.size());
        assertFalse(records.get(0).completed());
        assertEquals(0, records.get(0).status());
    }

    @Test
    void shouldRefuseToRecordOnceTheQueueIsClosed()
    {
        final AuditTrail audit = open(null);
        final HttpRequest request = requests.parse("GET /b/k HTTP/1.1\r\nHost: s3.local\r\n\r\n");
        assertNotEquals(AuditHook.NOT_RECORDED, audit.onRequest(ACME, request, 0, 0, null, 1));
        audit.queue().close();
        assertEquals(AuditHook.NOT_RECORDED, audit.onRequest(ACME, request, 0, 0, null, 2));
        assertEquals(1, audit.appendFailures());
        final org.agrona.concurrent.status.AtomicCounter lost = new org.agrona.concurrent.status.CountersManager(
            new org.agrona.concurrent.UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(8192)),
            new org.agrona.concurrent.UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(1024))).newCounter("lost");
        audit.outcomesLostCounter(lost).onComplete(0, 200, 0, 0, 1);
        assertEquals(2, audit.appendFailures());
        assertEquals(1, lost.get(), "a lost outcome is counted for operators");
        audit.close();
    }

    @Test
    void shouldRollDailyAndDeleteCyclesOutOfRetention() throws IOException
    {
        final HttpRequest request = requests.parse("GET /b/k HTTP/1.1\r\nHost: s3.local\r\n\r\n");
        try (AuditTrail audit = open(null))
        {
            for (int day = 0; day < 4; day++)
            {
                time.currentTimeMillis(T0_MS + day * DAY_MS);
                audit.onRequest(ACME, request, 0, 403, "day" + day, (T0_MS + day * DAY_MS) * 1_000_000L);
            }
        }
        assertEquals(List.of("20261125F.cq4", "20261126F.cq4", "20261127F.cq4", "20261128F.cq4"), cycleFiles());
        assertEquals(4, readAll().size());

        assertEquals(List.of(), AuditRetention.apply(dir, T0_MS + 3 * DAY_MS, 0), "0 keeps everything");
        final List<String> deleted = AuditRetention.apply(dir, T0_MS + 3 * DAY_MS, 2);
        assertEquals(List.of("20261125F.cq4"), deleted, "today and the two days before stay");
        assertEquals(List.of("20261126F.cq4", "20261127F.cq4", "20261128F.cq4"), cycleFiles());
        final List<AuditRecord> left = readAll();
        assertEquals(List.of("day1", "day2", "day3"), left.stream().map(AuditRecord::reason).toList());
    }

    @Test
    void shouldKeepRetentionPureOverNames()
    {
        final List<String> names = List.of("20261120F.cq4", "20261124F.cq4", "20261125F.cq4", "metadata.cq4t",
            "notacycle.cq4");
        assertEquals(List.of("20261120F.cq4"), AuditRetention.expired(names, T0_MS, 1));
        assertEquals(List.of("20261120F.cq4", "20261124F.cq4"), AuditRetention.expired(names, T0_MS + DAY_MS, 1));
        assertEquals(List.of(), AuditRetention.expired(names, T0_MS + DAY_MS, 0));
    }

    @Test
    void shouldNeverWriteCredentialsHeadersOrQueryIntoTheQueueFiles() throws IOException
    {
        try (AuditTrail audit = open(null))
        {
            audit.onRequest(ACME, requests.parse("GET /b/k HTTP/1.1\r\nHost: s3.local\r\nAuthorization: AWS4-HMAC-SHA256 " +
                "Credential=AKIDLEAK/x, Signature=" + Requests.SECRET + "\r\nX-Amz-Security-Token: " + Requests.SECRET +
                "\r\n\r\n"), 0, 403, "already_signed", 1);
            audit.onRequest(ACME, requests.parse("GET /b/k?X-Amz-Signature=" + Requests.SECRET +
                "&X-Amz-Credential=AKIDLEAK HTTP/1.1\r\nHost: s3.local\r\n\r\n"), 0, 403, "already_signed", 2);
        }
        final byte[] secret = Requests.SECRET.getBytes(StandardCharsets.US_ASCII);
        int files = 0;
        try (Stream<Path> all = Files.walk(dir))
        {
            for (final Path file : all.filter(Files::isRegularFile).toList())
            {
                final byte[] bytes = Files.readAllBytes(file);
                assertFalse(contains(bytes, secret), "secret in " + file);
                assertFalse(contains(bytes, "AKIDLEAK".getBytes(StandardCharsets.US_ASCII)), "access key in " + file);
                assertFalse(contains(bytes, "AKIDACME".getBytes(StandardCharsets.US_ASCII)), "tenant key in " + file);
                files++;
            }
        }
        assertTrue(files >= 1);
        assertEquals(2, readAll().size(), "the records are there, only without the secrets");
    }

    /**
     * Allocation of a request record plus its outcome in steady state, measured with the JVM's per-thread
     * allocation counter. The figure is printed; the bound only catches a gross regression.
     */
    @Test
    void shouldAppendInSteadyStateWithLittleOrNoAllocation()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().threadId();
        try (AuditTrail audit = open(null))
        {
            final HttpRequest request = requests.parse(
                "PUT /demo-bucket/some/key.bin HTTP/1.1\r\nHost: s3.local\r\nContent-Length: 5\r\n\r\n");
            for (int i = 0; i < 20_000; i++)
            {
                audit.onComplete(audit.onRequest(ACME, request, 0, 0, null, i), 200, 5, 0, 1000);
            }
            final int n = 50_000;
            final long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < n; i++)
            {
                audit.onComplete(audit.onRequest(ACME, request, 0, 0, null, i), 200, 5, 0, 1000);
            }
            final long perPair = (threads.getThreadAllocatedBytes(thread) - before) / n;
            System.out.println("audit: " + perPair + " bytes allocated per request+outcome record pair (" + n + " pairs)");
            assertTrue(perPair < 64, perPair + " bytes per record pair");
        }
    }

    private List<String> cycleFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }

    private static boolean contains(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
