package io.vnicsigner.control.sign;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import io.vnicsigner.control.testing.GuestLab;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.control.testing.SignedGuest;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.vnicsigner.control.testing.SignedGuest.BASE;
import static io.vnicsigner.control.testing.SignedGuest.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies through the signing path against a real SigV4-verifying S3Proxy, per the route's {@code payload}
 * key: held and hashed up to the buffered-body limit (8 MiB), streamed as {@code UNSIGNED-PAYLOAD} beyond it, and
 * chunked uploads de-chunked and sent with a {@code Content-Length}.
 */
class PayloadNamespaceTest
{
    private static final String ACCESS_KEY = "AKIDPAYLOADTEST";
    private static final String SECRET = "payload-secret-never-in-the-guest";
    private static final int MIB = 1024 * 1024;

    private static S3ProxyFixture s3;

    @TempDir
    File dir;

    private GuestLab guest;
    private SignedGuest curl;

    @BeforeAll
    static void startS3Proxy() throws Exception
    {
        NetnsLab.assumeCapable();
        s3 = S3ProxyFixture.builder().credentials(ACCESS_KEY, SECRET).start();
        s3.createBucket("payload-bucket");
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
        startGuest("");
    }

    private void startGuest(final String limits) throws Exception
    {
        final Path credentials = SignedGuest.credentialsFile(dir.toPath(), "acme", ACCESS_KEY, SECRET);
        guest = new GuestLab(dir, "", limits + """
            routes:
              - host: s3.local
                upstream: %s
                service: s3
                region: us-east-1
              - host: hash.local
                upstream: %s
                service: s3
                region: us-east-1
                payload: hash
              - host: unsigned.local
                upstream: %s
                service: s3
                region: us-east-1
                payload: unsigned
            tenants:
              - id: acme
                credentialsFile: %s
            """.formatted(s3.endpoint(), s3.endpoint(), s3.endpoint(), credentials));
        curl = new SignedGuest(guest);
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
    void shouldHashAOneMebibyteBodyAndStoreItByteExact() throws Exception
    {
        final byte[] body = random(MIB, 1);
        final Path file = Files.write(dir.toPath().resolve("one-mib"), body);
        final Path fetched = dir.toPath().resolve("one-mib.fetched");

        assertEquals("200", curl.curl("-X", "PUT", "--data-binary", "@" + file, "-H", "Host: s3.local",
            BASE + "/payload-bucket/one-mib"), guest.stats());
        assertEquals("200", curl.curlTo(fetched.toString(), "-H", "Host: s3.local", BASE + "/payload-bucket/one-mib"));

        assertEquals(sha256(body), sha256(fetched), "GET returns the bytes PUT");
        assertArrayEquals(body, Files.readAllBytes(s3.objectPath("payload-bucket", "one-mib")));
        assertEquals(1, guest.counter(SystemCounter.PAYLOADS_HASHED), "signed with its SHA-256: " + guest.stats());
        assertEquals(0, guest.counter(SystemCounter.PAYLOADS_UNSIGNED), guest.stats());
    }

    @Test
    void shouldStreamSixteenMebibytesAndTwoHundredFiftySixMebibytesAsUnsignedPayload() throws Exception
    {
        for (final int mib : new int[] {16, 256})
        {
            final Path file = randomFile(dir.toPath().resolve("big-" + mib), (long)mib * MIB, mib);
            final Path fetched = dir.toPath().resolve("big-" + mib + ".fetched");
            final String url = BASE + "/payload-bucket/big-" + mib;

            assertEquals("200", curl.curlTimed(90, "/dev/null", "-X", "PUT", "--data-binary", "@" + file,
                "-H", "Host: s3.local", url), guest.stats());
            assertEquals("200", curl.curlTimed(90, fetched.toString(), "-H", "Host: s3.local", url));

            final String sent = sha256(file);
            assertEquals(sent, sha256(fetched), mib + " MiB: GET returns the bytes PUT");
            assertEquals(sent, sha256(s3.objectPath("payload-bucket", "big-" + mib)), mib + " MiB stored byte-exact");
            Files.delete(file);
            Files.delete(fetched);
            Files.delete(s3.objectPath("payload-bucket", "big-" + mib));
        }
        assertEquals(2, guest.counter(SystemCounter.PAYLOADS_UNSIGNED), guest.stats());
        assertEquals(0, guest.counter(SystemCounter.PAYLOADS_HASHED), guest.stats());
    }

    @Test
    void shouldDeChunkChunkedUploadsOfZeroOneByteAndOneMebibyte() throws Exception
    {
        int n = 0;
        for (final int size : new int[] {0, 1, MIB})
        {
            final byte[] body = random(size, 10 + size);
            final Path file = Files.write(dir.toPath().resolve("chunked-" + size), body);

            assertEquals("200", curl.curl("-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary",
                "@" + file, "-H", "Host: s3.local", BASE + "/payload-bucket/chunked-" + size),
                size + " B: " + guest.stats());
            assertArrayEquals(body, Files.readAllBytes(s3.objectPath("payload-bucket", "chunked-" + size)),
                size + " B stored byte-exact");
            n++;
        }
        assertEquals(n, guest.counter(SystemCounter.PAYLOADS_HASHED), guest.stats());

        final Path file = Files.write(dir.toPath().resolve("chunked-unsigned"), random(1000, 3));
        assertEquals("200", curl.curl("-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary",
            "@" + file, "-H", "Host: unsigned.local", BASE + "/payload-bucket/chunked-unsigned"));
        assertEquals(1000, Files.size(s3.objectPath("payload-bucket", "chunked-unsigned")));
        assertEquals(1, guest.counter(SystemCounter.PAYLOADS_UNSIGNED), "payload: unsigned, still de-chunked");
    }

    @Test
    void shouldAnswer413ToAChunkedUploadAboveTheLimitAndToAHashRouteBodyAboveIt() throws Exception
    {
        final Path file = randomFile(dir.toPath().resolve("nine-mib"), 9L * MIB, 9);

        final NetnsLab.Result chunked = guest.inGuest(60, "curl", "-sS", "-m", "50", "-o", "/dev/null", "-w",
            "%{http_code}", "-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
            "-H", "Host: s3.local", BASE + "/payload-bucket/too-big");
        assertEquals("413", chunked.output(), chunked + " " + guest.stats());

        assertEquals("413", curl.curl("-X", "PUT", "--data-binary", "@" + file, "-H", "Host: hash.local",
            BASE + "/payload-bucket/too-big"), guest.stats());

        assertEquals(2, guest.counter(SystemCounter.BODY_TOO_LARGE), guest.stats());
        assertEquals(0, guest.counter(SystemCounter.SIGNED_REQUESTS), "nothing reached the provider");
        assertTrue(Files.notExists(s3.objectPath("payload-bucket", "too-big")));
    }

    @Test
    void shouldStreamAnAutoBodyAndRefuseAHashBodyWhenTheBodyPoolIsExhausted() throws Exception
    {
        guest.close();
        guest = null;
        // One 64 KiB slab: a 100 KiB body cannot be held.
        startGuest("limits:\n  bodyPoolBytes: 65536\n");
        final byte[] body = random(100 * 1024, 4);
        final Path file = Files.write(dir.toPath().resolve("hundred-kib"), body);

        assertEquals("200", curl.curl("-X", "PUT", "--data-binary", "@" + file, "-H", "Host: s3.local",
            BASE + "/payload-bucket/fallback"), guest.stats());
        assertArrayEquals(body, Files.readAllBytes(s3.objectPath("payload-bucket", "fallback")));
        assertEquals(1, guest.counter(SystemCounter.BODY_POOL_FALLBACKS), guest.stats());
        assertEquals(1, guest.counter(SystemCounter.PAYLOADS_UNSIGNED), guest.stats());

        final NetnsLab.Result refused = guest.inGuest(30, "curl", "-sS", "-m", "20", "-D", "-", "-o", "/dev/null",
            "-X", "PUT", "--data-binary", "@" + file, "-H", "Host: hash.local", BASE + "/payload-bucket/refused");
        assertTrue(refused.output().startsWith("HTTP/1.1 503"), refused.output());
        assertTrue(refused.output().toLowerCase(java.util.Locale.ROOT).contains("retry-after: 1"), refused.output());
        assertEquals(1, guest.counter(SystemCounter.BODY_POOL_EXHAUSTED), guest.stats());
        assertTrue(Files.notExists(s3.objectPath("payload-bucket", "refused")));

        final Path small = Files.write(dir.toPath().resolve("small"), random(1000, 5));
        assertEquals("200", curl.curl("-X", "PUT", "--data-binary", "@" + small, "-H", "Host: hash.local",
            BASE + "/payload-bucket/small"), "the slab came back to the pool: " + guest.stats());
        assertEquals(1, guest.counter(SystemCounter.PAYLOADS_HASHED), guest.stats());
    }

    private static byte[] random(final int size, final long seed)
    {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Path randomFile(final Path file, final long size, final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file))
        {
            for (long written = 0; written < size; written += block.length)
            {
                random.nextBytes(block);
                out.write(block, 0, (int)Math.min(block.length, size - written));
            }
        }
        return file;
    }
}
