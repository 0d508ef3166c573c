package io.vnicsigner.bench.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.vnicsigner.dataplane.http.HttpLimits;
import io.vnicsigner.dataplane.http.HttpRequestParser;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request parser on the head of a typical S3 PutObject as a guest sends it (request line, Host, nine other
 * fields), in one segment, against a floor: a single pass over the same bytes looking for the empty line, the least
 * any parser must do. Run with {@code -prof gc}: parsing must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpParserBenchmark
{
    static final String S3_PUT =
        "PUT /demo-bucket/photos/2026/11/25/IMG_4711.jpg?x-id=PutObject HTTP/1.1\r\n" +
        "Host: s3.us-east-1.amazonaws.com\r\n" +
        "User-Agent: aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/s3.cp\r\n" +
        "Accept-Encoding: identity\r\n" +
        "Content-Type: image/jpeg\r\n" +
        "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==\r\n" +
        "x-amz-storage-class: STANDARD\r\n" +
        "x-amz-meta-camera: pixel-8\r\n" +
        "Expect: 100-continue\r\n" +
        "Content-Length: 2483027\r\n" +
        "Connection: keep-alive\r\n" +
        "\r\n";

    private final byte[] bytes = S3_PUT.getBytes(StandardCharsets.US_ASCII);
    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
    private final HttpRequestParser parser = new HttpRequestParser(new HttpLimits(), (request, max) -> Long.MAX_VALUE);
    private final int length = bytes.length;

    {
        buffer.putBytes(0, bytes);
    }

    @Benchmark
    public int parseHead()
    {
        parser.reset();
        final int event = parser.onBytes(buffer, 0, length, 0);
        if (event != HttpRequestParser.HEADERS_COMPLETE)
        {
            throw new IllegalStateException("the S3 head did not parse: " + event);
        }
        return parser.request().headerCount();
    }

    /** The floor: find the end of the head, one byte at a time, as any parser must at least. */
    @Benchmark
    public int scanForEmptyLine()
    {
        int run = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(i);
            run = b == '\r' || b == '\n' ? run + 1 : 0;
            if (run == 4)
            {
                return i;
            }
        }
        return -1;
    }
}
