package io.vnicsigner.dataplane.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.vnicsigner.dataplane.http.ParserHarness.byteByByte;
import static io.vnicsigner.dataplane.http.ParserHarness.bytes;
import static io.vnicsigner.dataplane.http.ParserHarness.transcript;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smuggling and malformed-request corpus ({@code http/malformed.txt}) plus generated limit cases:
 * each must end in the expected status and reason, identically at every split point and byte by byte.
 */
final class HttpRequestParserRejectionTest
{
    private static final HttpLimits LIMITS = new HttpLimits();
    private static final HttpLimits SMALL_BODY = new HttpLimits().maxBodyLength(16);

    static Stream<Arguments> corpus() throws IOException
    {
        final List<Arguments> cases = new ArrayList<>();
        try (InputStream in = HttpRequestParserRejectionTest.class.getResourceAsStream("/http/malformed.txt"))
        {
            assertNotNull(in, "http/malformed.txt on the test class path");
            final String[] lines = new String(in.readAllBytes(), UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++)
            {
                final String line = lines[i];
                if (line.isBlank() || line.startsWith("#"))
                {
                    continue;
                }
                final int firstSpace = line.indexOf(' ');
                final int secondSpace = line.indexOf(' ', firstSpace + 1);
                cases.add(Arguments.of(
                    "line " + (i + 1) + ": " + line.substring(secondSpace + 1),
                    LIMITS,
                    unescape(line.substring(secondSpace + 1)),
                    Integer.parseInt(line.substring(0, firstSpace)),
                    line.substring(firstSpace + 1, secondSpace)));
            }
        }
        assertTrue(cases.size() > 100, "corpus loaded");

        final String target = "/" + "k".repeat(LIMITS.maxRequestLineLength() - 15);
        cases.add(Arguments.of("request line one byte over the limit", LIMITS,
            bytes("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n"), 414, "request_line_too_long"));
        cases.add(Arguments.of("request line without end", LIMITS,
            bytes("GET /" + "a".repeat(LIMITS.maxRequestLineLength())), 414, "request_line_too_long"));

        // The block counts "Host: h\r\n" (9), "X: " + value + "\r\n" and the final "\r\n".
        final String value = "v".repeat(LIMITS.maxHeaderBlockLength() - 9 - 5 - 2 + 1);
        cases.add(Arguments.of("header block one byte over the limit", LIMITS,
            bytes("GET / HTTP/1.1\r\nHost: h\r\nX: " + value + "\r\n\r\n"), 431, "headers_too_large"));
        cases.add(Arguments.of("header line without end", LIMITS,
            bytes("GET / HTTP/1.1\r\nX: " + "v".repeat(LIMITS.maxHeaderBlockLength())), 431, "headers_too_large"));

        final StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < LIMITS.maxHeaderCount(); i++)
        {
            many.append("X-").append(i).append(": v\r\n");
        }
        cases.add(Arguments.of("one header too many", LIMITS, bytes(many.append("\r\n").toString()), 431,
            "too_many_headers"));

        final String chunkedHead = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        cases.add(Arguments.of("chunk line over the limit", LIMITS,
            bytes(chunkedHead + "5;" + "e".repeat(LIMITS.maxChunkLineLength()) + "\r\nhello\r\n0\r\n\r\n"), 400,
            "chunk_line_too_long"));
        cases.add(Arguments.of("trailers over the limit", LIMITS,
            bytes(chunkedHead + "0\r\nX-T: " + "t".repeat(LIMITS.maxTrailerBlockLength()) + "\r\n\r\n"), 431,
            "trailers_too_large"));
        cases.add(Arguments.of("chunk sizes summing past the body limit", SMALL_BODY,
            bytes(chunkedHead + "a\r\n0123456789\r\n6\r\n012345\r\n1\r\nX\r\n0\r\n\r\n"), 413, "body_too_large"));
        cases.add(Arguments.of("content-length past the body limit", SMALL_BODY,
            bytes("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n01234567890123456"), 413,
            "body_too_large"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void shouldRejectWithExpectedStatus(
        final String name, final HttpLimits limits, final byte[] request, final int status, final String reason)
    {
        final String whole = transcript(limits, request);
        assertTrue(whole.endsWith("ERROR " + status + " " + reason + "\n"), whole);
        assertEquals(status, HttpParseError.status(reasonCode(reason)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void shouldRejectIdenticallyAtEverySplitPoint(
        final String name, final HttpLimits limits, final byte[] request, final int status, final String reason)
    {
        final String whole = transcript(limits, request);
        final int step = request.length > 4096 ? 61 : 1;
        for (int split = 1; split < request.length; split += step)
        {
            assertEquals(whole, transcript(limits, request, split), "split at " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void shouldRejectIdenticallyByteByByte(
        final String name, final HttpLimits limits, final byte[] request, final int status, final String reason)
    {
        assertEquals(transcript(limits, request), byteByByte(limits, request));
    }

    private static int reasonCode(final String reason)
    {
        for (int code = 0; code < HttpParseError.count(); code++)
        {
            if (HttpParseError.name(code).equals(reason))
            {
                return code;
            }
        }
        throw new IllegalArgumentException("unknown reason " + reason);
    }

    static byte[] unescape(final String text)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c != '\\')
            {
                out.write(c);
                continue;
            }
            final char e = text.charAt(++i);
            switch (e)
            {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' ->
                {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + e + " in " + text);
            }
        }
        return out.toByteArray();
    }
}
