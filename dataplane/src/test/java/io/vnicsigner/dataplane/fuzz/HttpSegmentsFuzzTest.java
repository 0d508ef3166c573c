package io.vnicsigner.dataplane.fuzz;

import java.util.Arrays;
import java.util.zip.CRC32;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnicsigner.dataplane.http.HttpLimits;
import io.vnicsigner.dataplane.http.HttpParseError;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.http.HttpRequestParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzz target segments → HTTP: the input is cut into TCP-like segments at fuzzed points and fed to a fresh
 * {@link HttpRequestParser} the way docs/http-codec.md says a driver must. The parser must never throw, never
 * consume more than it was offered, and report exactly the same transcript however the bytes are split.
 * <p>
 * Input layout ({@link FuzzedDataProvider} takes integers from the end): a limits switch, a split count and split
 * points, then the request bytes. Tight limits make every limit reachable with short inputs.
 */
class HttpSegmentsFuzzTest
{
    private static final int MAX_SPLITS = 12;
    private static final int BYTE_BY_BYTE_MAX = 512;
    private static final int SLACK = 7;

    private static final HttpLimits DEFAULT_LIMITS = new HttpLimits();
    private static final HttpLimits TIGHT_LIMITS = new HttpLimits()
        .maxRequestLineLength(64)
        .maxHeaderBlockLength(160)
        .maxHeaderCount(4)
        .maxBodyLength(96)
        .maxChunkLineLength(24)
        .maxTrailerBlockLength(40);

    @FuzzTest(maxDuration = "30s")
    void segmentsToHttp(final FuzzedDataProvider data)
    {
        final HttpLimits limits = data.consumeBoolean() ? TIGHT_LIMITS : DEFAULT_LIMITS;
        final int splitCount = data.consumeInt(0, MAX_SPLITS);
        final int[] splits = new int[splitCount];
        for (int i = 0; i < splitCount; i++)
        {
            splits[i] = data.consumeInt(0, Integer.MAX_VALUE);
        }
        final byte[] input = data.consumeRemainingAsBytes();
        for (int i = 0; i < splitCount; i++)
        {
            splits[i] = input.length == 0 ? 0 : splits[i] % (input.length + 1);
        }
        Arrays.sort(splits);

        final HttpRequestParser parser = new HttpRequestParser(limits);
        final String whole = transcript(parser, input, new int[0]);
        final String split = transcript(new HttpRequestParser(limits), input, splits);
        assertEquals(whole, split, "split at " + Arrays.toString(splits));
        if (input.length <= BYTE_BY_BYTE_MAX)
        {
            final int[] everyByte = new int[input.length];
            for (int i = 0; i < everyByte.length; i++)
            {
                everyByte[i] = i;
            }
            assertEquals(whole, transcript(new HttpRequestParser(limits), input, everyByte), "byte by byte");
        }

        parser.reset();
        assertEquals(whole, transcript(parser, input, new int[0]), "after reset() a parser must start afresh");
    }

