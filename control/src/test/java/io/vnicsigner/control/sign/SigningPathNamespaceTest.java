package io.vnicsigner.control.sign;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.vnicsigner.control.testing.GuestLab;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.control.testing.SignedGuest;
import io.vnicsigner.dataplane.counters.LatencySnapshots;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path against a real SigV4-verifying S3Proxy: curl in a guest namespace sends unsigned requests to the
 * signing IP, the daemon (in this JVM) signs them with the tenant's credentials and forwards them.
 */
class SigningPathNamespaceTest
{
    private static final String ACCESS_KEY = "AKIDACMETEST";
    private static final String SECRET = "acme-secret-never-in-the-guest";
    private static final String BASE = SignedGuest.BASE;

    private static S3ProxyFixture s3;
    private static S3ProxyFixture s3Tls;
    private static Path foreignCa;

    @TempDir
    File dir;

    private GuestLab guest;
    private SignedGuest curl;
    private ServerSocket silent;

    @BeforeAll
    static void startS3Proxy() throws Exception
    {
        NetnsLab.assumeCapable();
        final java.util.List<S3ProxyFixture> providers = S3ProxyFixture.startAll(
            S3ProxyFixture.builder().credentials(ACCESS_KEY, SECRET),
            S3ProxyFixture.builder().credentials(ACCESS_KEY, SECRET).https(true));
        s3 = providers.get(0);
        s3Tls = providers.get(1);
        final Path certs = Files.createTempDirectory("vnic-foreign-ca");
        foreignCa = certs.resolve("foreign.pem");
        S3ProxyFixture.makeSelfSignedCertificate(certs.resolve("foreign.p12"), foreignCa, "ip:127.0.0.1");
    }

    @AfterAll
    static void stopS3Proxy() throws Exception
    {
        if (foreignCa != null)
        {
            Files.deleteIfExists(foreignCa);
            Files.deleteIfExists(foreignCa.resolveSibling("foreign.p12"));
            Files.deleteIfExists(foreignCa.getParent());
        }
        if (s3 != null)
        {
            s3.close();
        }
        if (s3Tls != null)
        {
            s3Tls.close();
        }
    }

    @BeforeEach
    void startGuest() throws Exception
    {
        final Path credentials = SignedGuest.credentialsFile(dir.toPath(), "acme", ACCESS_KEY, SECRET);
        final int downPort;
        try (ServerSocket socket = new ServerSocket(0))
        {
            downPort = socket.getLocalPort(); // closed again: nothing listens there
        }
        // Listens (the kernel completes connects into the backlog) but never accepts or answers.
        silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        guest = new GuestLab(dir, "", """
            routes:
              - host: s3.local
                upstream: %s
                service: s3
                region: us-east-1
              - host: down.local
                upstream: http://127.0.0.1:%d
                service: s3
                region: us-east-1
              - host: stalled.local
                upstream: http://127.0.0.1:%d
                service: s3
                region: us-east-1
                responseTimeoutMs: 500
              - host: cut.local
                upstream: http://127.0.0.1:%d
                service: s3
                region: us-east-1
              - host: tls.local
                upstream: %s
                caFile: %s
                service: s3
                region: us-east-1
              - host: foreign-ca.local
                upstream: %s
                caFile: %s
                service: s3
                region: us-east-1
            tenants:
              - id: acme
                credentialsFile: %s
            """.formatted(s3.endpoint(), downPort, silent.getLocalPort(), silent.getLocalPort(), s3Tls.endpoint(),
            s3Tls.caCertificate(), s3Tls.endpoint(), foreignCa, credentials));
        curl = new SignedGuest(guest);
    }

    @AfterEach
    void stopGuest() throws Exception
    {
        silent.close();
        if (guest != null)
        {
            guest.close();
        }
    }

    @Test
    void shouldStoreAndReturnFiveMebibytesByteExactThroughTheSigningIp() throws Exception
    {
        final byte[] body = new byte[5 * 1024 * 1024 + 17];
        new Random(5).nextBytes(body);
        final Path file = dir.toPath().resolve("hello.bin");
        Files.write(file, body);
        final Path fetched = dir.toPath().resolve("fetched.bin");

        assertEquals("200", curl("-X", "PUT", "-H", "Host: s3.local", BASE + "/demo-bucket"), guest.stats());
        assertEquals("200", curl("-X", "PUT", "--data-binary", "@" + file, "-H", "Host: s3.local",
            BASE + "/demo-bucket/hello.txt"), guest.stats());
        assertEquals("200", curlTo(fetched.toString(), "-H", "Host: s3.local", BASE + "/demo-bucket/hello.txt"));

        assertEquals(SignedGuest.sha256(body), SignedGuest.sha256(Files.readAllBytes(fetched)), "GET returns the bytes PUT");
        assertArrayEquals(body, Files.readAllBytes(s3.objectPath("demo-bucket", "hello.txt")), "stored byte-exact");
        assertEquals(3, guest.counter(SystemCounter.SIGNED_REQUESTS));
    }

