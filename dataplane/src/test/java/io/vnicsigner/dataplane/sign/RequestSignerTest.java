package io.vnicsigner.dataplane.sign;

import java.nio.charset.StandardCharsets;

import io.vnicsigner.dataplane.http.HttpLimits;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.http.HttpRequestParser;
import io.vnicsigner.dataplane.upstream.UpstreamRoute;
import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.sigv4.Credentials;
import io.vnicsigner.signer.sigv4.SigningRequest;
import io.vnicsigner.signer.verify.ReasonCode;
import io.vnicsigner.signer.verify.SigV4Verifier;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestSignerTest
{
    private static final long TIME = 1_440_938_160_000L; // 2015-08-30T12:36:00Z
    private static final SigningIdentity ACME = new SigningIdentity(
        "acme", Credentials.of("AKIDACME", "secret".getBytes(StandardCharsets.US_ASCII)),
        IdentityHeaders.of("i-demo1", "acme", "52:54:00:00:00:01", "sha256:" + "0".repeat(64)));
    private static final SigningIdentity PASSING = new SigningIdentity(
        ACME.tenant(), ACME.credentials(), ACME.identityHeaders(), SignedRequests.PASS);

    private final RequestSigner signer = new RequestSigner(new SigningRoute[]
    {
        SigningRoute.forHost("s3.local", UpstreamRoute.http("127.0.0.1", 9000), "s3", "us-east-1"),
        SigningRoute.forHost("*.buckets.test", UpstreamRoute.http("127.0.0.1", 80), "s3", "eu-west-1"),
        SigningRoute.forPrefix("/api/", UpstreamRoute.http("127.0.0.1", 9001), "execute-api", "us-east-1"),
    });
    private final HttpRequestParser parser = new HttpRequestParser(new HttpLimits(), (r, d) -> Long.MAX_VALUE);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[16 * 1024]);
    private final SignedPayload payload = new SignedPayload();

    private HttpRequest parse(final String head)
    {
        final byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
        parser.reset();
        assertEquals(HttpRequestParser.HEADERS_COMPLETE, parser.onBytes(new UnsafeBuffer(bytes), 0, bytes.length, 0));
        return parser.request();
    }

    private String sign(final String head)
    {
        return sign(head, ACME);
    }

    private String sign(final String head, final SigningIdentity identity)
    {
        final HttpRequest request = parse(head);
        return sign(request, request.hasBody() ? payload.unsigned(SignedPayload.AS_SENT) : payload.empty(), identity);
    }

    private String sign(final HttpRequest request, final SignedPayload payload)
    {
        return sign(request, payload, ACME);
    }

    private String sign(final HttpRequest request, final SignedPayload payload, final SigningIdentity identity)
    {
        final int route = signer.route(request);
        final int length = signer.signHead(request, route, identity, TIME, out, 0, out.capacity(), payload);
        assertTrue(length > 0, "signed, code " + length);
        return out.getStringWithoutLengthAscii(0, length);
    }

    @Test
    void shouldRouteByHostIgnoringCaseAndPortBySuffixAndByPrefix()
    {
        assertEquals(0, signer.route(parse("GET /b/k HTTP/1.1\r\nHost: S3.Local:80\r\n\r\n")));
        assertEquals(1, signer.route(parse("GET /k HTTP/1.1\r\nHost: photos.buckets.test\r\n\r\n")));
        assertEquals(RequestSigner.NO_ROUTE, signer.route(parse("GET /k HTTP/1.1\r\nHost: buckets.test\r\n\r\n")));
        assertEquals(2, signer.route(parse("GET /api/v1 HTTP/1.1\r\nHost: anything\r\n\r\n")));
        assertEquals(0, signer.route(parse("GET http://s3.local/b/k HTTP/1.1\r\nHost: other\r\n\r\n")), "URL host wins");
        assertEquals(RequestSigner.NO_ROUTE, signer.route(parse("GET /b HTTP/1.1\r\nHost: s3.local.evil\r\n\r\n")));
    }

    @Test
    void shouldForwardEndToEndHeadersAndSignTheIdentityWithTheUpstreamHost()
    {
        final String head = sign("PUT /demo-bucket/hello.txt HTTP/1.1\r\nHost: s3.local\r\nUser-Agent: curl/8\r\n" +
            "Content-Length: 5\r\nExpect: 100-continue\r\nConnection: keep-alive\r\nX-Amz-Date: 20000101T000000Z\r\n" +
            "X-Amz-Content-Sha256: forged\r\nTE: trailers\r\n\r\n");

        assertTrue(head.startsWith("PUT /demo-bucket/hello.txt HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nhost: 127.0.0.1:9000\r\n"), head);
        assertTrue(head.contains("\r\nuser-agent: curl/8\r\n"), head);
        assertTrue(head.contains("\r\ncontent-length: 5\r\n"), head);
        assertTrue(head.contains("\r\nx-amz-date: 20150830T123600Z\r\n"), "the signer's date, not the guest's: " + head);
        assertTrue(head.contains("\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n"), head);
        assertTrue(head.contains("\r\nx-vnic-instance-id: i-demo1\r\n"), head);
        assertTrue(head.contains("\r\nx-vnic-identity: vni-"), head);
        assertTrue(head.contains("authorization: AWS4-HMAC-SHA256 Credential=AKIDACME/20150830/us-east-1/s3/aws4_request"),
            head);
        assertTrue(head.contains("x-vnic-identity;x-vnic-image-digest;x-vnic-instance-id;x-vnic-mac"),
            "identity headers are inside SignedHeaders: " + head);
        assertTrue(head.endsWith("\r\n\r\n"), head);
        for (final String dropped : new String[] {"\r\nexpect:", "\r\nconnection:", "\r\nte:", "forged", "20000101"})
        {
            assertFalse(head.toLowerCase().contains(dropped), dropped + " must not be forwarded: " + head);
        }
    }

    @Test
    void shouldSendAnAbsoluteFormTargetAsOriginFormAndSignAnEmptyBodyByItsHash()
    {
        final String head = sign("GET http://s3.local/demo-bucket?list-type=2 HTTP/1.1\r\nHost: s3.local\r\n\r\n");

        assertTrue(head.startsWith("GET /demo-bucket?list-type=2 HTTP/1.1\r\n"), head);
        assertTrue(head.contains("x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            head);
    }

    @Test
    void shouldDropTheSessionTokenInsteadOfForwardingIt()
    {
        final String head = sign("GET /b HTTP/1.1\r\nHost: s3.local\r\nX-VNIC-Token: AAAA\r\nAccept: */*\r\n\r\n");

        assertTrue(head.startsWith("GET /b HTTP/1.1\r\n"), head);
        assertFalse(head.toLowerCase().contains("x-vnic-token"), head);
        assertTrue(head.contains("accept: */*") || head.contains("Accept: */*"), head);
    }

    @Test
    void shouldRefuseVnicHeadersAndSignedRequests()
    {
        assertEquals(RequestSigner.VNIC_HEADER, code("GET /b HTTP/1.1\r\nHost: s3.local\r\nX-Vnic-Identity: forged\r\n\r\n"));
        assertEquals(RequestSigner.ALREADY_SIGNED, code("GET /b HTTP/1.1\r\nHost: s3.local\r\nAuthorization: x\r\n\r\n"));
        assertEquals(RequestSigner.ALREADY_SIGNED, code("GET /b?a=1&X-Amz-Signature=00 HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
        assertTrue(code("GET /b?notX-Amz-Signature=00 HTTP/1.1\r\nHost: s3.local\r\n\r\n") > 0);
    }

    @Test
    void shouldSendADeChunkedBodyWithItsLengthAndHashInsideTheSignature()
    {
        final HttpRequest request = parse("PUT /b/k HTTP/1.1\r\nHost: s3.local\r\nTransfer-Encoding: chunked\r\n\r\n");
        final byte[] hash = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9" // SHA-256 of "hello world"
            .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hash, 0, payload.hashHex(), 0, 64);

        final String head = sign(request, payload.hashed(11));

        assertFalse(head.toLowerCase().contains("transfer-encoding"), head);
        assertTrue(head.contains("\r\ncontent-length: 11\r\n"), head);
        assertTrue(head.contains("\r\nx-amz-content-sha256: " + new String(hash, StandardCharsets.US_ASCII) + "\r\n"), head);
        assertTrue(head.contains("SignedHeaders=content-length;host;"), "the length is signed: " + head);
    }

    @Test
    void shouldSignAStreamedBodyOfKnownLengthAsUnsignedPayloadWithTheGuestsLength()
    {
        final String head = sign(parse("PUT /b/k HTTP/1.1\r\nHost: s3.local\r\nContent-Length: 9000000\r\n\r\n"),
            payload.unsigned(SignedPayload.AS_SENT));

        assertTrue(head.contains("\r\ncontent-length: 9000000\r\n"), head);
        assertEquals(1, head.split("content-length: ", -1).length - 1, "one Content-Length: " + head);
        assertTrue(head.contains("x-amz-content-sha256: UNSIGNED-PAYLOAD"), head);
    }

    @Test
    void shouldDropTheFieldsTheGuestNamesInConnection()
    {
        final String head = sign("GET /b/k HTTP/1.1\r\nHost: s3.local\r\nConnection: keep-alive, X-Trace ,\tFoo\r\n" +
            "x-trace: 1\r\nFOO: 2\r\nX-Kept: 3\r\nConnection: close,x-other\r\nX-Other: 4\r\nX-Foo: 5\r\n\r\n");

        assertTrue(head.contains("\r\nx-kept: 3\r\n"), head);
        assertTrue(head.contains("\r\nx-foo: 5\r\n"), "a name that only contains an option stays: " + head);
        for (final String dropped : new String[] {"x-trace", "\r\nfoo:", "x-other", "connection"})
        {
            assertFalse(head.toLowerCase().contains(dropped), dropped + " named in Connection: " + head);
        }
        assertFalse(head.contains("x-trace;") || head.contains(";foo;"), "nor signed: " + head);
    }

    @Test
    void shouldRefuseXForwardedForInAnyCase()
    {
        assertEquals(RequestSigner.FORWARDED_FOR, code("GET /b HTTP/1.1\r\nHost: s3.local\r\nx-FORWARDED-for: 1\r\n\r\n"));
        assertTrue(RequestSigner.hasForwardedFor(parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n")));
        assertFalse(RequestSigner.hasForwardedFor(parse("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Fort: 1\r\n\r\n")));
    }

    @Test
    void shouldKeepTheGuestsHostOnASuffixRouteAndSignIt()
    {
        final String head = sign("PUT /photo.jpg HTTP/1.1\r\nHost: Photos.Buckets.Test\r\nContent-Length: 1\r\n\r\n");

        assertTrue(head.startsWith("PUT /photo.jpg HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nhost: Photos.Buckets.Test\r\n"), "the bucket's virtual host: " + head);
        assertFalse(head.contains("127.0.0.1"), head);
        assertTrue(head.contains("SignedHeaders=content-length;host;"), head);
        final String absolute = sign("GET http://b.buckets.test:8080/k HTTP/1.1\r\nHost: other\r\n\r\n");
        assertTrue(absolute.contains("\r\nhost: b.buckets.test:8080\r\n"), "the URL's authority: " + absolute);
        assertFalse(absolute.contains("other"), absolute);
    }

    @Test
    void shouldPassAGuestSignedRequestAsItIsWithoutHopByHopFields()
    {
        final String sent = "PUT /b/k?x=1 HTTP/1.1\r\nHost: s3.local\r\nAuthorization: AWS4-HMAC-SHA256 Credential=G\r\n" +
            "X-Amz-Date: 20150830T123600Z\r\nX-Amz-Content-Sha256: UNSIGNED-PAYLOAD\r\nContent-Length: 3\r\n" +
            "Connection: keep-alive, x-hop\r\nX-Hop: 1\r\nExpect: 100-continue\r\nTE: trailers\r\n\r\n";
        final String head = sign(sent, PASSING);

        assertEquals("PUT /b/k?x=1 HTTP/1.1\r\nauthorization: AWS4-HMAC-SHA256 Credential=G\r\n" +
            "x-amz-date: 20150830T123600Z\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\ncontent-length: 3\r\n" +
            "host: s3.local\r\n\r\n", head, "the guest's Host, auth fields and signature, nothing added");
        assertEquals(RequestSigner.PASSED, signer.disposition());
        assertTrue(sign("GET /b/k?X-Amz-Signature=00 HTTP/1.1\r\nHost: s3.local\r\n\r\n", PASSING)
            .startsWith("GET /b/k?X-Amz-Signature=00 HTTP/1.1\r\n"), "a presigned one too");
        assertEquals(RequestSigner.VNIC_HEADER,
            code("GET /b HTTP/1.1\r\nHost: s3.local\r\nAuthorization: x\r\nX-Vnic-Mac: 1\r\n\r\n", PASSING));
    }

    @Test
    void shouldEnrichAGuestSignedRequestWithIdentityAndAVerifiableCountersignature()
    {
        final SigningIdentity enriching = new SigningIdentity(ACME.tenant(), ACME.credentials(),
            ACME.identityHeaders(), SignedRequests.ENRICH);
        final String head = sign("GET /b/k HTTP/1.1\r\nHost: s3.local\r\nAuthorization: AWS4-HMAC-SHA256 Credential=G\r\n" +
            "X-Amz-Date: 20150830T123600Z\r\n\r\n", enriching);

        assertEquals(RequestSigner.ENRICHED, signer.disposition());
        assertTrue(head.contains("\r\nauthorization: AWS4-HMAC-SHA256 Credential=G\r\n"), head);
        assertTrue(head.contains("\r\nhost: s3.local\r\n"), head);
        assertTrue(head.contains("\r\nx-vnic-identity: " + ACME.identityHeaders().identity() + "\r\n"), head);
        final SigningRequest forwarded = new SigningRequest();
        forwarded.method("GET");
        forwarded.target("/b/k");
        for (final String line : head.split("\r\n"))
        {
            final int colon = line.indexOf(": ");
            if (colon > 0 && !line.startsWith("GET "))
            {
                forwarded.addHeader(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        assertEquals(ReasonCode.OK, new SigV4Verifier(accessKeyId -> null)
            .verifyCountersignature(forwarded, ACME.credentials()), head);
        assertEquals(ReasonCode.BAD_SIGNATURE, new SigV4Verifier(accessKeyId -> null)
            .verifyCountersignature(forwarded, Credentials.of("AKIDACME", "other".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(RequestSigner.NOT_COUNTERSIGNABLE,
            code("GET /b/k?X-Amz-Signature=00 HTTP/1.1\r\nHost: s3.local\r\n\r\n", enriching), "presigned");
    }

    private int code(final String head)
    {
        return code(head, ACME);
    }

    private int code(final String head, final SigningIdentity identity)
    {
        final HttpRequest request = parse(head);
        return signer.signHead(request, signer.route(request), identity, TIME, out, 0, out.capacity(), payload.empty());
    }
}