    /**
     * Guards the harness itself: a transcript that said nothing would make every comparison pass.
     */
    @Test
    void shouldDescribeEveryEventOfAPipelinedExchange()
    {
        final byte[] input = ("POST /vnic/v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi" +
            "GET /p HTTP/1.1\r\nHost: a\r\nA: \t\r\n\r\nGET /x HTTP/1.1\r\nHost : a\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        final String transcript = transcript(new HttpRequestParser(DEFAULT_LIMITS), input, new int[]{ 3, 50, 51 });

        final CRC32 hi = new CRC32();
        hi.update(new byte[]{ 'h', 'i' });
        assertEquals(
            "HEADERS POST m=3 target=/vnic/v1/echo path=/vnic/v1/echo v=11 cl=2 chunked=false keepAlive=true " +
            "continue=false head=false host=0\n" +
            "  Host=a\n  Content-Length=2\n" +
            "COMPLETE body=2/" + Long.toHexString(hi.getValue()) + " close=false\n" +
            "HEADERS GET m=1 target=/p path=/p v=11 cl=-1 chunked=false keepAlive=true continue=false head=false " +
            "host=0\n" +
            "  Host=a\n  A=\n" +
            "COMPLETE body=0/0 close=false\n" +
            "ERROR 400 whitespace_before_colon\n",
            transcript);
    }

    /**
     * Feeds {@code input} cut at the sorted {@code splits}, each segment at an odd offset of its own buffer as a
     * payload sits in a frame, and describes every event.
     */
    static String transcript(final HttpRequestParser parser, final byte[] input, final int[] splits)
    {
        final StringBuilder out = new StringBuilder();
        final CRC32 body = new CRC32();
        long bodyBytes = 0;
        long nowNs = 1_000;
        int from = 0;
        for (int s = 0; s <= splits.length; s++)
        {
            final int to = s < splits.length ? splits[s] : input.length;
            final int segmentLength = to - from;
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[segmentLength + 2 * SLACK]);
            buffer.putBytes(SLACK, input, from, segmentLength);
            from = to;
            int offset = SLACK;
            int length = segmentLength;
            for (int calls = 0; ; calls++)
            {
                if (calls > 4 * segmentLength + 16)
                {
                    fail("parser makes no progress: " + out);
                }
                final int event = parser.onBytes(buffer, offset, length, nowNs);
                final int consumed = parser.consumed();
                if (consumed < 0 || consumed > length)
                {
                    fail("consumed " + consumed + " of " + length);
                }
                final int start = offset;
                offset += consumed;
                length -= consumed;
                switch (event)
                {
                    case HttpRequestParser.NEED_MORE ->
                    {
                        assertEquals(0, length, "NEED_MORE must take every byte offered");
                    }
                    case HttpRequestParser.HEADERS_COMPLETE ->
                    {
                        describe(parser.request(), out);
                        bodyBytes = 0;
                        body.reset();
                    }
                    case HttpRequestParser.BODY_DATA ->
                    {
                        final int bodyLength = parser.bodyLength();
                        final int bodyOffset = parser.bodyOffset();
                        assertTrue(bodyLength > 0, "BODY_DATA carries bytes");
                        assertTrue(bodyOffset >= start && bodyOffset + bodyLength == start + consumed,
                            "the body slice lies within what this call consumed");
                        final byte[] slice = new byte[bodyLength];
                        buffer.getBytes(bodyOffset, slice);
                        body.update(slice);
                        bodyBytes += bodyLength;
                    }
                    case HttpRequestParser.MESSAGE_COMPLETE ->
                    {
                        final HttpRequest request = parser.request();
                        if (!request.isChunked() && request.contentLength() != HttpRequest.NO_CONTENT_LENGTH)
                        {
                            assertEquals(request.contentLength(), bodyBytes, "Content-Length body delivered whole");
                        }
                        out.append("COMPLETE body=").append(bodyBytes).append('/')
                            .append(Long.toHexString(body.getValue()))
                            .append(" close=").append(parser.shouldClose()).append('\n');
                    }
                    case HttpRequestParser.ERROR ->
                    {
                        checkError(parser, buffer, offset, length, nowNs);
                        out.append("ERROR ").append(parser.errorStatus()).append(' ')
                            .append(HttpParseError.name(parser.errorCode())).append('\n');
                        return out.toString();
                    }
                    default -> fail("unknown event " + event);
                }
                if (event == HttpRequestParser.NEED_MORE)
                {
                    break;
                }
            }
            nowNs += 1_000;
        }
        if (!parser.isIdle())
        {
            out.append("PARTIAL\n");
        }
        return out.toString();
    }

    private static void checkError(
        final HttpRequestParser parser, final UnsafeBuffer buffer, final int offset, final int length,
        final long nowNs)
    {
        final int status = parser.errorStatus();
        assertTrue(status == 400 || status == 413 || status == 414 || status == 431 || status == 501 ||
            status == 505, "error status " + status);
        assertNotNull(HttpParseError.name(parser.errorCode()), "every error has a reason name");
        assertTrue(parser.shouldClose(), "an error closes the connection");
        final int code = parser.errorCode();
        assertEquals(HttpRequestParser.ERROR, parser.onBytes(buffer, offset, length, nowNs), "ERROR is sticky");
        assertEquals(0, parser.consumed(), "a parser in error consumes nothing");
        assertEquals(code, parser.errorCode());
    }

    private static void describe(final HttpRequest request, final StringBuilder out)
    {
        out.append("HEADERS ").append(text(request, request.methodOffset(), request.methodLength()))
            .append(" m=").append(request.method())
            .append(" target=").append(text(request, request.targetOffset(), request.targetLength()));
        if (request.isAbsoluteForm())
        {
            out.append(" scheme=").append(text(request, request.schemeOffset(), request.schemeLength()))
                .append(" authority=").append(text(request, request.authorityOffset(), request.authorityLength()));
        }
        out.append(" path=").append(text(request, request.pathOffset(), request.pathLength()));
        if (request.hasQuery())
        {
            out.append(" query=").append(text(request, request.queryOffset(), request.queryLength()));
        }
        out.append(" v=").append(request.version())
            .append(" cl=").append(request.contentLength())
            .append(" chunked=").append(request.isChunked())
            .append(" keepAlive=").append(request.isKeepAlive())
            .append(" continue=").append(request.isExpectContinue())
            .append(" head=").append(request.isHead())
            .append(" host=").append(request.hostIndex())
            .append('\n');
        for (int i = 0; i < request.headerCount(); i++)
        {
            out.append("  ").append(text(request, request.headerNameOffset(i), request.headerNameLength(i)))
                .append('=').append(text(request, request.headerValueOffset(i), request.headerValueLength(i)))
                .append('\n');
        }
    }

    private static String text(final HttpRequest request, final int offset, final int length)
    {
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            final int c = request.buffer().getByte(offset + i) & 0xFF;
            if (c < 0x20 || c >= 0x7F || c == '\\')
            {
                sb.append('\\').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            }
            else
            {
                sb.append((char)c);
            }
        }
        return sb.toString();
    }
}
