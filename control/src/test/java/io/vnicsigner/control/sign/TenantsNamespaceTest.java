package io.vnicsigner.control.sign;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vnicsigner.control.testing.GuestLab;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.sign.AuditHook;
import io.vnicsigner.dataplane.sign.PolicyHook;
import io.vnicsigner.dataplane.sign.RequestHooks;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.dataplane.sign.ThrottleHook;
import io.vnicsigner.dataplane.testing.S3ProxyFixture;
import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.sigv4.Credentials;
import io.vnicsigner.signer.sigv4.PayloadMode;
import io.vnicsigner.signer.sigv4.SigV4Signer;
import io.vnicsigner.signer.sigv4.SignMode;
import io.vnicsigner.signer.sigv4.SignedOutput;
import io.vnicsigner.signer.sigv4.SigningRequest;
import io.vnicsigner.signer.sigv4.UriMode;
import io.vnicsigner.signer.verify.ReasonCode;
import io.vnicsigner.signer.verify.SigV4Verifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.vnicsigner.control.testing.GuestLab.SIGNING_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two guests of two tenants, one daemon, a SigV4-verifying S3Proxy per tenant: each guest's requests are signed with
 * its own tenant's credentials, guest-signed requests follow the instance's {@code signedRequests}, suffix routes
 * serve virtual-hosted buckets, and the policy, throttle and audit hooks run in their order on the path. One lab
 * serves every test (the providers take seconds to start), so counters are compared before and after.
 */
class TenantsNamespaceTest
{
    private static final String KEY_A = "AKIDTENANTA";
    private static final String SECRET_A = "tenant-a-secret-never-in-a-guest";
    private static final String KEY_B = "AKIDTENANTB";
    private static final String SECRET_B = "tenant-b-secret-never-in-a-guest";
    private static final String BASE = "http://" + SIGNING_IP;
    private static final String GUEST_A_MAC = "52:54:00:00:00:0a";
    private static final String GUEST_B_MAC = "52:54:00:00:00:0b";
    private static final int GUEST_A = 0;
    private static final int GUEST_B = 1;
    /** Route indexes, in the config's order. */
    private static final int THROTTLED_ROUTE = 4;
    private static final int UNAUDITED_ROUTE = 5;

    @TempDir
    static File dir;

    private static S3ProxyFixture s3a;
    private static S3ProxyFixture s3b;
    private static S3ProxyFixture s3v;
    private static GuestLab lab;
    private static ServerSocket captureSocket;
    private static Thread captureThread;
    private static final BlockingQueue<String> CAPTURED = new LinkedBlockingQueue<>();
    private static final RecordingAudit AUDIT = new RecordingAudit();

