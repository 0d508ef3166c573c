package io.vnicsigner.dataplane.http;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.http.ParserHarness.bytes;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives parser, built-in endpoints and writer together as the TCP endpoint's agent will, feeding the
 * request in fragments and collecting everything written back.
 */
final class LocalEndpointsTest
{
    private static final String PING_RESPONSE =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";

    private final LocalEndpoints endpoints = new LocalEndpoints();

    @Test
    void shouldAnswerPing()
    {
        assertEquals(PING_RESPONSE, serve("GET /vnic/v1/ping HTTP/1.1\r\nHost: 169.254.169.250\r\n\r\n", 1000));
    }

    @Test
    void shouldAnswerPingToHeadWithoutBody()
    {
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n",
            serve("HEAD /vnic/v1/ping HTTP/1.1\r\nHost: h\r\n\r\n", 1000));
    }

    @Test
    void shouldCloseAfterHttp10PingAndKeepAliveWhenAsked()
    {
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n" +
            "Connection: close\r\n\r\n{\"ok\":true}" + CLOSED, serve("GET /vnic/v1/ping HTTP/1.0\r\n\r\n", 1000));
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n" +
            "Connection: keep-alive\r\n\r\n{\"ok\":true}",
            serve("GET /vnic/v1/ping?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1000));
    }

    @Test
    void shouldAnswerEverythingElseWithJson404()
    {
        final String notFound = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 33\r\n" +
            "\r\n{\"error\":\"no_route\",\"status\":404}";
        assertEquals(notFound, serve("GET /vnic/v1/pong HTTP/1.1\r\nHost: h\r\n\r\n", 1000));
        assertEquals(notFound, serve("GET /vnic/v1/echo HTTP/1.1\r\nHost: h\r\n\r\n", 1000));
        assertEquals(notFound, serve("POST /vnic/v1/ping HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", 2));
    }

    @Test
    void shouldEchoBodyWithSameContentLength()
    {
        final String expected = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 11\r\n" +
            "\r\nhello world";
        final String request = "POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world";
        for (int fragment = 1; fragment <= request.length(); fragment++)
        {
            assertEquals(expected, serve(request, fragment), "fragments of " + fragment);
        }
    }

    @Test
    void shouldEchoChunkedBodyAsChunks()
    {
        final String request = "POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n";

        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n" +
            "\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", serve(request, request.length()));
        for (int fragment = 1; fragment < request.length(); fragment++)
        {
            final String response = serve(request, fragment);
            assertEquals("hello world", dechunk(response), "fragments of " + fragment);
        }
    }

    @Test
    void shouldSendContinueBeforeEchoingWhenExpected()
    {
        assertEquals("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n" +
            "Content-Length: 2\r\n\r\nhi",
            serve("POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi", 7));
    }

    @Test
    void shouldEchoEmptyBody()
    {
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 0\r\n\r\n",
            serve("POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\n\r\n", 1000));
    }

    @Test
    void shouldEchoBodyLargerThanTheBufferedLimitByteExact()
    {
        final byte[] body = new byte[(int)HttpLimits.DEFAULT_MAX_BODY_LENGTH + 12_345];
        new Random(7).nextBytes(body);
        final ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(
            bytes("POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length + "\r\n\r\n"));
        request.writeBytes(body);

        final byte[] response = serveBytes(request.toByteArray(), 1448);

        final byte[] head = bytes("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
            body.length + "\r\n\r\n");
        assertArrayEquals(head, Arrays.copyOf(response, head.length));
        assertArrayEquals(body, Arrays.copyOfRange(response, head.length, response.length));
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrder()
    {
        final String request = "GET /vnic/v1/ping HTTP/1.1\r\nHost: h\r\n\r\n" +
            "POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" +
            "GET /nope HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" +
            "GET /vnic/v1/ping HTTP/1.1\r\nHost: h\r\n\r\n";

        assertEquals(PING_RESPONSE +
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 3\r\n\r\nabc" +
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 33\r\nConnection: close\r\n" +
            "\r\n{\"error\":\"no_route\",\"status\":404}" + CLOSED,
            serve(request, 5));
    }

    @Test
    void shouldAnswerMalformedRequestWithJson400AndClose()
    {
        assertEquals("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 49\r\n" +
            "Connection: close\r\n\r\n{\"error\":\"duplicate_content_length\",\"status\":400}" + CLOSED,
            serve("POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 3));
    }

    private static final String CLOSED = "<closed>";

    private String serve(final String request, final int fragmentSize)
    {
        return new String(serveBytes(bytes(request), fragmentSize), ISO_8859_1);
    }

    /**
     * The agent loop in miniature; "&lt;closed&gt;" is appended when the connection would close.
     */
    private byte[] serveBytes(final byte[] request, final int fragmentSize)
    {
        final HttpRequestParser parser = new HttpRequestParser(new HttpLimits(), endpoints);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[request.length + 4096]);
        final HttpResponseWriter writer = new HttpResponseWriter().wrap(out, 0, out.capacity());
        final UnsafeBuffer in = new UnsafeBuffer(request);
        int route = 0;
        boolean closed = false;
        for (int from = 0; from < request.length && !closed; from += fragmentSize)
        {
            int offset = from;
            int length = Math.min(fragmentSize, request.length - from);
            while (!closed)
            {
                final int event = parser.onBytes(in, offset, length, 0);
                offset += parser.consumed();
                length -= parser.consumed();
                if (event == HttpRequestParser.NEED_MORE)
                {
                    break;
                }
                switch (event)
                {
                    case HttpRequestParser.HEADERS_COMPLETE ->
                    {
                        route = endpoints.route(parser.request());
                        endpoints.onHeaders(parser.request(), route, parser.shouldClose(), writer);
                    }
                    case HttpRequestParser.BODY_DATA ->
                        endpoints.onBodyData(parser.request(), route, in, parser.bodyOffset(), parser.bodyLength(),
                            writer);
                    case HttpRequestParser.MESSAGE_COMPLETE ->
                    {
                        endpoints.onMessageComplete(parser.request(), route, writer);
                        closed = parser.shouldClose();
                    }
                    default ->
                    {
                        writer.parseErrorResponse(parser);
                        closed = true;
                    }
                }
            }
        }
        assertTrue(!writer.hasOverflowed());
        final ByteArrayOutputStream response = new ByteArrayOutputStream();
        final byte[] written = new byte[writer.length()];
        out.getBytes(0, written);
        response.writeBytes(written);
        if (closed)
        {
            response.writeBytes(bytes(CLOSED));
        }
        return response.toByteArray();
    }

    private static String dechunk(final String response)
    {
        final StringBuilder body = new StringBuilder();
        int i = response.indexOf("\r\n\r\n") + 4;
        while (true)
        {
            final int lineEnd = response.indexOf("\r\n", i);
            final int size = Integer.parseInt(response.substring(i, lineEnd), 16);
            if (size == 0)
            {
                assertEquals("\r\n", response.substring(lineEnd + 2));
                return body.toString();
            }
            body.append(response, lineEnd + 2, lineEnd + 2 + size);
            assertEquals("\r\n", response.substring(lineEnd + 2 + size, lineEnd + 4 + size));
            i = lineEnd + 4 + size;
        }
    }
}
