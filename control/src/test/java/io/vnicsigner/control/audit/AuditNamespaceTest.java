package io.vnicsigner.control.audit;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.vnicsigner.control.testing.GuestLab;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.vnicsigner.control.testing.GuestLab.SIGNING_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policy, throttle and audit through the real daemon: curl in a guest namespace, a SigV4-verifying S3Proxy behind
 * the signing IP, the instance on the free tier (3 requests of burst) and held to a policy that allows one bucket.
 */
class AuditNamespaceTest
{
    private static final String ACCESS_KEY = "AKIDAUDITTEST";
    private static final String SECRET = "audit-test-secret-never-in-a-record";
    private static final String BASE = "http://" + SIGNING_IP;

    private static S3ProxyFixture s3;

    @TempDir
    File dir;

    private GuestLab guest;
    private Path auditDir;

    @BeforeAll
    static void startS3Proxy() throws Exception
    {
        NetnsLab.assumeCapable();
        s3 = S3ProxyFixture.builder().credentials(ACCESS_KEY, SECRET).start();
    }

    @AfterAll
    static void stopS3Proxy()
    {
        if (s3 != null)
        {
            s3.close();
        }
    }

    @BeforeEach
    void startGuest() throws Exception
    {
        final Path credentials = dir.toPath().resolve("acme.json");
        Files.writeString(credentials, "{\"accessKeyId\":\"" + ACCESS_KEY + "\",\"secretAccessKey\":\"" + SECRET + "\"}");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        auditDir = dir.toPath().resolve("audit");
        s3.createBucket("audit-bucket");
        guest = new GuestLab(dir, "    tier: free\n    policy: app", """
            routes:
              - host: s3.local
                upstream: %s
                service: s3
                region: us-east-1
            tenants:
              - id: acme
                credentialsFile: %s
            audit: { dir: %s, retentionDays: 7 }
            tiers:
              free: { rate: 0.2, burst: 3 }
            policies:
              app:
                allow:
                  - { methods: [GET, PUT], host: s3.local, path: "/audit-bucket/**" }
            """.formatted(s3.endpoint(), credentials, auditDir));
    }

    @AfterEach
    void stopGuest()
    {
        if (guest != null)
        {
            guest.close();
        }
    }

    @Test
    void shouldAuditAnAllowedRequestWithItsStatusAndBytesAndRefuseWith503WhenItCannotBeAppended() throws Exception
    {
        final Path file = Files.writeString(dir.toPath().resolve("hello.txt"), "hello");
        assertEquals("200", curl("-X", "PUT", "--data-binary", "@" + file, "-H", "Host: s3.local",
            BASE + "/audit-bucket/hello.txt"), guest.stats());
        assertEquals("200", curl("-H", "Host: s3.local", BASE + "/audit-bucket/hello.txt"));

        final List<AuditRecord> records = awaitRecords(2);
        final AuditRecord put = records.get(0);
        assertEquals("PUT", put.method());
        assertEquals("/audit-bucket/hello.txt", put.path());
        assertEquals("i-demo1", put.instance());
        assertEquals("acme", put.tenant());
        assertEquals("allow", put.decision());
        assertEquals("policy app: allowed by rule 0", put.reason());
        assertEquals(200, put.status());
        assertEquals(5, put.bytesUp());
        final AuditRecord get = records.get(1);
        assertEquals(200, get.status());
        assertEquals(5, get.bytesDown());
        assertTrue(get.latencyNs() > 0);
        assertTrue(s3.log().contains("hello.txt"), "S3Proxy's log names the requests it served");

        // Forwarding waits on the append: with the queue gone the request is refused and S3Proxy never sees it.
        guest.daemon.control().audit().queue().close();
        assertEquals("503", curl("-X", "PUT", "--data-binary", "@" + file, "-H", "Host: s3.local",
            BASE + "/audit-bucket/unrecorded.txt"));
        assertEquals(1, guest.counter(SystemCounter.AUDIT_FAILURES));
        assertFalse(Files.exists(s3.objectPath("audit-bucket", "unrecorded.txt")));
        assertFalse(s3.log().contains("unrecorded.txt"), "never forwarded");
        assertNoSecretIn(auditDir);
    }