    @BeforeAll
    static void startTenantsProvidersAndGuests() throws Exception
    {
        NetnsLab.assumeCapable();
        final List<S3ProxyFixture> providers = S3ProxyFixture.startAll(
            S3ProxyFixture.builder().credentials(KEY_A, SECRET_A),
            S3ProxyFixture.builder().credentials(KEY_B, SECRET_B),
            S3ProxyFixture.builder().credentials(KEY_A, SECRET_A).property("s3proxy.virtual-host", "s3.v.local"));
        s3a = providers.get(0);
        s3b = providers.get(1);
        s3v = providers.get(2);
        captureSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        captureThread = new Thread(TenantsNamespaceTest::capture, "capturing-provider");
        captureThread.setDaemon(true);
        captureThread.start();

        final Path credentialsA = GuestLab.writeCredentials(dir.toPath().resolve("a.json"), KEY_A, SECRET_A);
        final Path credentialsB = GuestLab.writeCredentials(dir.toPath().resolve("b.json"), KEY_B, SECRET_B);
        final PolicyHook policy = (instance, request, routeIndex, nowNs) ->
            path(request).startsWith("/denied-bucket/") ? 403 : PolicyHook.ALLOW;
        final ThrottleHook throttle = (instance, routeIndex, nowNs) -> routeIndex == THROTTLED_ROUTE ? 7 : 0;
        lab = new GuestLab(dir, "sm", List.of(
            new GuestLab.Guest("i-a1", "tenant-a", GUEST_A_MAC, "10.200.0.2", "    signedRequests: pass"),
            new GuestLab.Guest("i-b1", "tenant-b", GUEST_B_MAC, "10.200.0.3", "    signedRequests: enrich")), """
            routes:
              - host: s3.a.local
                upstream: %s
                service: s3
                region: us-east-1
              - host: s3.b.local
                upstream: %s
                service: s3
                region: us-east-1
              - host: "*.s3.v.local"
                upstream: %s
                service: s3
                region: us-east-1
              - host: capture.local
                upstream: http://127.0.0.1:%d
                service: s3
                region: us-east-1
              - host: throttled.local
                upstream: %s
                service: s3
                region: us-east-1
              - host: unaudited.local
                upstream: %s
                service: s3
                region: us-east-1
            tenants:
              - id: tenant-a
                credentialsFile: %s
              - id: tenant-b
                credentialsFile: %s
            """.formatted(s3a.endpoint(), s3b.endpoint(), s3v.endpoint(), captureSocket.getLocalPort(),
            s3a.endpoint(), s3a.endpoint(), credentialsA, credentialsB),
            new RequestHooks(policy, throttle, AUDIT));
        for (final String bucket : new String[] {"a-bucket", "pass-bucket", "hook-bucket", "audit-bucket"})
        {
            s3a.createBucket(bucket);
        }
        s3b.createBucket("b-bucket");
        s3b.createBucket("enrich-bucket");
        s3v.createBucket("vh-bucket");
    }

    @AfterAll
    static void stopEverything() throws Exception
    {
        if (lab != null)
        {
            lab.close();
        }
        if (captureSocket != null)
        {
            captureSocket.close();
            captureThread.join(5_000);
        }
        for (final S3ProxyFixture s3 : new S3ProxyFixture[] {s3a, s3b, s3v})
        {
            if (s3 != null)
            {
                s3.close();
            }
        }
    }

    @Test
    void shouldSignEachGuestsRequestsWithItsOwnTenantsCredentialsOnly() throws Exception
    {
        final Path body = Files.writeString(dir.toPath().resolve("tenant.txt"), "tenant data");
        final Path answer = dir.toPath().resolve("cross-tenant.xml");

        assertEquals("200", curl(GUEST_A, "-X", "PUT", "--data-binary", "@" + body, "-H", "Host: s3.a.local",
            BASE + "/a-bucket/a.txt"), lab.stats());
        assertEquals("200", curl(GUEST_B, "-X", "PUT", "--data-binary", "@" + body, "-H", "Host: s3.b.local",
            BASE + "/b-bucket/b.txt"), lab.stats());
        assertEquals("tenant data", Files.readString(s3a.objectPath("a-bucket", "a.txt")));
        assertEquals("tenant data", Files.readString(s3b.objectPath("b-bucket", "b.txt")));

        // Signed with the other tenant's key, the provider refuses: its own XML error, relayed.
        assertEquals("403", lab.curlTo(GUEST_A, answer.toString(), "-X", "PUT", "--data-binary", "@" + body, "-H",
            "Host: s3.b.local", BASE + "/b-bucket/from-a.txt"));
        assertTrue(Files.readString(answer).contains("<Error><Code>"), Files.readString(answer));
        assertEquals("403", lab.curlTo(GUEST_B, answer.toString(), "-H", "Host: s3.a.local", BASE + "/a-bucket/a.txt"));
        assertTrue(Files.readString(answer).contains("<Error><Code>"), Files.readString(answer));
        assertTrue(Files.notExists(s3b.objectPath("b-bucket", "from-a.txt")));
    }

