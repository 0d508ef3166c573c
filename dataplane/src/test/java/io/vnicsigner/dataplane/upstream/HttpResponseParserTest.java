package io.vnicsigner.dataplane.upstream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpResponseParserTest
{
    private static final int HEAD_LIMIT = 256;
    private static final int HEADER_LIMIT = 8;

    @Test
    void shouldParseContentLengthResponseAtEverySplit()
    {
        assertEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"x\"\r\n\r\nhello", false, false,
            "HEAD 200 11 'OK' cl=5 chunked=false [Content-Length=5][ETag=\"x\"]|BODY hello|COMPLETE keepAlive=true left=0");
    }

    @Test
    void shouldLeaveBytesAfterTheBodyUnconsumed()
    {
        assertEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP", false, false,
            "HEAD 200 11 'OK' cl=2 chunked=false [Content-Length=2]|BODY hi|COMPLETE keepAlive=true left=4");
    }

    @Test
    void shouldDechunkAndDiscardExtensionsAndTrailers()
    {
        assertEverySplit("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n" +
            "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n", false, false,
            "HEAD 200 11 'OK' cl=-1 chunked=true [Transfer-Encoding=Chunked]|" +
            "BODY helloabcdefghijklmnopqrstuvwxyz|COMPLETE keepAlive=true left=0");
    }

    @Test
    void shouldReadCloseDelimitedBodyUntilEndOfStream()
    {
        assertEverySplit("HTTP/1.1 200 OK\r\nServer: s\r\n\r\nuntil close", false, true,
            "HEAD 200 11 'OK' cl=-1 chunked=false [Server=s]|BODY until close|COMPLETE keepAlive=false left=0");
    }

    @Test
    void shouldReportNoBodyForHeadRequestEvenWithContentLength()
    {
        assertEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", true, false,
            "HEAD 200 11 'OK' cl=1234 chunked=false [Content-Length=1234]|COMPLETE keepAlive=true left=0");
    }

    @Test
    void shouldReportNoBodyFor204And304()
    {
        assertEverySplit("HTTP/1.1 204 No Content\r\n\r\n", false, false,
            "HEAD 204 11 'No Content' cl=-1 chunked=false |COMPLETE keepAlive=true left=0");
        assertEverySplit("HTTP/1.1 304 Not Modified\r\nETag: e\r\n\r\nX", false, false,
            "HEAD 304 11 'Not Modified' cl=-1 chunked=false [ETag=e]|COMPLETE keepAlive=true left=1");
    }

    @Test
    void shouldSkipInterimContinueResponses()
    {
        assertEverySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n" +
            "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", false, false,
            "HEAD 201 11 'Created' cl=0 chunked=false [Content-Length=0]|COMPLETE keepAlive=true left=0");
    }

    @Test
    void shouldDecideKeepAliveFromVersionAndConnection()
    {
        assertEverySplit("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, close\r\nContent-Length: 0\r\n\r\n", false, false,
            "HEAD 200 11 'OK' cl=0 chunked=false [Connection=Keep-Alive, close][Content-Length=0]|" +
            "COMPLETE keepAlive=false left=0");
        assertEverySplit("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false, false,
            "HEAD 200 10 'OK' cl=0 chunked=false [Content-Length=0]|COMPLETE keepAlive=false left=0");
        assertEverySplit("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false, false,
            "HEAD 200 10 'OK' cl=0 chunked=false [connection=keep-alive][Content-Length=0]|" +
            "COMPLETE keepAlive=true left=0");
    }

    @Test
    void shouldAcceptEmptyReasonAndObsText()
    {
        assertEverySplit("HTTP/1.1 404\r\nX-Name: caf\u00e9\r\nContent-Length: 0\r\n\r\n", false, false,
            "HEAD 404 11 '' cl=0 chunked=false [X-Name=caf\u00e9][Content-Length=0]|COMPLETE keepAlive=true left=0");
        assertEverySplit("HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n", false, false,
            "HEAD 503 11 '' cl=0 chunked=false [Content-Length=0]|COMPLETE keepAlive=true left=0");
    }

    @Test
    void shouldRejectMalformedResponsesAtEverySplit()
    {
        assertRejected("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", HttpResponseParser.INVALID_LINE_ENDING);
        assertRejected("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", HttpResponseParser.INVALID_LINE_ENDING);
        assertRejected("HTTP/2.0 200 OK\r\n\r\n", HttpResponseParser.UNSUPPORTED_VERSION);
        assertRejected("HTTP/1.1 20x OK\r\n\r\n", HttpResponseParser.INVALID_STATUS_LINE);
        assertRejected("HTTP/1.1 099 Low\r\n\r\n", HttpResponseParser.INVALID_STATUS_LINE);
        assertRejected("HTTP/1.1  200 OK\r\n\r\n", HttpResponseParser.INVALID_STATUS_LINE);
        assertRejected("http/1.1 200 OK\r\n\r\n", HttpResponseParser.INVALID_STATUS_LINE);
        assertRejected("HTTP/1.1 2000 OK\r\n\r\n", HttpResponseParser.INVALID_STATUS_LINE);
        assertRejected("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", HttpResponseParser.INVALID_HEADER);
        assertRejected("HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", HttpResponseParser.INVALID_HEADER);
        assertRejected("HTTP/1.1 200 OK\r\nA: nul\u0000\r\n\r\n", HttpResponseParser.INVALID_HEADER);
        assertRejected("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
            HttpResponseParser.INVALID_CONTENT_LENGTH);
        assertRejected("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", HttpResponseParser.INVALID_CONTENT_LENGTH);
        assertRejected("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n", HttpResponseParser.INVALID_CONTENT_LENGTH);
        assertRejected("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            HttpResponseParser.INVALID_TRANSFER_ENCODING);
        assertRejected("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
            HttpResponseParser.INVALID_TRANSFER_ENCODING);
        assertRejected("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n", HttpResponseParser.INVALID_CHUNK);
        assertRejected("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
            HttpResponseParser.INVALID_CHUNK);
        assertRejected("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n",
            HttpResponseParser.INVALID_CHUNK);
        assertRejected("HTTP/1.1 101 Switching Protocols\r\n\r\n", HttpResponseParser.UNSUPPORTED_STATUS);
        assertRejected("HTTP/1.1 200 OK\r\nX: " + "a".repeat(HEAD_LIMIT) + "\r\n\r\n",
            HttpResponseParser.HEAD_TOO_LARGE);
        assertRejected("HTTP/1.1 200 OK\r\n" + "A: b\r\n".repeat(HEADER_LIMIT + 1) + "\r\n",
            HttpResponseParser.TOO_MANY_HEADERS);
    }

    @Test
    void shouldReportTruncatedBodiesAsUnexpectedEnd()
    {
        for (final String truncated : new String[] {
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
            "HTTP/1.1 200 OK\r\nContent-"})
        {
            final HttpResponseParser parser = newParser();
            final UnsafeBuffer buffer = buffer(truncated);
            int offset = 0;
            int event;
            do
            {
                event = parser.onBytes(buffer, offset, buffer.capacity() - offset);
                offset += parser.consumed();
            }
            while (event != HttpResponseParser.NEED_MORE);
            assertEquals(HttpResponseParser.ERROR, parser.onEndOfStream(), truncated);
            assertEquals(HttpResponseParser.UNEXPECTED_END, parser.errorCode());
        }
    }

    @Test
    void shouldParseTwoResponsesOnOneConnectionAfterStart()
    {
        final HttpResponseParser parser = newParser();
        assertEquals("HEAD 200 11 'OK' cl=1 chunked=false [Content-Length=1]|BODY a|COMPLETE keepAlive=true left=0",
            transcript(parser, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", false, new int[0]));
        parser.start(false);
        assertEquals("HEAD 200 11 'OK' cl=1 chunked=false [Content-Length=1]|BODY b|COMPLETE keepAlive=true left=0",
            transcript(parser, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb", false, new int[0]));
        assertTrue(parser.isComplete());
    }

    @Test
    void shouldNotAllocateWhileParsing()
    {
        final HttpResponseParser parser = newParser();
        final UnsafeBuffer buffer = buffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: x\r\n\r\n" +
            "3\r\nabc\r\n0\r\n\r\n");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        boolean clean = false;
        for (int round = 0; round < 5 && !clean; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++)
            {
                parser.start(false);
                int offset = 0;
                int event;
                do
                {
                    event = parser.onBytes(buffer, offset, buffer.capacity() - offset);
                    offset += parser.consumed();
                }
                while (event != HttpResponseParser.MESSAGE_COMPLETE && event != HttpResponseParser.ERROR);
                assertEquals(HttpResponseParser.MESSAGE_COMPLETE, event);
            }
            clean = threads.getCurrentThreadAllocatedBytes() - before == 0;
        }
        assertTrue(clean, "parsing allocated in every round");
    }

    private static void assertRejected(final String response, final int errorCode)
    {
        final String expected = "ERROR " + errorCode;
        assertEverySplitEndsWith(response, expected);
    }

    private static void assertEverySplitEndsWith(final String response, final String expectedEnd)
    {
        final String whole = transcript(newParser(), response, false, new int[0]);
        assertTrue(whole.endsWith(expectedEnd), () -> response + " -> " + whole);
        assertSameAtEverySplit(response, false, false, whole);
    }

    private static void assertEverySplit(
        final String response, final boolean headRequest, final boolean eof, final String expected)
    {
        final HttpResponseParser parser = newParser();
        parser.start(headRequest);
        final String whole = transcript(parser, response, eof, new int[0]);
        assertEquals(expected, whole);
        assertSameAtEverySplit(response, headRequest, eof, expected);
    }

    private static void assertSameAtEverySplit(
        final String response, final boolean headRequest, final boolean eof, final String expected)
    {
        final int length = response.length();
        for (int split = 1; split < length; split++)
        {
            final HttpResponseParser parser = newParser();
            parser.start(headRequest);
            assertEquals(expected, transcript(parser, response, eof, new int[] {split}), "split at " + split);
        }
        final int[] everyByte = new int[Math.max(0, length - 1)];
        for (int i = 0; i < everyByte.length; i++)
        {
            everyByte[i] = i + 1;
        }
        final HttpResponseParser parser = newParser();
        parser.start(headRequest);
        assertEquals(expected, transcript(parser, response, eof, everyByte), "byte by byte");
    }

    private static String transcript(
        final HttpResponseParser parser, final String response, final boolean eof, final int[] splits)
    {
        final UnsafeBuffer buffer = buffer(response);
        final StringBuilder out = new StringBuilder();
        final StringBuilder body = new StringBuilder();
        int start = 0;
        for (int piece = 0; piece <= splits.length; piece++)
        {
            final int end = piece < splits.length ? splits[piece] : buffer.capacity();
            int offset = start;
            while (true)
            {
                final int event = parser.onBytes(buffer, offset, end - offset);
                offset += parser.consumed();
                if (event == HttpResponseParser.NEED_MORE)
                {
                    break;
                }
                if (event == HttpResponseParser.HEADERS_COMPLETE)
                {
                    out.append(head(parser));
                }
                else if (event == HttpResponseParser.BODY_DATA)
                {
                    body.append(string(buffer, parser.bodyOffset(), parser.bodyLength()));
                }
                else if (event == HttpResponseParser.MESSAGE_COMPLETE)
                {
                    return finish(out, body, parser, buffer.capacity() - offset);
                }
                else
                {
                    return out.append(body.isEmpty() ? "" : "|BODY " + body).append("ERROR ")
                        .append(parser.errorCode()).toString();
                }
            }
            start = end;
        }
        if (eof)
        {
            final int event = parser.onEndOfStream();
            if (event == HttpResponseParser.MESSAGE_COMPLETE)
            {
                return finish(out, body, parser, 0);
            }
            return out + "EOF-ERROR " + parser.errorCode();
        }
        return out + "INCOMPLETE";
    }

    private static String finish(
        final StringBuilder out, final StringBuilder body, final HttpResponseParser parser, final int left)
    {
        if (!body.isEmpty())
        {
            out.append("|BODY ").append(body);
        }
        return out.append("|COMPLETE keepAlive=").append(parser.isKeepAlive()).append(" left=").append(left)
            .toString();
    }

    private static String head(final HttpResponseParser parser)
    {
        final StringBuilder s = new StringBuilder("HEAD ").append(parser.status()).append(' ')
            .append(parser.version()).append(" '")
            .append(string(parser.buffer(), parser.reasonOffset(), parser.reasonLength())).append("' cl=")
            .append(parser.contentLength()).append(" chunked=").append(parser.isChunked()).append(' ');
        for (int i = 0; i < parser.headerCount(); i++)
        {
            s.append('[').append(string(parser.buffer(), parser.headerNameOffset(i), parser.headerNameLength(i)))
                .append('=')
                .append(string(parser.buffer(), parser.headerValueOffset(i), parser.headerValueLength(i)))
                .append(']');
        }
        assertTrue(parser.hasHead());
        assertFalse(parser.isComplete());
        return s.toString();
    }

    private static HttpResponseParser newParser()
    {
        return new HttpResponseParser(HEAD_LIMIT, HEADER_LIMIT);
    }

    private static UnsafeBuffer buffer(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String string(final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
