package io.vnicsigner.dataplane.http;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives a parser the way the TCP endpoint does and writes what it reports as a transcript, one line
 * per event, so that feeding the same bytes in different fragments can be compared exactly.
 */
final class ParserHarness
{
    private static final int SLACK = 5;

    private ParserHarness()
    {
    }

    static byte[] bytes(final String latin1)
    {
        return latin1.getBytes(ISO_8859_1);
    }

    static String transcript(final HttpLimits limits, final byte[] input, final int... splits)
    {
        final List<byte[]> fragments = new ArrayList<>();
        int from = 0;
        for (final int split : splits)
        {
            fragments.add(java.util.Arrays.copyOfRange(input, from, split));
            from = split;
        }
        fragments.add(java.util.Arrays.copyOfRange(input, from, input.length));
        return transcript(new HttpRequestParser(limits), fragments);
    }

    static String byteByByte(final HttpLimits limits, final byte[] input)
    {
        final List<byte[]> fragments = new ArrayList<>();
        for (final byte b : input)
        {
            fragments.add(new byte[]{ b });
        }
        return transcript(new HttpRequestParser(limits), fragments);
    }

    /**
     * Feeds each fragment from an odd offset of a larger buffer, as a segment payload would sit in a frame.
     */
    static String transcript(final HttpRequestParser parser, final List<byte[]> fragments)
    {
        final StringBuilder out = new StringBuilder();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        long nowNs = 1_000;
        for (final byte[] fragment : fragments)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[fragment.length + 2 * SLACK]);
            buffer.putBytes(SLACK, fragment);
            int offset = SLACK;
            int length = fragment.length;
            for (int calls = 0; ; calls++)
            {
                if (calls > fragment.length * 4 + 16)
                {
                    fail("parser does not progress: " + out);
                }
                final int start = offset;
                final int event = parser.onBytes(buffer, offset, length, nowNs);
                final int consumed = parser.consumed();
                assertTrue(consumed >= 0 && consumed <= length, "consumed " + consumed + " of " + length);
                offset += consumed;
                length -= consumed;
                if (event == HttpRequestParser.NEED_MORE)
                {
                    assertEquals(0, length, "NEED_MORE must take every byte");
                    break;
                }
                if (event == HttpRequestParser.ERROR)
                {
                    assertTrue(parser.shouldClose(), "an error must close the connection");
                    out.append("ERROR ").append(parser.errorStatus()).append(' ')
                        .append(HttpParseError.name(parser.errorCode())).append('\n');
                    return out.toString();
                }
                if (event == HttpRequestParser.HEADERS_COMPLETE)
                {
                    assertTrue(consumed > 0, "a head takes bytes");
                    describe(parser.request(), out);
                }
                else if (event == HttpRequestParser.BODY_DATA)
                {
                    assertTrue(parser.bodyLength() > 0, "BODY_DATA carries bytes");
                    assertEquals(start + consumed, parser.bodyOffset() + parser.bodyLength(),
                        "the body slice ends where consumption ends");
                    final byte[] slice = new byte[parser.bodyLength()];
                    buffer.getBytes(parser.bodyOffset(), slice);
                    body.writeBytes(slice);
                }
                else if (event == HttpRequestParser.MESSAGE_COMPLETE)
                {
                    out.append("BODY ").append(escape(body.toByteArray())).append('\n');
                    out.append("COMPLETE close=").append(parser.shouldClose()).append('\n');
                    body.reset();
                }
                else
                {
                    fail("unknown event " + event);
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

    static void describe(final HttpRequest request, final StringBuilder out)
    {
        out.append("HEADERS ").append(text(request, request.methodOffset(), request.methodLength()))
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
            .append('\n');
        for (int i = 0; i < request.headerCount(); i++)
        {
            out.append("  ").append(text(request, request.headerNameOffset(i), request.headerNameLength(i)))
                .append('=').append(text(request, request.headerValueOffset(i), request.headerValueLength(i)))
                .append('\n');
        }
    }

    static String text(final HttpRequest request, final int offset, final int length)
    {
        return escape(bytesOf(request.buffer(), offset, length));
    }

    static byte[] bytesOf(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    static String escape(final byte[] bytes)
    {
        if (bytes.length > 256)
        {
            return "<" + bytes.length + " bytes, hash " + java.util.Arrays.hashCode(bytes) + ">";
        }
        final StringBuilder sb = new StringBuilder();
        for (final byte b : bytes)
        {
            final int c = b & 0xFF;
            if (c == '\t')
            {
                sb.append("\\t");
            }
            else if (c < 0x20 || c >= 0x7F || c == '\\')
            {
                sb.append(String.format("\\x%02x", c));
            }
            else
            {
                sb.append((char)c);
            }
        }
        return sb.toString();
    }
}