    @Test
    void shouldRefuseAForgedIdentityAndXForwardedForBeforeTheProvider() throws Exception
    {
        final long signed = signedAnyWay();
        final long refused = lab.counter(SystemCounter.FORWARDED_FOR_REFUSED);
        final Path answer = dir.toPath().resolve("refusal.json");

        assertEquals("400", lab.curlTo(GUEST_A, answer.toString(), "-H", "Host: s3.a.local", "-H",
            "x-vnic-identity: vni-forged", BASE + "/a-bucket/a.txt"));
        assertTrue(Files.readString(answer).contains("\"x_vnic_header_forbidden\""), Files.readString(answer));
        assertEquals("403", lab.curlTo(GUEST_B, answer.toString(), "-H", "Host: s3.b.local", "-H",
            "X-FORWARDED-FOR: 10.9.9.9", BASE + "/b-bucket/b.txt"));
        assertTrue(Files.readString(answer).contains("\"x_forwarded_for\""), Files.readString(answer));
        assertEquals("403", curl(GUEST_A, "-H", "x-forwarded-for: 10.9.9.9", BASE + "/vnic/v1/ping"),
            "local endpoints too");

        assertEquals(refused + 2, lab.counter(SystemCounter.FORWARDED_FOR_REFUSED));
        assertEquals(signed, signedAnyWay(), "nothing was forwarded");
    }

    @Test
    void shouldPassARequestTheGuestSignedAndRelayTheProvidersVerdictOnIt() throws Exception
    {
        final long passed = lab.counter(SystemCounter.SIGNED_REQUESTS_PASSED);
        final Path body = Files.writeString(dir.toPath().resolve("passed.txt"), "signed in the guest");
        final Path answer = dir.toPath().resolve("pass.xml");
        final List<String> headers = signAsGuest(KEY_A, SECRET_A, "PUT", "s3.a.local", "/pass-bucket/p.txt");

        assertEquals("200", curl(GUEST_A, with(headers, "-X", "PUT", "--data-binary", "@" + body,
            BASE + "/pass-bucket/p.txt")), lab.stats());
        assertEquals("signed in the guest", Files.readString(s3a.objectPath("pass-bucket", "p.txt")));

        final List<String> broken = new ArrayList<>(headers);
        final int auth = broken.indexOf(broken.stream().filter(h -> h.startsWith("authorization:")).findFirst()
            .orElseThrow());
        final String authorization = broken.get(auth);
        broken.set(auth, authorization.substring(0, authorization.length() - 1) +
            (authorization.endsWith("0") ? "1" : "0"));
        assertEquals("403", lab.curlTo(GUEST_A, answer.toString(), with(broken, "-X", "PUT", "--data-binary",
            "@" + body, BASE + "/pass-bucket/bad.txt")));
        assertTrue(Files.readString(answer).contains("<Code>SignatureDoesNotMatch</Code>"), Files.readString(answer));
        assertTrue(Files.notExists(s3a.objectPath("pass-bucket", "bad.txt")));
        assertEquals(passed + 2, lab.counter(SystemCounter.SIGNED_REQUESTS_PASSED));
    }

