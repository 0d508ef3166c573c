package io.vnicsigner.dataplane.http;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.vnicsigner.dataplane.http.ParserHarness.byteByByte;
import static io.vnicsigner.dataplane.http.ParserHarness.bytes;
import static io.vnicsigner.dataplane.http.ParserHarness.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Valid requests, each parsed whole and compared with its expected transcript, then fed split at
 * every point and byte by byte, which must report exactly the same.
 */
final class HttpRequestParserCorpusTest
{
    private static final HttpLimits LIMITS = new HttpLimits();
    private static final String NO_BODY = "BODY \nCOMPLETE close=false\n";

    static Stream<Arguments> corpus()
    {
        final List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("get origin-form",
            "GET /bucket/key?x=y HTTP/1.1\r\nHost: s3.us-east-1.amazonaws.com\r\nAccept: */*\r\n\r\n",
            "HEADERS GET target=/bucket/key?x=y path=/bucket/key query=x=y v=11 cl=-1 chunked=false" +
            " keepAlive=true continue=false head=false\n" +
            "  Host=s3.us-east-1.amazonaws.com\n" +
            "  Accept=*/*\n" +
            NO_BODY));
        cases.add(Arguments.of("get absolute-form",
            "GET http://s3.amazonaws.com:8080/bucket/a%20b?list-type=2&prefix=x/y HTTP/1.1\r\n" +
            "Host: s3.amazonaws.com:8080\r\nUser-Agent: curl/8.5.0\r\n\r\n",
            "HEADERS GET target=http://s3.amazonaws.com:8080/bucket/a%20b?list-type=2&prefix=x/y" +
            " scheme=http authority=s3.amazonaws.com:8080 path=/bucket/a%20b query=list-type=2&prefix=x/y" +
            " v=11 cl=-1 chunked=false keepAlive=true continue=false head=false\n" +
            "  Host=s3.amazonaws.com:8080\n" +
            "  User-Agent=curl/8.5.0\n" +
            NO_BODY));
        cases.add(Arguments.of("absolute-form without path, empty query, IPv6 authority",
            "GET HTTP://[fe80::1]:80? HTTP/1.1\r\nHost: [fe80::1]:80\r\n\r\n",
            "HEADERS GET target=HTTP://[fe80::1]:80? scheme=HTTP authority=[fe80::1]:80 path= query=" +
            " v=11 cl=-1 chunked=false keepAlive=true continue=false head=false\n" +
            "  Host=[fe80::1]:80\n" +
            NO_BODY));
        cases.add(Arguments.of("put with content-length",
            "PUT /bucket/obj HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\n" +
            "hello world",
            "HEADERS PUT target=/bucket/obj path=/bucket/obj v=11 cl=11 chunked=false keepAlive=true" +
            " continue=false head=false\n" +
            "  Host=h\n" +
            "  Content-Length=11\n" +
            "  Content-Type=text/plain\n" +
            "BODY hello world\nCOMPLETE close=false\n"));
        cases.add(Arguments.of("chunked with extensions and trailers",
            "POST /upload HTTP/1.1\r\nHost: h\r\ntransfer-encoding: Chunked\r\n\r\n" +
            "5;name=value\r\nhello\r\n" +
            "6 ; a=\"q;x\" ;b\r\n world\r\n" +
            "A\r\n0123456789\r\n" +
            "0;last\r\n" +
            "X-Checksum: abc\r\n" +
            "X-Other:  v \r\n" +
            "\r\n",
            "HEADERS POST target=/upload path=/upload v=11 cl=-1 chunked=true keepAlive=true" +
            " continue=false head=false\n" +
            "  Host=h\n" +
            "  transfer-encoding=Chunked\n" +
            "BODY hello world0123456789\nCOMPLETE close=false\n"));
        cases.add(Arguments.of("chunked with upper-case hex and leading zeros, no trailers",
            "POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\tchunked\r\n\r\n" +
            "00000000000000B\r\nabcdefghijk\r\n000\r\n\r\n",
            "HEADERS POST target=/u path=/u v=11 cl=-1 chunked=true keepAlive=true continue=false head=false\n" +
            "  Host=h\n" +
            "  Transfer-Encoding=chunked\n" +
            "BODY abcdefghijk\nCOMPLETE close=false\n"));
        cases.add(Arguments.of("head",
            "HEAD /bucket/key HTTP/1.1\r\nHost: h\r\n\r\n",
            "HEADERS HEAD target=/bucket/key path=/bucket/key v=11 cl=-1 chunked=false keepAlive=true" +
            " continue=false head=true\n" +
            "  Host=h\n" +
            NO_BODY));
        cases.add(Arguments.of("expect 100-continue",
            "PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\nabc",
            "HEADERS PUT target=/k path=/k v=11 cl=3 chunked=false keepAlive=true continue=true head=false\n" +
            "  Host=h\n" +
            "  Content-Length=3\n" +
            "  Expect=100-Continue\n" +
            "BODY abc\nCOMPLETE close=false\n"));
        cases.add(Arguments.of("three pipelined requests",
            "GET /one HTTP/1.1\r\nHost: h\r\n\r\n" +
            "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nABCD" +
            "PUT /three HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
            "2\r\nxy\r\n0\r\n\r\n",
            "HEADERS GET target=/one path=/one v=11 cl=-1 chunked=false keepAlive=true continue=false" +
            " head=false\n" +
            "  Host=h\n" +
            NO_BODY +
            "HEADERS POST target=/two path=/two v=11 cl=4 chunked=false keepAlive=true continue=false" +
            " head=false\n" +
            "  Host=h\n" +
            "  Content-Length=4\n" +
            "BODY ABCD\nCOMPLETE close=false\n" +
            "HEADERS PUT target=/three path=/three v=11 cl=-1 chunked=true keepAlive=false continue=false" +
            " head=false\n" +
            "  Host=h\n" +
            "  Transfer-Encoding=chunked\n" +
            "  Connection=close\n" +
            "BODY xy\nCOMPLETE close=true\n"));
        cases.add(Arguments.of("http/1.0 without host closes",
            "GET /vnic/v1/ping HTTP/1.0\r\n\r\n",
            "HEADERS GET target=/vnic/v1/ping path=/vnic/v1/ping v=10 cl=-1 chunked=false keepAlive=false" +
            " continue=false head=false\n" +
            "BODY \nCOMPLETE close=true\n"));
        cases.add(Arguments.of("http/1.0 keep-alive ignores expect",
            "POST /e HTTP/1.0\r\nConnection: Keep-Alive\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nZ",
            "HEADERS POST target=/e path=/e v=10 cl=1 chunked=false keepAlive=true continue=false head=false\n" +
            "  Connection=Keep-Alive\n" +
            "  Expect=100-continue\n" +
            "  Content-Length=1\n" +
            "BODY Z\nCOMPLETE close=false\n"));
        cases.add(Arguments.of("connection close among options",
            "DELETE /k HTTP/1.1\r\nHost: h\r\nConnection: keep-alive,  Close ,TE\r\nContent-Length: 0\r\n\r\n",
            "HEADERS DELETE target=/k path=/k v=11 cl=0 chunked=false keepAlive=false continue=false" +
            " head=false\n" +
            "  Host=h\n" +
            "  Connection=keep-alive,  Close ,TE\n" +
            "  Content-Length=0\n" +
            "BODY \nCOMPLETE close=true\n"));
        cases.add(Arguments.of("values with inner spaces, tabs, empty and obs-text",
            "GET / HTTP/1.1\r\nHost: h\r\nX-A: a b\tc\r\nX-B:\t \tpadded value \t\r\nX-Empty:\r\n" +
            "X-Obs: caf\u00e9\r\nx-forwarded-for:1.2.3.4\r\n\r\n",
            "HEADERS GET target=/ path=/ v=11 cl=-1 chunked=false keepAlive=true continue=false head=false\n" +
            "  Host=h\n" +
            "  X-A=a b\\tc\n" +
            "  X-B=padded value\n" +
            "  X-Empty=\n" +
            "  X-Obs=caf\\xe9\n" +
            "  x-forwarded-for=1.2.3.4\n" +
            NO_BODY));
        cases.add(Arguments.of("empty lines before the request line",
            "\r\n\r\nOPTIONS /x HTTP/1.1\r\nHost: h\r\n\r\n",
            "HEADERS OPTIONS target=/x path=/x v=11 cl=-1 chunked=false keepAlive=true continue=false" +
            " head=false\n" +
            "  Host=h\n" +
            NO_BODY));
        cases.add(Arguments.of("unknown method token and sub-delims in path",
            "PROPFIND /a/b;c=d,e!$&'()*+@:~ HTTP/1.1\r\nHost: h\r\n\r\n",
            "HEADERS PROPFIND target=/a/b;c=d,e!$&'()*+@:~ path=/a/b;c=d,e!$&'()*+@:~ v=11 cl=-1" +
            " chunked=false keepAlive=true continue=false head=false\n" +
            "  Host=h\n" +
            NO_BODY));
        cases.add(Arguments.of("incomplete head stays partial",
            "GET / HTTP/1.1\r\nHost: h\r\n",
            "PARTIAL\n"));
        cases.add(Arguments.of("incomplete body stays partial",
            "PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhello",
            "HEADERS PUT target=/k path=/k v=11 cl=10 chunked=false keepAlive=true continue=false head=false\n" +
            "  Host=h\n" +
            "  Content-Length=10\n" +
            "PARTIAL\n"));
        cases.add(manyHeaders());
        cases.add(longTarget());
        return cases.stream();
    }

    private static Arguments manyHeaders()
    {
        final StringBuilder request = new StringBuilder("GET /many HTTP/1.1\r\nHost: h\r\n");
        final StringBuilder expected = new StringBuilder(
            "HEADERS GET target=/many path=/many v=11 cl=-1 chunked=false keepAlive=true continue=false" +
            " head=false\n  Host=h\n");
        for (int i = 1; i < LIMITS.maxHeaderCount(); i++)
        {
            request.append("X-Header-").append(i).append(": value number ").append(i).append("\r\n");
            expected.append("  X-Header-").append(i).append("=value number ").append(i).append('\n');
        }
        request.append("\r\n");
        expected.append(NO_BODY);
        return Arguments.of("as many headers as allowed", request.toString(), expected.toString());
    }

    private static Arguments longTarget()
    {
        // "GET " + target + " HTTP/1.1\r\n" fills the request-line limit exactly.
        final String target = "/" + "k".repeat(LIMITS.maxRequestLineLength() - 15 - 1);
        final String shown = ParserHarness.escape(bytes(target));
        return Arguments.of("request line exactly at the limit",
            "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n",
            "HEADERS GET target=" + shown + " path=" + shown + " v=11 cl=-1 chunked=false keepAlive=true" +
            " continue=false head=false\n" +
            "  Host=h\n" +
            NO_BODY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void shouldParseWholeRequestAsExpected(final String name, final String request, final String expected)
    {
        assertEquals(expected, transcript(LIMITS, bytes(request)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void shouldParseIdenticallyAtEverySplitPoint(final String name, final String request, final String expected)
    {
        final byte[] input = bytes(request);
        for (int split = 1; split < input.length; split++)
        {
            assertEquals(expected, transcript(LIMITS, input, split), "split at " + split);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void shouldParseIdenticallyByteByByte(final String name, final String request, final String expected)
    {
        assertEquals(expected, byteByByte(LIMITS, bytes(request)));
    }
}
