package io.vnicsigner.dataplane.http;

import java.lang.management.ManagementFactory;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.http.HttpRequestParser.BODY_DATA;
import static io.vnicsigner.dataplane.http.HttpRequestParser.ERROR;
import static io.vnicsigner.dataplane.http.HttpRequestParser.HEADERS_COMPLETE;
import static io.vnicsigner.dataplane.http.HttpRequestParser.MESSAGE_COMPLETE;
import static io.vnicsigner.dataplane.http.HttpRequestParser.NEED_MORE;
import static io.vnicsigner.dataplane.http.ParserHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class HttpRequestParserTest
{
    private final HttpLimits limits = new HttpLimits();
    private final HttpRequestParser parser = new HttpRequestParser(limits);

    @Test
    void shouldRejectHeaderBlockAsSoonAsTheLimitIsPassed()
    {
        final byte[] input = bytes("GET / HTTP/1.1\r\nX: " + "v".repeat(2 * limits.maxHeaderBlockLength()));

        assertEquals(ERROR, parser.onBytes(new UnsafeBuffer(input), 0, input.length, 0));
        assertEquals(HttpParseError.HEADERS_TOO_LARGE, parser.errorCode());
        assertEquals(431, parser.errorStatus());
        assertEquals(16 + limits.maxHeaderBlockLength() + 1, parser.consumed());
    }

    @Test
    void shouldRejectRequestLineAsSoonAsTheLimitIsPassed()
    {
        final byte[] input = bytes("GET /" + "a".repeat(2 * limits.maxRequestLineLength()));

        assertEquals(ERROR, parser.onBytes(new UnsafeBuffer(input), 0, input.length, 0));
        assertEquals(414, parser.errorStatus());
        assertEquals(limits.maxRequestLineLength() + 1, parser.consumed());
    }

    @Test
    void shouldRejectDeclaredBodyTooLargeBeforeAnyOfItArrives()
    {
        final byte[] input = bytes("PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: " +
            (limits.maxBodyLength() + 1) + "\r\n\r\n");

        assertEquals(ERROR, parser.onBytes(new UnsafeBuffer(input), 0, input.length, 0));
        assertEquals(413, parser.errorStatus());
        assertTrue(parser.shouldClose());
    }

    @Test
    void shouldAcceptBodyExactlyAtTheLimit()
    {
        final HttpRequestParser small = new HttpRequestParser(new HttpLimits().maxBodyLength(5));
        final byte[] input = bytes("PUT /k HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");

        assertEquals("HEADERS BODY(abcde) COMPLETE", events(small, input));
    }

    @Test
    void shouldLetTheBodyLimitPolicyLiftTheLimitForStreamingRoutes()
    {
        final HttpRequestParser withPolicy = new HttpRequestParser(limits, new LocalEndpoints());
        final long large = 100L * 1024 * 1024;
        final byte[] echo = bytes("POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\nContent-Length: " + large + "\r\n\r\n");
        final byte[] other = bytes("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + large + "\r\n\r\n");

        assertEquals(HEADERS_COMPLETE, withPolicy.onBytes(new UnsafeBuffer(echo), 0, echo.length, 0));
        withPolicy.reset();
        assertEquals(ERROR, withPolicy.onBytes(new UnsafeBuffer(other), 0, other.length, 0));
        assertEquals(HttpParseError.BODY_TOO_LARGE, withPolicy.errorCode());
    }

    @Test
    void shouldStreamChunkedBodyPastTheDefaultLimitWhenAllowed()
    {
        final HttpRequestParser withPolicy = new HttpRequestParser(limits, (request, defaultMax) -> Long.MAX_VALUE);
        final byte[] head = bytes("POST /vnic/v1/echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
        final byte[] chunk = bytes("10000\r\n" + "z".repeat(0x10000) + "\r\n");
        final int chunks = (int)(limits.maxBodyLength() / 0x10000) + 16;

        assertEquals(HEADERS_COMPLETE, withPolicy.onBytes(new UnsafeBuffer(head), 0, head.length, 0));
        long body = 0;
        final UnsafeBuffer chunkBuffer = new UnsafeBuffer(chunk);
        for (int i = 0; i < chunks; i++)
        {
            int offset = 0;
            int event;
            while ((event = withPolicy.onBytes(chunkBuffer, offset, chunk.length - offset, 0)) != NEED_MORE)
            {
                assertEquals(BODY_DATA, event);
                body += withPolicy.bodyLength();
                offset += withPolicy.consumed();
            }
        }
        final byte[] last = bytes("0\r\n\r\n");
        assertEquals(MESSAGE_COMPLETE, withPolicy.onBytes(new UnsafeBuffer(last), 0, last.length, 0));
        assertEquals((long)chunks * 0x10000, body);
        assertTrue(body > limits.maxBodyLength());
    }

    @Test
    void shouldKeepReportingTheErrorUntilReset()
    {
        final byte[] bad = bytes("GET / HTTP/1.1\nHost: h\r\n\r\n");
        final byte[] good = bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n");

        assertEquals(ERROR, parser.onBytes(new UnsafeBuffer(bad), 0, bad.length, 0));
        assertEquals(ERROR, parser.onBytes(new UnsafeBuffer(good), 0, good.length, 0));
        assertEquals(0, parser.consumed());
        assertEquals(HttpParseError.BARE_LF, parser.errorCode());

        parser.reset();
        assertEquals("HEADERS BODY() COMPLETE", events(parser, good));
        assertEquals(HttpParseError.NONE, parser.errorCode());
    }

    @Test
    void shouldTrackWhenTheHeadStartedForTheHeaderReadTimeout()
    {
        assertTrue(parser.isIdle());
        assertFalse(parser.isReadingHead());
        final UnsafeBuffer first = new UnsafeBuffer(bytes("GET / HT"));
        final UnsafeBuffer rest = new UnsafeBuffer(bytes("TP/1.1\r\nHost: h\r\n\r\nGET /next"));

        assertEquals(NEED_MORE, parser.onBytes(first, 0, first.capacity(), 100));
        assertTrue(parser.isReadingHead());
        assertFalse(parser.isIdle());
        assertEquals(100, parser.messageStartNs());

        assertEquals(HEADERS_COMPLETE, parser.onBytes(rest, 0, rest.capacity(), 200));
        assertFalse(parser.isReadingHead());
        assertEquals(100, parser.messageStartNs());
        final int next = parser.consumed();
        assertEquals(MESSAGE_COMPLETE, parser.onBytes(rest, next, rest.capacity() - next, 300));
        assertTrue(parser.isIdle());

        assertEquals(NEED_MORE, parser.onBytes(rest, next, rest.capacity() - next, 400));
        assertTrue(parser.isReadingHead());
        assertEquals(400, parser.messageStartNs());
    }

    @Test
    void shouldAnswerEmptyInputWithNeedMore()
    {
        final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);

        assertEquals(NEED_MORE, parser.onBytes(empty, 0, 0, 0));
        assertEquals(0, parser.consumed());
        assertTrue(parser.isIdle());
    }

    @Test
    void shouldCompleteRequestWithoutBodyOnTheCallAfterItsHead()
    {
        final UnsafeBuffer input = new UnsafeBuffer(bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));

        assertEquals(HEADERS_COMPLETE, parser.onBytes(input, 0, input.capacity(), 0));
        assertEquals(input.capacity(), parser.consumed());
        assertEquals(MESSAGE_COMPLETE, parser.onBytes(input, input.capacity(), 0, 0));
        assertEquals(0, parser.consumed());
        assertFalse(parser.shouldClose());
    }

    @Test
    void shouldLookUpHeadersIgnoringCaseAndVisitRepeatedOnes()
    {
        final byte[] input = bytes("GET /p HTTP/1.1\r\nHost: h\r\nAccept: a\r\nX-Amz-Meta: one\r\n" +
            "accept: B\r\n\r\n");
        assertEquals(HEADERS_COMPLETE, parser.onBytes(new UnsafeBuffer(input), 0, input.length, 0));
        final HttpRequest request = parser.request();

        final int first = request.indexOf(bytes("ACCEPT"));
        final int second = request.indexOf(bytes("accept"), first + 1);
        assertEquals(1, first);
        assertEquals(3, second);
        assertEquals(-1, request.indexOf(bytes("accept"), second + 1));
        assertEquals(-1, request.indexOf(bytes("X-Forwarded-For")));
        assertTrue(request.valueEqualsIgnoreCase(second, bytes("b")));
        assertFalse(request.valueEqualsIgnoreCase(first, bytes("b")));
        assertEquals(0, request.hostIndex());
        assertTrue(request.pathEquals(bytes("/p")));
        assertFalse(request.pathEquals(bytes("/P")));
        assertEquals(HttpRequest.METHOD_GET, request.method());
    }

    @Test
    void shouldNotAllocateWhileParsingInSteadyState()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final byte[] input = bytes(
            "GET /bucket/key?x=y HTTP/1.1\r\nHost: s3.amazonaws.com\r\nAccept: */*\r\n\r\n" +
            "PUT http://h:80/k HTTP/1.1\r\nHost: h:80\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello" +
            "POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n" +
            "5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n");
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        parseRepeatedly(buffer, 20_000);
        final long threadId = Thread.currentThread().threadId();

        // A steady-state allocation would cost at least 16 bytes x 160,000 events per round. A few hundred bytes
        // from JIT deoptimisation can land on this thread while other tests warm up, so one clean round of a few
        // is required rather than every round being clean.
        long allocated = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5 && allocated != 0; attempt++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            final long events = parseRepeatedly(buffer, 20_000);
            allocated = threads.getThreadAllocatedBytes(threadId) - before;
            assertEquals(20_000L * 8, events, "three requests, eight events each round");
        }
        assertEquals(0, allocated, "bytes allocated while parsing");
    }

    private long parseRepeatedly(final UnsafeBuffer buffer, final int times)
    {
        long events = 0;
        for (int i = 0; i < times; i++)
        {
            int offset = 0;
            int event;
            while ((event = parser.onBytes(buffer, offset, buffer.capacity() - offset, i)) != NEED_MORE)
            {
                if (event == ERROR)
                {
                    return -1;
                }
                offset += parser.consumed();
                events++;
            }
        }
        return events;
    }

    private static String events(final HttpRequestParser parser, final byte[] input)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        final StringBuilder out = new StringBuilder();
        int offset = 0;
        while (true)
        {
            final int event = parser.onBytes(buffer, offset, input.length - offset, 0);
            offset += parser.consumed();
            switch (event)
            {
                case HEADERS_COMPLETE -> out.append("HEADERS BODY(");
                case BODY_DATA -> out.append(new String(input, parser.bodyOffset(), parser.bodyLength(),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
                case MESSAGE_COMPLETE -> out.append(") COMPLETE");
                case ERROR -> out.append("ERROR ").append(parser.errorStatus());
                default ->
                {
                    return out.toString();
                }
            }
            if (event == ERROR)
            {
                return out.toString();
            }
        }
    }
}