    @Test
    void shouldEnrichAGuestSignedRequestWithTheIdentityAndAValidCountersignature() throws Exception
    {
        final long enriched = lab.counter(SystemCounter.SIGNED_REQUESTS_ENRICHED);
        final Path body = Files.writeString(dir.toPath().resolve("enriched.txt"), "enriched");
        final List<String> put = signAsGuest(KEY_B, SECRET_B, "PUT", "s3.b.local", "/enrich-bucket/e.txt");

        assertEquals("200", curl(GUEST_B, with(put, "-X", "PUT", "--data-binary", "@" + body,
            BASE + "/enrich-bucket/e.txt")), "the added headers sit outside the guest's signature: " + lab.stats());
        assertEquals("enriched", Files.readString(s3b.objectPath("enrich-bucket", "e.txt")));

        CAPTURED.clear();
        final List<String> get = signAsGuest(KEY_B, SECRET_B, "GET", "capture.local", "/enrich-bucket/e.txt");
        assertEquals("200", curl(GUEST_B, with(get, BASE + "/enrich-bucket/e.txt")));
        final String head = CAPTURED.poll(10, TimeUnit.SECONDS);
        assertNotNull(head, "the capturing provider got the request");
        final SigningRequest forwarded = parseHead(head);
        final String identity = IdentityHeaders.of("i-b1", "tenant-b", GUEST_B_MAC, "sha256:" + "0".repeat(64))
            .identity();
        assertEquals(identity, forwarded.header("x-vnic-identity"), head);
        assertEquals("i-b1", forwarded.header("x-vnic-instance-id"), head);
        assertEquals("capture.local", forwarded.header("host"), "the guest's Host, which its signature covers");
        assertTrue(get.contains("authorization: " + forwarded.header("authorization")), "Authorization untouched");
        final SigV4Verifier verifier = new SigV4Verifier(accessKeyId -> null);
        assertEquals(ReasonCode.OK, verifier.verifyCountersignature(forwarded, credentials(KEY_B, SECRET_B)), head);
        assertEquals(ReasonCode.BAD_SIGNATURE, verifier.verifyCountersignature(forwarded, credentials(KEY_A, SECRET_A)),
            "another tenant's secret does not verify it");
        assertEquals(enriched + 2, lab.counter(SystemCounter.SIGNED_REQUESTS_ENRICHED));
    }

    @Test
    void shouldSignAVirtualHostedBucketRequestForTheGuestsHostOnASuffixRoute() throws Exception
    {
        final Path body = Files.writeString(dir.toPath().resolve("vh.txt"), "virtual host");
        final Path fetched = dir.toPath().resolve("vh-fetched.txt");

        assertEquals("200", curl(GUEST_A, "-X", "PUT", "--data-binary", "@" + body, "-H", "Host: vh-bucket.s3.v.local",
            BASE + "/obj.txt"), lab.stats());
        assertEquals("virtual host", Files.readString(s3v.objectPath("vh-bucket", "obj.txt")));
        assertEquals("200", lab.curlTo(GUEST_A, fetched.toString(), "-H", "Host: vh-bucket.s3.v.local",
            BASE + "/obj.txt"));
        assertEquals("virtual host", Files.readString(fetched));
    }

