package io.vnicsigner.dataplane.upstream;

import io.vnicsigner.dataplane.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static io.vnicsigner.dataplane.upstream.ScriptedServer.ascii;
import static io.vnicsigner.dataplane.upstream.ScriptedServer.readRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamTlsTest
{
    private static final byte[] PAYLOAD = new byte[3 * 1024 * 1024 + 17];

    @TempDir
    static Path certificates;
    private static S3ProxyFixture s3;
    private static ScriptedServer loopbackTls;
    private static ScriptedServer elsewhereTls;

    @BeforeAll
    static void start() throws Exception
    {
        s3 = S3ProxyFixture.builder().https(true).start();
        s3.createBucket("tls-bucket");
        new Random(3).nextBytes(PAYLOAD);
        loopbackTls = tlsServer("loopback", "ip:127.0.0.1");
        elsewhereTls = tlsServer("elsewhere", "dns:elsewhere.test");
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (s3 != null)
        {
            s3.close();
        }
        if (loopbackTls != null)
        {
            loopbackTls.close();
        }
        if (elsewhereTls != null)
        {
            elsewhereTls.close();
        }
    }

    @Test
    void shouldRoundTripToS3ProxyOverTlsWithTheConfiguredCaOnOneConnection() throws Exception
    {
        final RecordingHandler handler = new RecordingHandler();
        try (UpstreamConnector connector = connector(handler, UpstreamRoute.of(s3.endpoint(), s3.caCertificate())))
        {
            for (int i = 0; i < 3; i++)
            {
                final int id = handler.send(0, UpstreamConnector.IDEMPOTENT,
                    ascii("PUT /tls-bucket/hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello"),
                    5000);
                final RecordingHandler.Outcome outcome = handler.await(id, 10_000);
                assertTrue(outcome.complete, "failure " + UpstreamFailure.name(outcome.failure));
                // Unsigned, so S3Proxy refuses it: this proves TLS and an HTTP round trip, not signing.
                assertEquals(403, outcome.status);
                assertTrue(outcome.bodyText().contains("AccessDenied"), outcome.bodyText());
            }
            assertEquals(1, connector.connectionsOpened());
        }
        assertTrue(s3.log().contains("/tls-bucket/hello.txt"));
        assertFalse(Files.exists(s3.objectPath("tls-bucket", "hello.txt")));
    }

    @Test
    void shouldFailWithTlsFailureWhenTheCaDidNotSignTheCertificate() throws Exception
    {
        final RecordingHandler handler = new RecordingHandler();
        final Path foreignCa = certificates.resolve("loopback.pem");
        try (UpstreamConnector connector = connector(handler, UpstreamRoute.https("127.0.0.1", s3.port(), foreignCa)))
        {
            final RecordingHandler.Outcome outcome = handler.await(
                handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 5000), 10_000);
            assertEquals(UpstreamFailure.TLS_FAILURE, outcome.failure);
            assertEquals(502, UpstreamFailure.guestStatus(outcome.failure));
            assertEquals(0, connector.openConnections());
        }
    }

    @Test
    void shouldFailWithTlsFailureWhenTheCertificateNamesAnotherHost() throws Exception
    {
        final RecordingHandler handler = new RecordingHandler();
        final Path ownCa = certificates.resolve("elsewhere.pem");
        try (UpstreamConnector connector = connector(handler,
            UpstreamRoute.https("127.0.0.1", elsewhereTls.port(), ownCa)))
        {
            final RecordingHandler.Outcome outcome = handler.await(
                handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 5000), 10_000);
            assertEquals(UpstreamFailure.TLS_FAILURE, outcome.failure);
        }
        assertEquals(1, elsewhereTls.connections());
    }

    @Test
    void shouldStreamALargeTlsResponseToASlowConsumerByteExact() throws Exception
    {
        final RecordingHandler handler = new RecordingHandler();
        handler.keepBodies = false;
        handler.paused = true;
        try (UpstreamConnector connector = connector(handler,
            UpstreamRoute.https("127.0.0.1", loopbackTls.port(), certificates.resolve("loopback.pem"))))
        {
            final int id = handler.send(0, 0, ascii("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 5000);
            handler.runUntil(() -> handler.outcome(id).status == 200, 10_000);
            handler.runFor(200);
            final int buffered = connector.bufferedResponseBytes(id);
            assertTrue(buffered > 0 && buffered <= UpstreamConfig.DEFAULT_BUFFER_LENGTH + 17 * 1024, "buffered " + buffered);
            handler.paused = false;
            final RecordingHandler.Outcome outcome = handler.await(id, 20_000);
            assertTrue(outcome.complete, UpstreamFailure.name(outcome.failure));
            assertEquals(PAYLOAD.length, outcome.bodyLength);
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PAYLOAD)),
                HexFormat.of().formatHex(outcome.sha256.digest()));
        }
    }

    @Test
    void shouldDeliverEveryByteOfACloseDelimitedTlsBodyWhenThePeerClosedWhileRecordsWaitedForRoom() throws Exception
    {
        final RecordingHandler handler = new RecordingHandler();
        try (UpstreamConnector connector = connector(handler,
            UpstreamRoute.https("127.0.0.1", loopbackTls.port(), certificates.resolve("loopback.pem"))))
        {
            // Just over the 64 KiB response buffer: while nobody reads, the tail and the close end up waiting
            // as ciphertext, and the end of the stream must not be taken as the end of the body.
            for (final int length : new int[] {60_000, 75_000})
            {
                handler.paused = true;
                final int id = handler.send(0, 0, ascii("GET /close/" + length + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                    5000);
                handler.runUntil(() -> handler.outcome(id).status == 200, 10_000);
                handler.runFor(300);
                handler.paused = false;
                final RecordingHandler.Outcome outcome = handler.await(id, 10_000);
                assertTrue(outcome.complete, UpstreamFailure.name(outcome.failure));
                assertEquals(length, outcome.bodyLength);
                assertTrue(java.util.Arrays.equals(PAYLOAD, 0, length, outcome.body.toByteArray(), 0, length));
            }
        }
    }

    private static UpstreamConnector connector(final RecordingHandler handler, final UpstreamRoute route)
        throws Exception
    {
        final UpstreamConnector connector =
            new UpstreamConnector(UpstreamConfig.defaults(), new UpstreamRoute[] {route}, handler);
        handler.connector = connector;
        return connector;
    }

    private static ScriptedServer tlsServer(final String name, final String subjectAltNames) throws Exception
    {
        final Path keyStorePath = certificates.resolve(name + ".p12");
        S3ProxyFixture.makeSelfSignedCertificate(keyStorePath, certificates.resolve(name + ".pem"), subjectAltNames);
        final KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStorePath))
        {
            keyStore.load(in, S3ProxyFixture.STORE_PASSWORD.toCharArray());
        }
        final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, S3ProxyFixture.STORE_PASSWORD.toCharArray());
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return new ScriptedServer(context.getServerSocketFactory().createServerSocket(0, 50,
            InetAddress.getLoopbackAddress()), (socket, n) ->
        {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            ScriptedServer.Request request;
            while ((request = readRequest(in)) != null)
            {
                final boolean closeDelimited = request.head().startsWith("GET /close/");
                out.write(ascii(closeDelimited ? "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" :
                    "HTTP/1.1 200 OK\r\nContent-Length: " + PAYLOAD.length + "\r\n\r\n"));
                if (closeDelimited)
                {
                    // Small writes become small TLS records, so several are still undecrypted when the close arrives.
                    final int length = Integer.parseInt(request.head().split(" ")[1].substring(7));
                    for (int offset = 0; offset < length; offset += 1000)
                    {
                        out.write(PAYLOAD, offset, Math.min(1000, length - offset));
                    }
                    out.flush();
                    return;
                }
                out.write(PAYLOAD);
                out.flush();
            }
        });
    }
}