    @Test
    void shouldServeHeadDeleteListAndTinyBodiesOnKeepAliveConnections() throws Exception
    {
        s3.createBucket("tiny-bucket");
        final Path empty = Files.write(dir.toPath().resolve("empty"), new byte[0]);
        final Path one = Files.write(dir.toPath().resolve("one"), new byte[] {'x'});
        final Path listing = dir.toPath().resolve("listing.xml");
        final String object = BASE + "/tiny-bucket/one.txt";

        assertEquals("200", curl("-X", "PUT", "--data-binary", "@" + empty, "-H", "Host: s3.local",
            BASE + "/tiny-bucket/empty.txt"));
        assertEquals("200", curl("-X", "PUT", "--data-binary", "@" + one, "-H", "Host: s3.local", object));
        assertEquals(0, Files.size(s3.objectPath("tiny-bucket", "empty.txt")));
        assertEquals("x", Files.readString(s3.objectPath("tiny-bucket", "one.txt")));

        final NetnsLab.Result head = guest.inGuest(30, "curl", "-sS", "-m", "20", "-I", "-H", "Host: s3.local", object)
            .assertOk();
        assertTrue(head.output().startsWith("HTTP/1.1 200"), head.output());
        assertTrue(head.output().toLowerCase().contains("content-length: 1\r\n"), head.output());

        assertEquals("200", curlTo(listing.toString(), "-H", "Host: s3.local", BASE + "/tiny-bucket"));
        final String keys = Files.readString(listing);
        assertTrue(keys.contains("<Key>empty.txt</Key>") && keys.contains("<Key>one.txt</Key>"), keys);

        final NetnsLab.Result keepAlive = guest.inGuest(30, "curl", "-sS", "-m", "20", "-o", "/dev/null", "-o",
            "/dev/null", "-w", "%{http_code} %{num_connects}\\n", "-H", "Host: s3.local", object, object).assertOk();
        assertEquals("200 1\n200 0\n", keepAlive.output(), "two signed exchanges on one guest connection");

        assertEquals("204", curl("-X", "DELETE", "-H", "Host: s3.local", object));
        assertEquals("404", curl("-H", "Host: s3.local", object), "the provider's 404, relayed");
        assertTrue(Files.notExists(s3.objectPath("tiny-bucket", "one.txt")));
    }

    @Test
    void shouldHaveTheSamePutRefusedWhenSentDirectlyToTheProvider() throws Exception
    {
        s3.createBucket("direct-bucket");
        final Path file = dir.toPath().resolve("small.txt");
        Files.writeString(file, "hello");

        // The guest cannot reach the provider's loopback address, so the direct request comes from the host.
        final NetnsLab.Result direct = guest.lab.run("curl", "-sS", "-m", "10", "-o", "/dev/null", "-w",
            "%{http_code}", "-X", "PUT", "--data-binary", "@" + file, "-H", "Host: s3.local",
            s3.endpoint() + "/direct-bucket/hello.txt").assertOk();
        assertEquals("403", direct.output());
        assertEquals("200", curl("-X", "PUT", "--data-binary", "@" + file, "-H", "Host: s3.local",
            BASE + "/direct-bucket/hello.txt"), "the same PUT through the signing IP");
        assertEquals("hello", Files.readString(s3.objectPath("direct-bucket", "hello.txt")));
    }

    @Test
    void shouldRefuseUnroutedForgedAndPresignedRequestsBeforeTheProvider() throws Exception
    {
        assertEquals("404", curl("-H", "Host: elsewhere.local", BASE + "/demo-bucket"));
        assertEquals("400", curl("-H", "Host: s3.local", "-H", "x-vnic-identity: forged", BASE + "/demo-bucket"));
        assertEquals("403", curl("-H", "Host: s3.local", "-H", "Authorization: AWS4-HMAC-SHA256 Credential=x",
            BASE + "/demo-bucket"));
        assertEquals("403", curl("-H", "Host: s3.local", BASE + "/demo-bucket/k?X-Amz-Signature=00"));
        assertEquals(0, guest.counter(SystemCounter.SIGNED_REQUESTS));
        assertEquals(4, guest.counter(SystemCounter.SIGNING_REJECTED) + guest.counter(SystemCounter.HTTP_RESPONSES_404));
    }