    @Test
    void shouldDenyThrottleAndRefuseUnauditedRequestsAndAuditForwardedOnesBeforeTheProviderSeesThem()
        throws Exception
    {
        final long denied = lab.counter(SystemCounter.POLICY_DENIED);
        final long throttled = lab.counter(SystemCounter.THROTTLED);
        final long auditFailures = lab.counter(SystemCounter.AUDIT_FAILURES);
        final Path body = Files.writeString(dir.toPath().resolve("hook.txt"), "hooked");
        final Path answer = dir.toPath().resolve("hook.json");

        assertEquals("403", lab.curlTo(GUEST_A, answer.toString(), "-H", "Host: s3.a.local",
            BASE + "/denied-bucket/x"));
        assertTrue(Files.readString(answer).contains("\"policy\""), Files.readString(answer));
        assertEquals(denied + 1, lab.counter(SystemCounter.POLICY_DENIED));

        final NetnsLab.Result limited = lab.inGuest(GUEST_A, 30, "curl", "-sS", "-m", "20", "-D", "-", "-o",
            "/dev/null", "-X", "PUT", "--data-binary", "@" + body, "-H", "Host: throttled.local",
            BASE + "/hook-bucket/t.txt").assertOk();
        assertTrue(limited.output().startsWith("HTTP/1.1 429"), limited.output());
        assertTrue(limited.output().contains("Retry-After: 7\r\n"), limited.output());
        assertEquals(throttled + 1, lab.counter(SystemCounter.THROTTLED));

        assertEquals("503", curl(GUEST_A, "-X", "PUT", "--data-binary", "@" + body, "-H", "Host: unaudited.local",
            BASE + "/hook-bucket/u.txt"));
        assertEquals(auditFailures + 1, lab.counter(SystemCounter.AUDIT_FAILURES));
        assertTrue(Files.notExists(s3a.objectPath("hook-bucket", "t.txt")), "a throttled request is never forwarded");
        assertTrue(Files.notExists(s3a.objectPath("hook-bucket", "u.txt")), "nor one that could not be audited");

        final byte[] bytes = new byte[70_001];
        new java.util.Random(11).nextBytes(bytes);
        final Path big = Files.write(dir.toPath().resolve("audited.bin"), bytes);
        assertEquals("200", curl(GUEST_A, "-X", "PUT", "--data-binary", "@" + big, "-H", "Host: s3.a.local",
            BASE + "/audit-bucket/rec.bin"));
        assertEquals("200", curl(GUEST_A, "-H", "Host: s3.a.local", BASE + "/audit-bucket/rec.bin"));

        final Record put = AUDIT.await("PUT /audit-bucket/rec.bin");
        assertEquals("i-a1", put.instance);
        assertEquals(0, put.status, "forwarded");
        assertFalse(put.objectExisted, "appended before the provider had the object");
        assertEquals("200 " + bytes.length + " 0", put.outcome, "status, bytes up, bytes down");
        final Record get = AUDIT.await("GET /audit-bucket/rec.bin");
        assertTrue(put.sequence < get.sequence);
        assertEquals("200 0 " + bytes.length, get.outcome);
        final Record policy = AUDIT.await("GET /denied-bucket/x");
        assertEquals(403, policy.status);
        assertEquals("policy", policy.reason);
        assertEquals(429, AUDIT.await("PUT /hook-bucket/t.txt").status);
    }

    private static long signedAnyWay()
    {
        return lab.counter(SystemCounter.SIGNED_REQUESTS) + lab.counter(SystemCounter.SIGNED_REQUESTS_PASSED) +
            lab.counter(SystemCounter.SIGNED_REQUESTS_ENRICHED);
    }

    private static String curl(final int guest, final String... args)
    {
        return lab.curlTo(guest, "/dev/null", args);
    }

