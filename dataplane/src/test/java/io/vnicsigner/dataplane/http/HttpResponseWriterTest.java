package io.vnicsigner.dataplane.http;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.http.ParserHarness.bytes;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class HttpResponseWriterTest
{
    private static final int OFFSET = 3;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final HttpResponseWriter writer = new HttpResponseWriter();

    @Test
    void shouldWriteResponseWithKnownLength()
    {
        writer.wrap(buffer, OFFSET, 1024)
            .status(HttpStatus.OK)
            .header(bytes("Content-Type"), bytes("text/plain"))
            .contentLength(5)
            .endHeaders()
            .body(bytes("hello"));

        assertWritten("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
    }

    @Test
    void shouldWriteChunkedBodyWithFraming()
    {
        final UnsafeBuffer data = new UnsafeBuffer(bytes("..0123456789abcdefXYZ.."));
        writer.wrap(buffer, OFFSET, 1024)
            .status(HttpStatus.OK)
            .chunked()
            .endHeaders()
            .chunk(data, 2, 16)
            .chunk(data, 2, 0)
            .chunk(data, 18, 3)
            .lastChunk();

        assertWritten("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "10\r\n0123456789abcdef\r\n3\r\nXYZ\r\n0\r\n\r\n");
    }

    @Test
    void shouldWriteChunkSizesInLowerCaseHex()
    {
        writer.wrap(buffer, OFFSET, 1024).chunkHeader(0xABCDEF).chunkEnd().chunkHeader(1).chunkHeader(4096);

        assertWritten("abcdef\r\n\r\n1\r\n1000\r\n");
        assertEquals(6 + 4, HttpResponseWriter.chunkOverhead(0xABCDEF));
        assertEquals(1 + 4, HttpResponseWriter.chunkOverhead(0));
        assertEquals(8 + 4, HttpResponseWriter.chunkOverhead(Integer.MAX_VALUE));
    }

    @Test
    void shouldWriteLocalJsonErrorsWithReasonPhrases()
    {
        assertError(400, "Bad Request", "malformed");
        assertError(401, "Unauthorized", "token");
        assertError(403, "Forbidden", "forbidden");
        assertError(404, "Not Found", "no_route");
        assertError(413, "Content Too Large", "body_too_large");
        assertError(414, "URI Too Long", "request_line_too_long");
        assertError(431, "Request Header Fields Too Large", "headers_too_large");
        assertError(501, "Not Implemented", "not_implemented");
        assertError(502, "Bad Gateway", "upstream_unreachable");
        assertError(503, "Service Unavailable", "overloaded");
        assertError(504, "Gateway Timeout", "upstream_timeout");
        assertError(505, "HTTP Version Not Supported", "version_not_supported");
    }

    @Test
    void shouldWriteRetryAfterForThrottledRequests()
    {
        writer.wrap(buffer, OFFSET, 1024)
            .errorResponse(429, null, 7, false, request("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));

        final String body = "{\"error\":\"throttled\",\"status\":429}";
        assertWritten("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: " +
            body.length() + "\r\nRetry-After: 7\r\n\r\n" + body);
    }

    @Test
    void shouldOmitErrorBodyForHeadButKeepItsLength()
    {
        writer.wrap(buffer, OFFSET, 1024)
            .errorResponse(404, null, -1, false, request("HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n"));

        assertWritten("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 33\r\n\r\n");
    }

    @Test
    void shouldAnswerParseErrorWithReasonAndClose()
    {
        final HttpRequestParser parser = new HttpRequestParser(new HttpLimits());
        final byte[] input = bytes("GET / HTTP/1.1\r\nHost : h\r\n\r\n");
        assertEquals(HttpRequestParser.ERROR, parser.onBytes(new UnsafeBuffer(input), 0, input.length, 0));

        writer.wrap(buffer, OFFSET, 1024).parseErrorResponse(parser);

        final String body = "{\"error\":\"whitespace_before_colon\",\"status\":400}";
        assertWritten("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " +
            body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    @Test
    void shouldKeepHttp10ConnectionOpenOnlyWhenAsked()
    {
        writer.wrap(buffer, OFFSET, 1024).connection(false, HttpRequest.VERSION_1_0)
            .connection(false, HttpRequest.VERSION_1_1).connection(true, HttpRequest.VERSION_1_1);

        assertWritten("Connection: keep-alive\r\nConnection: close\r\n");
    }

    @Test
    void shouldContinueBeforeFinalResponse()
    {
        writer.wrap(buffer, OFFSET, 1024).continueResponse().status(204).endHeaders();

        assertWritten("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
    }

    @Test
    void shouldRelayUnknownStatusAndUpstreamReason()
    {
        final UnsafeBuffer reason = new UnsafeBuffer(bytes("xxSlow Down"));
        writer.wrap(buffer, OFFSET, 1024).status(299).status(503, reason, 2, 9);

        assertWritten("HTTP/1.1 299 \r\nHTTP/1.1 503 Slow Down\r\n");
    }

    @Test
    void shouldRelayHeaderFromParsedRequestView()
    {
        final HttpRequest request = request("GET / HTTP/1.1\r\nHost: h\r\nx-amz-date:  20260101T000000Z \r\n\r\n");
        final int i = request.indexOf(bytes("X-Amz-Date"));

        writer.wrap(buffer, OFFSET, 1024).header(request.buffer(), request.headerNameOffset(i),
            request.headerNameLength(i), request.headerValueOffset(i), request.headerValueLength(i))
            .header(bytes("X-Count"), -42L);

        assertWritten("x-amz-date: 20260101T000000Z\r\nX-Count: -42\r\n");
    }

    @Test
    void shouldStopAtTheEndOfTheRegionAndReportOverflow()
    {
        writer.wrap(buffer, OFFSET, 20).status(HttpStatus.OK);
        assertFalse(writer.hasOverflowed());
        assertEquals(17, writer.length());

        writer.contentLength(5).endHeaders();

        assertTrue(writer.hasOverflowed());
        assertEquals(17, writer.length(), "a dropped write leaves no partial bytes and stops later writes");
        assertEquals(0, buffer.getByte(OFFSET + 20));
    }

    @Test
    void shouldNotWriteAPartialChunk()
    {
        final UnsafeBuffer data = new UnsafeBuffer(new byte[16]);
        writer.wrap(buffer, OFFSET, 20).chunk(data, 0, 16);

        assertTrue(writer.hasOverflowed());
        assertEquals(0, writer.length());
    }

    private void assertError(final int status, final String reason, final String name)
    {
        writer.wrap(buffer, OFFSET, 1024).errorResponse(status, null, -1, true,
            request("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        final String body = "{\"error\":\"" + name + "\",\"status\":" + status + "}";
        assertWritten("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: " +
            body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    private void assertWritten(final String expected)
    {
        assertFalse(writer.hasOverflowed());
        assertEquals(OFFSET + writer.length(), writer.position());
        final byte[] written = new byte[writer.length()];
        buffer.getBytes(OFFSET, written);
        assertEquals(expected, new String(written, ISO_8859_1));
    }

    static HttpRequest request(final String head)
    {
        final HttpRequestParser parser = new HttpRequestParser(new HttpLimits());
        final byte[] input = bytes(head);
        assertEquals(HttpRequestParser.HEADERS_COMPLETE, parser.onBytes(new UnsafeBuffer(input), 0, input.length, 0));
        return parser.request();
    }
}
