package io.vnicsigner.signer.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.vnicsigner.signer.identity.Countersigner;
import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.sigv4.Credentials;
import io.vnicsigner.signer.sigv4.PayloadMode;
import io.vnicsigner.signer.sigv4.RawHttpRequest;
import io.vnicsigner.signer.sigv4.SigV4Signer;
import io.vnicsigner.signer.sigv4.SignMode;
import io.vnicsigner.signer.sigv4.SignedOutput;
import io.vnicsigner.signer.sigv4.SigningRequest;
import io.vnicsigner.signer.sigv4.UriMode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class SigV4VerifierTest
{
    private static final long NOW = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final Credentials TENANT = Credentials.of("AKIDTENANT", bytes("tenant-secret"));
    private static final Credentials TEMPORARY = Credentials.of("ASIATEMP", bytes("temp-secret"), "session-token");

    private final SigV4Signer signer = new SigV4Signer();
    private final SignedOutput out = new SignedOutput();
    private final SigV4Verifier verifier = new SigV4Verifier(this::lookup);

    private Credentials lookup(final String accessKeyId)
    {
        return switch (accessKeyId)
        {
            case "AKIDTENANT" -> TENANT;
            case "ASIATEMP" -> TEMPORARY;
            default -> null;
        };
    }

    private SigningRequest put(final String body)
    {
        final SigningRequest view = new SigningRequest();
        view.method("PUT");
        view.target("/bucket/some%20key.txt?tagging=&x-id=PutObject");
        view.addHeader("Host", "bucket.s3.us-east-1.amazonaws.com");
        view.addHeader("Content-Type", "text/plain");
        final byte[] b = bytes(body);
        view.body(b, 0, b.length);
        return view;
    }

    private SigningRequest signed(final Credentials credentials, final long time, final PayloadMode mode)
    {
        final SigningRequest view = put("hello");
        view.payloadMode(mode);
        assertEquals(SigV4Signer.OK,
            signer.sign(view, credentials, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, time, out));
        view.addHeader("Authorization", out.authorizationAsString());
        return view;
    }

    @Test
    void shouldAcceptWhatTheSignerSigned()
    {
        assertEquals(ReasonCode.OK, verifier.verify(signed(TENANT, NOW, PayloadMode.HASH), UriMode.S3, NOW));
        assertEquals(ReasonCode.OK, verifier.verify(signed(TENANT, NOW, PayloadMode.UNSIGNED), UriMode.S3, NOW));
        assertEquals(ReasonCode.OK, verifier.verify(signed(TEMPORARY, NOW, PayloadMode.HASH), UriMode.S3, NOW));
    }

    @Test
    void shouldRejectARequestAlteredAfterSigning()
    {
        final SigningRequest header = signed(TENANT, NOW, PayloadMode.HASH);
        header.removeHeader("content-type");
        header.addHeader("Content-Type", "text/html");
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verify(header, UriMode.S3, NOW));

        final SigningRequest path = signed(TENANT, NOW, PayloadMode.HASH);
        path.target("/bucket/other%20key.txt?tagging=&x-id=PutObject");
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verify(path, UriMode.S3, NOW));

        final SigningRequest body = signed(TENANT, NOW, PayloadMode.HASH);
        final byte[] other = bytes("HELLO");
        body.body(other, 0, other.length);
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verify(body, UriMode.S3, NOW));

        final SigningRequest token = signed(TEMPORARY, NOW, PayloadMode.HASH);
        token.removeHeader("x-amz-security-token");
        token.addHeader("x-amz-security-token", "another-token");
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verify(token, UriMode.S3, NOW));
    }

    @Test
    void shouldRejectAnotherSecretUnderAKnownKey()
    {
        final Credentials impostor = Credentials.of("AKIDTENANT", bytes("guessed-secret"));
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verify(signed(impostor, NOW, PayloadMode.HASH), UriMode.S3, NOW));
    }

    @Test
    void shouldReportMissingUnknownAndMalformedAuthorization()
    {
        assertEquals(ReasonCode.MISSING_AUTH, verifier.verify(put("x"), UriMode.S3, NOW));
        assertEquals(ReasonCode.UNKNOWN_KEY,
            verifier.verify(signed(Credentials.of("AKIDNOBODY", bytes("s")), NOW, PayloadMode.HASH), UriMode.S3, NOW));

        final SigningRequest garbage = signed(TENANT, NOW, PayloadMode.HASH);
        garbage.removeHeader("authorization");
        garbage.addHeader("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTENANT, Signature=zz");
        assertEquals(ReasonCode.MALFORMED, verifier.verify(garbage, UriMode.S3, NOW));

        final SigningRequest basic = signed(TENANT, NOW, PayloadMode.HASH);
        basic.removeHeader("authorization");
        basic.addHeader("Authorization", "Basic dXNlcjpwYXNz");
        assertEquals(ReasonCode.MALFORMED, verifier.verify(basic, UriMode.S3, NOW));

        final SigningRequest missingHeader = signed(TENANT, NOW, PayloadMode.HASH);
        missingHeader.removeHeader("content-type");
        assertEquals(ReasonCode.MALFORMED, verifier.verify(missingHeader, UriMode.S3, NOW));
    }

    @Test
    void shouldEnforceTheSkewWindowBothWays()
    {
        final long fourMinutes = 4 * 60_000L;
        final long sixMinutes = 6 * 60_000L;
        assertEquals(ReasonCode.OK, verifier.verify(signed(TENANT, NOW - fourMinutes, PayloadMode.HASH), UriMode.S3, NOW));
        assertEquals(ReasonCode.OK, verifier.verify(signed(TENANT, NOW + fourMinutes, PayloadMode.HASH), UriMode.S3, NOW));
        assertEquals(ReasonCode.SKEWED, verifier.verify(signed(TENANT, NOW - sixMinutes, PayloadMode.HASH), UriMode.S3, NOW));
        assertEquals(ReasonCode.SKEWED, verifier.verify(signed(TENANT, NOW + sixMinutes, PayloadMode.HASH), UriMode.S3, NOW));
    }

    @Test
    void shouldRejectAReplayedSignatureUntilItWouldHaveExpired()
    {
        final SigV4Verifier strict = new SigV4Verifier(this::lookup, SigV4Verifier.DEFAULT_MAX_SKEW_MILLIS, new ReplayCache(16));
        final SigningRequest request = signed(TENANT, NOW, PayloadMode.HASH);
        assertEquals(ReasonCode.OK, strict.verify(request, UriMode.S3, NOW));
        assertEquals(ReasonCode.REPLAYED, strict.verify(request, UriMode.S3, NOW + 1000));
        assertEquals(ReasonCode.OK, strict.verify(signed(TENANT, NOW + 1000, PayloadMode.HASH), UriMode.S3, NOW + 1000));
        assertEquals(ReasonCode.SKEWED, strict.verify(request, UriMode.S3, NOW + 6 * 60_000L));
    }

    @Test
    void shouldKeepTheReplayCacheBounded()
    {
        final ReplayCache cache = new ReplayCache(3);
        for (int i = 0; i < 10; i++)
        {
            assertTrue(!cache.checkAndRecord("sig" + i, NOW + 60_000, NOW));
        }
        assertEquals(3, cache.size());
        assertTrue(cache.checkAndRecord("sig9", NOW + 60_000, NOW));
        assertTrue(!cache.checkAndRecord("sig0", NOW + 60_000, NOW), "evicted entries are forgotten");
    }

    @Test
    void shouldVerifyPresignedRequestsAndTheirExpiry()
    {
        final SigningRequest view = put("");
        view.payloadMode(PayloadMode.UNSIGNED).presignExpirySeconds(60);
        assertEquals(SigV4Signer.OK,
            signer.sign(view, TEMPORARY, "eu-west-1", "s3", SignMode.PRESIGN, UriMode.S3, NOW, out));
        final String target = out.presignedTargetAsString();
        view.target(target);

        assertEquals(ReasonCode.OK, verifier.verify(view, UriMode.S3, NOW + 59_000));
        assertEquals(ReasonCode.EXPIRED, verifier.verify(view, UriMode.S3, NOW + 61_000));
        assertEquals(ReasonCode.SKEWED, verifier.verify(view, UriMode.S3, NOW - 6 * 60_000L));

        view.target(target.replace("x-id=PutObject", "x-id=DeleteObject"));
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verify(view, UriMode.S3, NOW));
        view.target(target.replace("X-Amz-Expires=60", "X-Amz-Expires=6000"));
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verify(view, UriMode.S3, NOW + 61_000));
    }

    @Test
    void shouldVerifyEverySignedRequestOfTheAwsSuite() throws IOException
    {
        final long time = Instant.parse("2015-08-30T12:36:00Z").toEpochMilli();
        final SigV4Verifier aws = new SigV4Verifier(key -> null);
        final List<String> checked = new ArrayList<>();
        for (final Path sreq : sreqFiles())
        {
            final String creq = Files.readString(Path.of(sreq.toString().replace(".sreq", ".creq")));
            final String token = creq.lines().filter(l -> l.startsWith("x-amz-security-token:"))
                .map(l -> l.substring(21)).findFirst().orElse(null);
            final Credentials credentials = Credentials.of("AKIDEXAMPLE",
                bytes("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), token);
            final SigV4Verifier v = new SigV4Verifier(key -> key.equals("AKIDEXAMPLE") ? credentials : null);
            final SigningRequest view = new SigningRequest();
            final RawHttpRequest raw = RawHttpRequest.parse(Files.readAllBytes(sreq));
            final String authz = Files.readString(Path.of(sreq.toString().replace(".sreq", ".authz")));
            if (!authz.equals(raw.header("authorization")))
            {
                // get-vanilla-with-session-token.sreq carries get-vanilla's signature, not its own .authz:
                // the verifier must refuse it, and accept the request once it carries the published .authz.
                raw.fill(view);
                assertEquals(ReasonCode.BAD_SIGNATURE, v.verify(view, UriMode.DEFAULT, time), sreq.toString());
                raw.removeHeader("Authorization").addHeader("Authorization", authz);
            }
            raw.fill(view);

            assertEquals(ReasonCode.OK, v.verify(view, UriMode.DEFAULT, time), sreq.toString());
            assertEquals(ReasonCode.UNKNOWN_KEY, aws.verify(view, UriMode.DEFAULT, time));
            checked.add(sreq.getFileName().toString());
        }
        assertTrue(checked.size() >= 31, "signed requests checked: " + checked);
    }

    @Test
    void shouldVerifyACountersignatureAndRejectAnyChangeToWhatItCovers()
    {
        final IdentityHeaders identity = IdentityHeaders.of("i-0abc", "acme", "52:54:00:12:34:56", "sha256:" + "0".repeat(64));
        final SigningRequest view = signed(Credentials.of("AKIDGUEST", bytes("guest-secret")), NOW, PayloadMode.HASH);
        identity.addTo(view);
        final Countersigner countersigner = new Countersigner(TENANT, identity.identity());
        assertEquals(Countersigner.OK, countersigner.countersign(view));
        assertTrue(view.header("x-vnic-countersignature").matches("v1 [0-9a-f]{64}"));

        assertEquals(ReasonCode.OK, verifier.verifyCountersignature(view, TENANT));
        assertEquals(ReasonCode.BAD_SIGNATURE,
            verifier.verifyCountersignature(view, Credentials.of("AKIDTENANT", bytes("other-secret"))));

        view.removeHeader("x-vnic-mac");
        view.addHeader("x-vnic-mac", "52:54:00:12:34:57");
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verifyCountersignature(view, TENANT));

        final SigningRequest plain = put("x");
        assertEquals(ReasonCode.MISSING_AUTH, verifier.verifyCountersignature(plain, TENANT));
        assertEquals(Countersigner.ERR_MISSING_HEADER, countersigner.countersign(plain));
    }

    @Test
    void shouldSignIdentityHeadersAndStripSpoofedOnes()
    {
        final IdentityHeaders identity = IdentityHeaders.of("i-0abc", "acme", "52-54-00-12-34-56", "sha256:" + "0".repeat(64));
        final SigningRequest view = put("x");
        view.addHeader("X-Vnic-Identity", "vni-spoofedspoofedspoofedsp");
        assertTrue(identity.addTo(view));
        assertEquals(SigV4Signer.OK, signer.sign(view, TENANT, "us-east-1", "s3", SignMode.HEADER, UriMode.S3, NOW, out));

        assertEquals("vni-fr73evjquuooujml7modvnrabo", view.header("x-vnic-identity"));
        final byte[] lines = new byte[512];
        final int end = identity.writeHeaders(lines, 0);
        assertEquals("X-Vnic-Instance-Id: i-0abc\r\nX-Vnic-Identity: vni-fr73evjquuooujml7modvnrabo\r\n" +
            "X-Vnic-Mac: 52:54:00:12:34:56\r\nX-Vnic-Image-Digest: sha256:" + "0".repeat(64) + "\r\n",
            new String(lines, 0, end, StandardCharsets.US_ASCII));
        assertEquals(-1, identity.writeHeaders(new byte[40], 0));
        assertEquals("52:54:00:12:34:56", view.header("x-vnic-mac"));
        assertTrue(out.authorizationAsString().contains(
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-vnic-identity;x-vnic-image-digest;" +
            "x-vnic-instance-id;x-vnic-mac,"), out.authorizationAsString());
        int identities = 0;
        for (int i = 0; i < view.headerCount(); i++)
        {
            identities += view.headerName(i).equals("x-vnic-identity") ? 1 : 0;
        }
        assertEquals(1, identities);

        view.addHeader("Authorization", out.authorizationAsString());
        assertEquals(ReasonCode.OK, verifier.verify(view, UriMode.S3, NOW));
        view.removeHeader("x-vnic-instance-id");
        view.addHeader("x-vnic-instance-id", "i-0other");
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verify(view, UriMode.S3, NOW));
    }

    private static List<Path> sreqFiles() throws IOException
    {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
        {
            final Path suite = p.resolve("shared/sigv4-testsuite");
            if (Files.isDirectory(suite))
            {
                try (Stream<Path> files = Files.walk(suite))
                {
                    return files.filter(f -> f.toString().endsWith(".sreq")).sorted().toList();
                }
            }
        }
        throw new IllegalStateException("AWS SigV4 test suite not found");
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