    /** The headers as curl {@code -H} arguments, then the rest. */
    private static String[] with(final List<String> headers, final String... rest)
    {
        final List<String> args = new ArrayList<>();
        for (final String header : headers)
        {
            args.add("-H");
            args.add(header);
        }
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    /**
     * Signs a request in this JVM as a guest holding the tenant's key would (with {@code UNSIGNED-PAYLOAD}), and
     * returns the header lines to send, {@code Host} included.
     */
    private static List<String> signAsGuest(
        final String key, final String secret, final String method, final String host, final String target)
    {
        final SigningRequest request = new SigningRequest();
        request.method(method);
        request.target(target);
        request.addHeader("host", host);
        request.payloadMode(PayloadMode.UNSIGNED);
        final SignedOutput output = new SignedOutput();
        assertEquals(SigV4Signer.OK, new SigV4Signer().sign(request, credentials(key, secret), "us-east-1", "s3",
            SignMode.HEADER, UriMode.S3, System.currentTimeMillis(), output));
        final List<String> headers = new ArrayList<>();
        for (int i = 0; i < request.headerCount(); i++)
        {
            headers.add(request.headerName(i) + ": " + request.headerValue(i));
        }
        headers.add("authorization: " +
            new String(output.authorization(), 0, output.authorizationLength(), StandardCharsets.US_ASCII));
        return headers;
    }

    private static Credentials credentials(final String key, final String secret)
    {
        return Credentials.of(key, secret.getBytes(StandardCharsets.US_ASCII));
    }

    private static SigningRequest parseHead(final String head)
    {
        final String[] lines = head.split("\r\n");
        final String[] requestLine = lines[0].split(" ");
        final SigningRequest request = new SigningRequest();
        request.method(requestLine[0]);
        request.target(requestLine[1]);
        for (int i = 1; i < lines.length; i++)
        {
            final int colon = lines[i].indexOf(':');
            request.addHeader(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip());
        }
        return request;
    }

    private static String path(final HttpRequest request)
    {
        return request.buffer().getStringWithoutLengthAscii(request.pathOffset(), request.pathLength());
    }

    /** A provider that records each request head it gets and answers 200 with an empty body, keeping connections. */
    private static void capture()
    {
        while (!captureSocket.isClosed())
        {
            try
            {
                final Socket socket = captureSocket.accept();
                final Thread connection = new Thread(() -> serveCaptured(socket), "capturing-connection");
                connection.setDaemon(true);
                connection.start();
            }
            catch (final IOException closed)
            {
                return;
            }
        }
    }

    private static void serveCaptured(final Socket socket)
    {
        try (socket)
        {
            final InputStream in = socket.getInputStream();
            while (true)
            {
                final StringBuilder head = new StringBuilder();
                int b;
                while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0)
                {
                    head.append((char)b);
                }
                if (!head.toString().endsWith("\r\n\r\n"))
                {
                    return;
                }
                CAPTURED.add(head.substring(0, head.length() - 4));
                socket.getOutputStream().write(
                    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
        }
        catch (final IOException ignored)
        {
            // the test asserts on what the guest and the capture queue saw
        }
    }

    /** One audit record as the hook saw it. */
    private static final class Record
    {
        final long sequence;
        final String instance;
        final int status;
        final String reason;
        final boolean objectExisted;
        volatile String outcome;

        Record(final long sequence, final String instance, final int status, final String reason,
            final boolean objectExisted)
        {
            this.sequence = sequence;
            this.instance = instance;
            this.status = status;
            this.reason = reason;
            this.objectExisted = objectExisted;
        }
    }

    /**
     * Records every decision with whether the provider already had the object at that moment; refuses to record
     * (so the request gets 503) on the unaudited route.
     */
    private static final class RecordingAudit implements AuditHook
    {
        private final AtomicLong sequence = new AtomicLong();
        private final Map<String, Record> byRequest = new ConcurrentHashMap<>();
        private final Map<Long, Record> byId = new ConcurrentHashMap<>();
        private final List<String> order = new CopyOnWriteArrayList<>();

        public long onRequest(
            final SigningIdentity instance, final HttpRequest request, final int routeIndex, final int status,
            final String reason, final long nowNs)
        {
            if (routeIndex == UNAUDITED_ROUTE)
            {
                return NOT_RECORDED;
            }
            final String method = request.buffer().getStringWithoutLengthAscii(
                request.methodOffset(), request.methodLength());
            final String path = path(request);
            final boolean existed = path.startsWith("/audit-bucket/") &&
                Files.exists(s3a.objectPath("audit-bucket", path.substring("/audit-bucket/".length())));
            final long id = sequence.incrementAndGet();
            final Record record = new Record(id, instance == null ? null : instance.instanceId(), status, reason,
                existed);
            byId.put(id, record);
            byRequest.put(method + " " + path, record);
            order.add(method + " " + path);
            return id;
        }

        public void onComplete(
            final long recordId, final int status, final long bytesUp, final long bytesDown, final long latencyNs)
        {
            final Record record = byId.get(recordId);
            if (record != null)
            {
                record.outcome = status + " " + bytesUp + " " + bytesDown;
            }
        }

        /** The latest record of this request once it is complete (or refused), waiting up to 5 s. */
        Record await(final String request) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() - deadline < 0)
            {
                final Record record = byRequest.get(request);
                if (record != null && (record.status != 0 || record.outcome != null))
                {
                    return record;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no complete audit record for " + request + "; seen " + order);
        }
    }
}
