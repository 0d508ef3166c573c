package io.vnicsigner.signer.sigv4;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class SigV4SignerTest
{
    private static final long TIME = Instant.parse("2015-08-30T12:36:00Z").toEpochMilli();

    private final SigV4Signer signer = new SigV4Signer();
    private final SigningRequest view = new SigningRequest();
    private final SignedOutput out = new SignedOutput();

    private void s3Get()
    {
        view.reset();
        view.method("GET");
        view.target("/examplebucket/photos/2024/cat%20one.jpg?versionId=3&acl");
        view.addHeader("Host", "examplebucket.s3.amazonaws.com");
        view.addHeader("Range", "bytes=0-9");
        view.payloadMode(PayloadMode.UNSIGNED);
    }

    @Test
    void shouldFormatAndParseAmzDatesLikeJavaTime()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
        final byte[] buf = new byte[16];
        for (int i = 0; i < 2000; i++)
        {
            final long millis = random.nextLong(-2_000_000_000_000L, 8_000_000_000_000L);
            AmzDate.format(millis, buf, 0);
            final String text = new String(buf, StandardCharsets.US_ASCII);
            assertEquals(format.format(Instant.ofEpochMilli(millis)), text);
            assertEquals(Math.floorDiv(millis, 1000L) * 1000L, AmzDate.parse(buf, 0, 16));
        }
        assertEquals(Long.MIN_VALUE, AmzDate.parse("20151330T123600Z".getBytes(StandardCharsets.US_ASCII), 0, 16));
    }

    @Test
    void shouldAddDateContentHashAndTokenHeadersAndDropOldAuthorization()
    {
        s3Get();
        view.addHeader("Authorization", "AWS4-HMAC-SHA256 forged");
        view.addHeader("X-Amz-Date", "19990101T000000Z");
        final Credentials credentials = Credentials.of("AKID", bytes("secret"), "token/1");

        assertEquals(SigV4Signer.OK, signer.sign(
            view, credentials, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME, out));

        assertEquals("20150830T123600Z", view.header("x-amz-date"));
        assertEquals("UNSIGNED-PAYLOAD", view.header("x-amz-content-sha256"));
        assertEquals("token/1", view.header("x-amz-security-token"));
        assertEquals(null, view.header("authorization"));
        assertTrue(out.authorizationAsString().contains(
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="));
        assertEquals("Authorization: " + out.authorizationAsString() + "\r\nX-Amz-Date: 20150830T123600Z\r\n" +
            "X-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\nX-Amz-Security-Token: token/1\r\n", out.headersAsString());
    }

    @Test
    void shouldHashBodyOrUseEmptyHashOrPrecomputedHash()
    {
        final byte[] body = bytes("{\"a\":1}");
        s3Get();
        view.payloadMode(PayloadMode.HASH).body(body, 0, body.length);
        signer.sign(view, Credentials.of("AKID", bytes("s")), "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME, out);
        final String hashed = view.header("x-amz-content-sha256");
        assertEquals(hex(HmacSha256.newSha256().digest(body)), hashed);

        s3Get();
        view.payloadMode(PayloadMode.EMPTY).body(body, 0, body.length);
        signer.sign(view, Credentials.of("AKID", bytes("s")), "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME, out);
        assertEquals(hex(HmacSha256.newSha256().digest()), view.header("x-amz-content-sha256"));

        s3Get();
        assertTrue(view.payloadHashHex(bytes(hashed), 0));
        view.payloadMode(PayloadMode.HASH);
        signer.sign(view, Credentials.of("AKID", bytes("s")), "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME, out);
        assertTrue(signer.canonicalRequestAsString().endsWith("\n" + hashed));
    }

    @Test
    void shouldNotUseAStaleSigningKeyAfterTheSecretRotates()
    {
        final Credentials before = Credentials.of("AKID", bytes("old-secret"));
        final Credentials after = Credentials.of("AKID", bytes("new-secret"));

        s3Get();
        signer.sign(view, before, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME, out);
        final String oldSignature = out.authorizationAsString();
        s3Get();
        signer.sign(view, before, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME + 1000, out);
        assertEquals(1, signer.keyCache().misses(), "same secret, same day: one derivation");

        s3Get();
        signer.sign(view, after, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME, out);
        assertEquals(2, signer.keyCache().misses());
        final SigV4Signer fresh = new SigV4Signer();
        final SignedOutput freshOut = new SignedOutput();
        s3Get();
        fresh.sign(view, after, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME, freshOut);
        assertEquals(freshOut.authorizationAsString(), out.authorizationAsString());
        assertNotEquals(oldSignature, out.authorizationAsString());
    }

    @Test
    void shouldKeepTheKeyCacheBounded()
    {
        final SigningKeyCache cache = new SigningKeyCache(4);
        final SigV4Signer small = new SigV4Signer(cache, 64, 32 * 1024, 8 * 1024);
        final Credentials credentials = Credentials.of("AKID", bytes("s"));
        for (int day = 0; day < 50; day++)
        {
            s3Get();
            assertEquals(SigV4Signer.OK, small.sign(
                view, credentials, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME + day * 86_400_000L, out));
        }
        assertEquals(50, cache.misses());
    }

    @Test
    void shouldNeverShowTheSecretInToString()
    {
        final Credentials credentials = Credentials.of("AKID", bytes("TopSecretValue"), "SessionTokenValue");
        assertFalse(credentials.toString().contains("TopSecretValue"));
        assertFalse(credentials.toString().contains("SessionTokenValue"));
        assertTrue(credentials.toString().contains("AKID"));
    }

    @Test
    void shouldPresignWithinOneSecondToSevenDaysOnly()
    {
        final Credentials credentials = Credentials.of("AKID", bytes("s"), "tok");
        s3Get();
        view.presignExpirySeconds(0);
        assertEquals(SigV4Signer.ERR_EXPIRY, signer.sign(
            view, credentials, "us-east-1", "s3", SignMode.PRESIGN, UriMode.S3, TIME, out));
        view.presignExpirySeconds(7 * 24 * 3600 + 1);
        assertEquals(SigV4Signer.ERR_EXPIRY, signer.sign(
            view, credentials, "us-east-1", "s3", SignMode.PRESIGN, UriMode.S3, TIME, out));
        view.presignExpirySeconds(7 * 24 * 3600);
        assertEquals(SigV4Signer.OK, signer.sign(
            view, credentials, "us-east-1", "s3", SignMode.PRESIGN, UriMode.S3, TIME, out));
        final String target = out.presignedTargetAsString();
        assertTrue(target.startsWith("/examplebucket/photos/2024/cat%20one.jpg?versionId=3&acl&X-Amz-Algorithm=" +
            "AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=" +
            "20150830T123600Z&X-Amz-Expires=604800&X-Amz-Security-Token=tok&X-Amz-SignedHeaders=host%3Brange" +
            "&X-Amz-Signature="), target);
        assertEquals(0, out.authorizationLength());
        assertEquals(null, view.header("x-amz-date"), "presigning leaves the headers alone");
    }

    @Test
    void shouldReportTooManyHeadersInsteadOfThrowing()
    {
        final SigningRequest tiny = new SigningRequest(2, 1024, 256);
        tiny.method("GET");
        tiny.target("/");
        assertTrue(tiny.addHeader("Host", "h"));
        assertTrue(tiny.addHeader("A", "b"));
        assertFalse(tiny.addHeader("C", "d"));
        assertEquals(SigV4Signer.ERR_TOO_MANY_HEADERS, new SigV4Signer(new SigningKeyCache(2), 2, 1024, 256).sign(
            tiny, Credentials.of("AKID", bytes("s")), "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME, out));
    }

    @Test
    void shouldSignWithoutAllocatingInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Credentials credentials = Credentials.of("AKID", bytes("secret"), "token");
        final byte[] body = new byte[1024];
        for (int i = 0; i < 20_000; i++)
        {
            signBoth(credentials, body, i);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++)
        {
            signBoth(credentials, body, i);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 2_048, "allocated " + allocated + " bytes over 20,000 signings");
    }

    private static final byte[] METHOD_GET = bytes("GET");
    private static final byte[] METHOD_PUT = bytes("PUT");
    private static final byte[] TARGET = bytes("/bucket/key/a%20b.txt?list-type=2&prefix=x");
    private static final byte[] HOST = bytes("host");
    private static final byte[] HOST_VALUE = bytes("bucket.s3.us-east-1.amazonaws.com");
    private static final byte[] TYPE = bytes("Content-Type");
    private static final byte[] TYPE_VALUE = bytes("application/octet-stream");

    private void signBoth(final Credentials credentials, final byte[] body, final int i)
    {
        view.reset();
        view.method(METHOD_GET, 0, 3);
        view.target(TARGET, 0, TARGET.length);
        view.addHeader(HOST, 0, HOST.length, HOST_VALUE, 0, HOST_VALUE.length);
        view.payloadMode(PayloadMode.UNSIGNED);
        signer.sign(view, credentials, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, TIME + i, out);
        view.reset();
        view.method(METHOD_PUT, 0, 3);
        view.target(TARGET, 0, TARGET.length);
        view.addHeader(HOST, 0, HOST.length, HOST_VALUE, 0, HOST_VALUE.length);
        view.addHeader(TYPE, 0, TYPE.length, TYPE_VALUE, 0, TYPE_VALUE.length);
        view.body(body, 0, body.length);
        signer.sign(view, credentials, "us-east-1", "s3", SignMode.HEADER, UriMode.DEFAULT, TIME + i, out);
    }

    static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String hex(final byte[] b)
    {
        final byte[] out = new byte[b.length * 2];
        Hex.encode(b, 0, b.length, out, 0);
        return new String(out, StandardCharsets.US_ASCII);
    }
}