    @Test
    void shouldRefuseWhatThePolicyDoesNotAllowWith403AndAuditItsReason() throws Exception
    {
        s3.createBucket("other-bucket");
        assertEquals("403", curl("-H", "Host: s3.local", BASE + "/other-bucket/secret.txt"));
        assertEquals("403", curl("-X", "DELETE", "-H", "Host: s3.local", BASE + "/audit-bucket/denied-delete.txt"));

        final List<AuditRecord> records = awaitRecords(2);
        assertEquals("deny", records.get(0).decision());
        assertEquals(403, records.get(0).status());
        assertEquals("policy app: no allow rule matches", records.get(0).reason());
        assertEquals("DELETE", records.get(1).method());
        assertEquals(2, guest.counter(SystemCounter.POLICY_DENIED));
        assertEquals(0, guest.counter(SystemCounter.SIGNED_REQUESTS));
        assertFalse(s3.log().contains("secret.txt") || s3.log().contains("denied-delete.txt"), "never forwarded");
    }

    @Test
    void shouldAnswer429WithRetryAfterOnceTheBurstIsSpentAndNeverForwardIt() throws Exception
    {
        final Path file = Files.writeString(dir.toPath().resolve("b.txt"), "b");
        final List<String> urls = new ArrayList<>();
        for (int i = 1; i <= 5; i++)
        {
            urls.add(BASE + "/audit-bucket/burst-" + i + ".txt");
        }
        final List<String> command = new ArrayList<>(List.of("curl", "-sS", "-m", "20",
            "-w", "%{http_code} ", "-X", "PUT", "--data-binary", "@" + file, "-H", "Host: s3.local"));
        for (final String url : urls)
        {
            command.addAll(List.of("-o", "/dev/null", url));
        }
        final String codes = guest.inGuest(60, command.toArray(String[]::new)).assertOk().output();
        assertEquals("200 200 200 429 429 ", codes, guest.stats());
        final NetnsLab.Result headers = guest.inGuest(30, "curl", "-sS", "-m", "20", "-D", "-", "-o", "/dev/null",
            "-H", "Host: s3.local", BASE + "/audit-bucket/burst-1.txt").assertOk();
        assertTrue(headers.output().startsWith("HTTP/1.1 429"), headers.output());
        final String retryAfter = headers.output().lines().filter(l -> l.toLowerCase().startsWith("retry-after:"))
            .findFirst().orElseThrow().substring("retry-after:".length()).trim();
        final int seconds = Integer.parseInt(retryAfter);
        assertTrue(seconds >= 1 && seconds <= 5, "a token every 5 s: " + retryAfter);

        for (int i = 4; i <= 5; i++)
        {
            assertFalse(Files.exists(s3.objectPath("audit-bucket", "burst-" + i + ".txt")));
            assertFalse(s3.log().contains("burst-" + i + ".txt"), "never forwarded");
        }
        assertTrue(Files.exists(s3.objectPath("audit-bucket", "burst-3.txt")));
        assertTrue(s3.log().contains("burst-3.txt"), "S3Proxy's log names what it served");
        assertEquals(3, guest.counter(SystemCounter.THROTTLED));
        assertEquals(3, guest.daemon.control().throttle().throttled("i-demo1"));
        assertEquals(3, guest.daemon.control().throttle().throttledForTenant("acme"));
        assertTrue(guest.stats().contains("throttled instance i-demo1 (tenant acme, tier free)"), guest.stats());

        final List<AuditRecord> records = awaitRecords(6);
        assertEquals(List.of(200, 200, 200, 429, 429, 429), records.stream().map(AuditRecord::status).toList());
        assertEquals("throttle: instance rate", records.get(3).reason());
    }

    /** Waits until the queue holds {@code count} completed records (outcomes follow the response), and reads them. */
    private List<AuditRecord> awaitRecords(final int count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        List<AuditRecord> records = List.of();
        while (System.nanoTime() - deadline < 0)
        {
            final List<AuditRecord> read = new ArrayList<>();
            try (AuditReader reader = new AuditReader(auditDir))
            {
                reader.poll(read::add);
            }
            records = read;
            if (records.size() >= count)
            {
                return records;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("expected " + count + " audit records, found " + records);
    }

    private static void assertNoSecretIn(final Path directory) throws Exception
    {
        final byte[] secret = SECRET.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path f : files.filter(Files::isRegularFile).toList())
            {
                final String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(SECRET) || text.contains(new String(secret, StandardCharsets.ISO_8859_1)),
                    "secret in " + f);
            }
        }
    }

    private String curl(final String... args)
    {
        final String[] command = new String[args.length + 8];
        command[0] = "curl";
        command[1] = "-sS";
        command[2] = "-m";
        command[3] = "20";
        command[4] = "-o";
        command[5] = "/dev/null";
        command[6] = "-w";
        command[7] = "%{http_code}";
        System.arraycopy(args, 0, command, 8, args.length);
        return guest.inGuest(30, command).assertOk().output();
    }
}