    @Test
    void shouldAnswer502WhenTheProviderIsDown() throws Exception
    {
        final long start = System.nanoTime();
        assertEquals("502", curl("-H", "Host: down.local", BASE + "/demo-bucket"));
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "refused fast, within the connect timeout");
        assertEquals(1, guest.counter(SystemCounter.UPSTREAM_FAILURES));
        assertEquals("200", curl("-H", "Host: s3.local", BASE + "/vnic/v1/ping"), "the dataplane keeps serving");
    }

    @Test
    void shouldAnswer504WhenTheProviderStalls() throws Exception
    {
        final long start = System.nanoTime();
        assertEquals("504", curl("-H", "Host: stalled.local", BASE + "/demo-bucket"));
        final long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs >= 450 && elapsedMs < 5_000, "after the 500 ms response timeout: " + elapsedMs + " ms");
        assertEquals(1, guest.counter(SystemCounter.UPSTREAM_FAILURES));
    }

    @Test
    void shouldResetTheGuestWhenTheProviderClosesMidBody() throws Exception
    {
        final Thread provider = new Thread(() ->
        {
            try (java.net.Socket socket = silent.accept())
            {
                final java.io.InputStream in = socket.getInputStream();
                int matched = 0;
                while (matched < 4) // read the request head up to its empty line
                {
                    final int b = in.read();
                    if (b < 0)
                    {
                        return;
                    }
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" +
                    "x".repeat(1000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            catch (final java.io.IOException ignored)
            {
                // the test asserts on what the guest saw
            }
        });
        provider.start();

        final NetnsLab.Result cut = guest.inGuest(30, "curl", "-sS", "-m", "10", "-o", "/dev/null", "-w",
            "%{http_code}", "-H", "Host: cut.local", BASE + "/demo-bucket/big");
        provider.join(10_000);

        assertTrue(cut.exitCode() == 18 || cut.exitCode() == 56, "partial transfer or reset: " + cut);
        assertTrue(cut.output().endsWith("200"), "the head had been relayed: " + cut);
        assertEquals(1, guest.counter(SystemCounter.UPSTREAM_FAILURES));
        assertTrue(guest.counter(SystemCounter.TCP_RST_SENT) >= 1, guest.stats());
    }

    @Test
    void shouldSignOverTlsWithTheRouteCaAndAnswer502ForAForeignCa() throws Exception
    {
        s3Tls.createBucket("tls-bucket");
        final Path file = Files.writeString(dir.toPath().resolve("tls.txt"), "over tls");

        assertEquals("200", curl("-X", "PUT", "--data-binary", "@" + file, "-H", "Host: tls.local",
            BASE + "/tls-bucket/tls.txt"));
        assertEquals("over tls", Files.readString(s3Tls.objectPath("tls-bucket", "tls.txt")));
        assertEquals("502", curl("-H", "Host: foreign-ca.local", BASE + "/tls-bucket/tls.txt"));
    }

    @Test
    void shouldPublishSignUpstreamAndEndToEndLatenciesForStats() throws Exception
    {
        assertEquals("200", curl("-X", "PUT", "-H", "Host: s3.local", BASE + "/latency-bucket"));
        assertEquals("200", curl("-H", "Host: s3.local", BASE + "/latency-bucket"));

        // The daemon rewrites the snapshot every second, off the agents' threads.
        final long deadlineNs = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        java.util.Map<String, org.HdrHistogram.Histogram> stages = LatencySnapshots.read(dir);
        while ((stages.isEmpty() || stages.get("end-to-end").getTotalCount() < 2) && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(100);
            stages = LatencySnapshots.read(dir);
        }
        assertEquals(2, stages.get("sign").getTotalCount(), stages.toString());
        assertEquals(2, stages.get("upstream").getTotalCount());
        assertEquals(2, stages.get("end-to-end").getTotalCount());
        assertTrue(stages.get("upstream").getMaxValue() > 0);
        assertTrue(stages.get("end-to-end").getMaxValue() >= stages.get("upstream").getMinValue(),
            "end to end includes the upstream exchange");
    }

    private String curl(final String... args)
    {
        return curl.curl(args);
    }

    private String curlTo(final String output, final String... args)
    {
        return curl.curlTo(output, args);
    }
}
