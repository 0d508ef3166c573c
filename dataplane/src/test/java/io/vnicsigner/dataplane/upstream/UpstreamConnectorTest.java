package io.vnicsigner.dataplane.upstream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.vnicsigner.dataplane.upstream.ScriptedServer.ascii;
import static io.vnicsigner.dataplane.upstream.ScriptedServer.readRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamConnectorTest
{
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RecordingHandler handler = new RecordingHandler();

    @AfterEach
    void closeAll() throws Exception
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            resources.get(i).close();
        }
    }

    @Test
    void shouldRoundTripGetAndPutOverOneKeptAliveConnection() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            ScriptedServer.Request request;
            while ((request = readRequest(in)) != null)
            {
                final String body = request.head().split(" ")[0] + " " + request.body().length;
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
                out.flush();
            }
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));

        final int get = handler.send(0, UpstreamConnector.IDEMPOTENT, ascii("GET /b/k HTTP/1.1\r\nHost: s3\r\n\r\n"), 2000);
        assertEquals("GET 0", handler.await(get, 2000).bodyText());
        final byte[] put = ascii("PUT /b/k HTTP/1.1\r\nHost: s3\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100_000));
        final int putId = handler.send(0, 0, put, 2000);
        final RecordingHandler.Outcome outcome = handler.await(putId, 2000);
        assertEquals(200, outcome.status);
        assertEquals("PUT 100000", outcome.bodyText());
        for (int i = 0; i < 8; i++)
        {
            assertEquals("GET 0", handler.await(
                handler.send(0, UpstreamConnector.IDEMPOTENT, ascii("GET / HTTP/1.1\r\nHost: s3\r\n\r\n"), 2000), 2000)
                .bodyText());
        }
        assertEquals(1, server.connections());
        assertEquals(1, handler.connector.connectionsOpened());
        assertEquals(9, handler.connector.connectionsReused());
        assertEquals(1, handler.connector.idleConnections(0));
    }

    @Test
    void shouldDeliverChunkedBodyDechunkedAndHeadResponseWithoutBody() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            readRequest(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
            out.flush();
            readRequest(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"));
            out.flush();
            readRequest(in);
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));

        final RecordingHandler.Outcome chunked = handler.await(
            handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000);
        assertTrue(chunked.complete);
        assertEquals("abcde", chunked.bodyText());
        final RecordingHandler.Outcome head = handler.await(
            handler.send(0, UpstreamConnector.HEAD_REQUEST, ascii("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000);
        assertTrue(head.complete);
        assertEquals("Content-Length: 5000\n", head.head);
        assertEquals(0, head.bodyLength);
        assertEquals(1, server.connections());
    }

    @Test
    void shouldAnswerPoolExhaustedWhenEverySlotIsBusy() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            readRequest(socket.getInputStream());
            socket.getInputStream().read();
        });
        connect(UpstreamConfig.defaults().withMaxConnections(2), UpstreamRoute.http("127.0.0.1", server.port()));

        handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000);
        handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000);
        assertEquals(UpstreamConnector.POOL_EXHAUSTED, handler.connector.begin(0, 0, System.nanoTime()));
        assertEquals(2, handler.connector.openConnections());
    }

    @Test
    void shouldReportConnectRefusedQuickly() throws Exception
    {
        final int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = closed.getLocalPort();
        }
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", port));

        final long start = System.nanoTime();
        final int id = handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000);
        final RecordingHandler.Outcome outcome = handler.await(id, 1000);
        assertEquals(UpstreamFailure.CONNECT_REFUSED, outcome.failure);
        assertEquals(502, UpstreamFailure.guestStatus(outcome.failure));
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(0, handler.connector.openConnections());
    }

    @Test
    void shouldTimeOutAConnectThatIsNeverAnswered() throws Exception
    {
        // A listener that never accepts and whose backlog is full drops further SYNs, so connect hangs.
        final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        resources.add(listener);
        for (int i = 0; i < 4; i++)
        {
            final Socket filler = new Socket();
            resources.add(filler);
            try
            {
                filler.connect(listener.getLocalSocketAddress(), 200);
            }
            catch (final IOException ignore)
            {
                break;
            }
        }
        connect(UpstreamConfig.defaults(),
            UpstreamRoute.http("127.0.0.1", listener.getLocalPort()).withConnectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300)));

        final long start = System.nanoTime();
        final int id = handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000);
        final RecordingHandler.Outcome outcome = handler.await(id, 3000);
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(UpstreamFailure.CONNECT_TIMEOUT, outcome.failure);
        assertEquals(502, UpstreamFailure.guestStatus(outcome.failure));
        assertTrue(elapsedMs >= 290 && elapsedMs < 1500, "elapsed " + elapsedMs);
    }

    @Test
    void shouldTimeOutAStalledResponseAtTheConfiguredTime() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            readRequest(socket.getInputStream());
            socket.getInputStream().read();
        });
        connect(UpstreamConfig.defaults(),
            UpstreamRoute.http("127.0.0.1", server.port()).withResponseTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300)));

        final long start = System.nanoTime();
        final int id = handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000);
        final RecordingHandler.Outcome outcome = handler.await(id, 3000);
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(UpstreamFailure.RESPONSE_TIMEOUT, outcome.failure);
        assertEquals(504, UpstreamFailure.guestStatus(outcome.failure));
        assertTrue(elapsedMs >= 290 && elapsedMs < 1500, "elapsed " + elapsedMs);
        assertEquals(0, handler.connector.openConnections());
    }

    @Test
    void shouldReportPrematureCloseWhenTheServerDiesMidBody() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            readRequest(socket.getInputStream());
            socket.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + "y".repeat(100)));
            socket.getOutputStream().flush();
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));

        final RecordingHandler.Outcome outcome = handler.await(
            handler.send(0, UpstreamConnector.IDEMPOTENT, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000);
        assertEquals(200, outcome.status);
        assertEquals(100, outcome.bodyLength);
        assertEquals(UpstreamFailure.PREMATURE_CLOSE, outcome.failure);
        assertEquals(UpstreamFailure.RESET, UpstreamFailure.guestStatus(outcome.failure));
    }

    @Test
    void shouldReportMalformedResponse() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            readRequest(socket.getInputStream());
            socket.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"));
            socket.getInputStream().read();
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));

        final RecordingHandler.Outcome outcome = handler.await(
            handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000);
        assertEquals(UpstreamFailure.MALFORMED_RESPONSE, outcome.failure);
        assertEquals(0, handler.connector.openConnections());
    }

    @Test
    void shouldRetryAnIdempotentRequestOnceWhenAPooledConnectionTurnsOutClosed() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            final InputStream in = socket.getInputStream();
            readRequest(in);
            socket.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + n));
            socket.getOutputStream().flush();
            // The first connection takes the next request and closes without answering, like a keep-alive race.
            if (n == 1)
            {
                readRequest(in);
            }
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));

        assertEquals("1", handler.await(handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000)
            .bodyText());
        final RecordingHandler.Outcome retried = handler.await(
            handler.send(0, UpstreamConnector.IDEMPOTENT, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000);
        assertTrue(retried.complete);
        assertEquals("2", retried.bodyText());
        assertEquals(1, handler.connector.staleRetries());
        assertEquals(2, server.connections());
    }

    @Test
    void shouldNotRetryANonIdempotentRequestOnAClosedPooledConnection() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            final InputStream in = socket.getInputStream();
            readRequest(in);
            socket.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
            socket.getOutputStream().flush();
            readRequest(in);
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));

        handler.await(handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000);
        final RecordingHandler.Outcome outcome = handler.await(
            handler.send(0, 0, ascii("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nz"), 2000), 2000);
        assertEquals(UpstreamFailure.CLOSED_BEFORE_RESPONSE, outcome.failure);
        assertEquals(502, UpstreamFailure.guestStatus(outcome.failure));
        assertEquals(0, handler.connector.staleRetries());
    }

    @Test
    void shouldDropAPooledConnectionTheServerClosedAndOpenAFreshOne() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            readRequest(socket.getInputStream());
            socket.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
            socket.getOutputStream().flush();
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));

        handler.await(handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000);
        handler.runUntil(() -> handler.connector.idleConnections(0) == 0, 2000);
        assertEquals(0, handler.connector.openConnections());
        assertTrue(handler.await(handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000).complete);
        assertEquals(2, server.connections());
        assertEquals(0, handler.connector.staleRetries());
    }

    @Test
    void shouldCloseIdleConnectionsAfterTheirKeepAliveTime() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            final InputStream in = socket.getInputStream();
            while (readRequest(in) != null)
            {
                socket.getOutputStream().write(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
            }
        });
        connect(UpstreamConfig.defaults(),
            UpstreamRoute.http("127.0.0.1", server.port()).withIdleKeepAliveNs(TimeUnit.MILLISECONDS.toNanos(200)));

        handler.await(handler.send(0, 0, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 2000), 2000);
        assertEquals(1, handler.connector.idleConnections(0));
        handler.runUntil(() -> handler.connector.openConnections() == 0, 2000);
    }

    @Test
    void shouldStopReadingForASlowConsumerAndThenDeliverEveryByte() throws Exception
    {
        final int size = 32 * 1024 * 1024;
        final byte[] payload = new byte[size];
        new Random(42).nextBytes(payload);
        final AtomicLong written = new AtomicLong();
        final ScriptedServer server = server((socket, n) ->
        {
            readRequest(socket.getInputStream());
            final OutputStream out = socket.getOutputStream();
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"));
            for (int offset = 0; offset < size; offset += 16384)
            {
                out.write(payload, offset, 16384);
                written.addAndGet(16384);
            }
            out.flush();
            socket.getInputStream().read();
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));
        handler.keepBodies = false;
        handler.paused = true;

        final int id = handler.send(0, 0, ascii("GET /big HTTP/1.1\r\nHost: a\r\n\r\n"), 2000);
        handler.runUntil(() -> handler.outcome(id).status == 200, 2000);
        handler.runFor(300);
        final long stalledAt = written.get();
        handler.runFor(300);
        assertEquals(stalledAt, written.get(), "the server kept writing although nobody read");
        assertTrue(stalledAt < size / 2, "server wrote " + stalledAt);
        final int buffered = handler.connector.bufferedResponseBytes(id);
        assertTrue(buffered > 0 && buffered <= UpstreamConfig.DEFAULT_BUFFER_LENGTH, "buffered " + buffered);

        handler.paused = false;
        final RecordingHandler.Outcome outcome = handler.await(id, 20_000);
        assertTrue(outcome.complete);
        assertEquals(size, outcome.bodyLength);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)),
            HexFormat.of().formatHex(outcome.sha256.digest()));
    }

    @Test
    void shouldStreamALargeRequestBodyThroughTheBoundedBuffer() throws Exception
    {
        final int size = 8 * 1024 * 1024;
        final ScriptedServer server = server((socket, n) ->
        {
            final ScriptedServer.Request request = readRequest(socket.getInputStream());
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(request.body());
            final String hex = HexFormat.of().formatHex(digest);
            socket.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n" + hex));
            socket.getInputStream().read();
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));
        final byte[] body = new byte[size];
        new Random(7).nextBytes(body);
        final byte[] head = ascii("PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n");
        final byte[] request = new byte[head.length + size];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, size);

        final RecordingHandler.Outcome outcome = handler.await(handler.send(0, 0, request, 10_000), 10_000);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)), outcome.bodyText());
    }

    @Test
    void shouldDeliverAnEarlyResponseWhileTheRequestBodyIsStillUploading() throws Exception
    {
        final ScriptedServer server = server((socket, n) ->
        {
            final InputStream in = socket.getInputStream();
            int matched = 0;
            while (matched < 4)
            {
                final int b = in.read();
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            // Refuse at once, like a provider rejecting a signature, then drain politely as Jetty does.
            socket.getOutputStream().write(ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\nConnection: close\r\n\r\ndenied"));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            in.transferTo(OutputStream.nullOutputStream());
        });
        connect(UpstreamConfig.defaults(), UpstreamRoute.http("127.0.0.1", server.port()));
        final RecordingHandler.Outcome[] outcome = new RecordingHandler.Outcome[1];
        final int id = handler.connector.begin(0, 0, System.nanoTime());
        final org.agrona.concurrent.UnsafeBuffer head = new org.agrona.concurrent.UnsafeBuffer(
            ascii("PUT /big HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n"));
        assertEquals(head.capacity(), handler.connector.writeRequest(id, head, 0, head.capacity()));
        final org.agrona.concurrent.UnsafeBuffer chunk = new org.agrona.concurrent.UnsafeBuffer(new byte[16384]);
        handler.runUntil(() ->
        {
            handler.connector.writeRequest(id, chunk, 0, chunk.capacity());
            outcome[0] = handler.outcome(id);
            return outcome[0].done();
        }, 5000);
        assertTrue(outcome[0].complete, UpstreamFailure.name(outcome[0].failure));
        assertEquals(403, outcome[0].status);
        assertEquals("denied", outcome[0].bodyText());
        assertEquals(UpstreamConnector.NO_SUCH_EXCHANGE, handler.connector.writeRequest(id, chunk, 0, 1));
        assertEquals(0, handler.connector.openConnections());
    }

    @Test
    void shouldParseRouteUrls() throws Exception
    {
        final UpstreamRoute plain = UpstreamRoute.of("http://127.0.0.1:18080", null);
        assertEquals(false, plain.isTls());
        assertEquals(18080, plain.port());
        assertEquals("127.0.0.1", plain.host());
        final UpstreamRoute secure = UpstreamRoute.of("https://localhost", null);
        assertEquals(true, secure.isTls());
        assertEquals(443, secure.port());
        assertEquals(80, UpstreamRoute.of("http://localhost/", null).port());
        for (final String bad : new String[] {"ftp://h", "http://h/path", "h:80"})
        {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> UpstreamRoute.of(bad, null), bad);
        }
    }

    private ScriptedServer server(final ScriptedServer.Script script) throws IOException
    {
        final ScriptedServer server = new ScriptedServer(script);
        resources.add(server);
        return server;
    }

    private void connect(final UpstreamConfig config, final UpstreamRoute route) throws IOException
    {
        final UpstreamConnector connector = new UpstreamConnector(config, new UpstreamRoute[] {route}, handler);
        handler.connector = connector;
        resources.add(connector);
    }
}
