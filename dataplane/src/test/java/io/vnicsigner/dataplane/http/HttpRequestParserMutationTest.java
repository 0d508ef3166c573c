package io.vnicsigner.dataplane.http;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.http.ParserHarness.byteByByte;
import static io.vnicsigner.dataplane.http.ParserHarness.bytes;
import static io.vnicsigner.dataplane.http.ParserHarness.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded random mutations of valid requests, a cheap stand-in for fuzzing in every build: whatever the
 * bytes, the parser must not throw, must keep the driver contract the harness asserts, and must report
 * the same thing however the input is fragmented.
 */
final class HttpRequestParserMutationTest
{
    private static final HttpLimits LIMITS = new HttpLimits().maxBodyLength(64).maxHeaderCount(8)
        .maxRequestLineLength(96).maxHeaderBlockLength(160).maxChunkLineLength(24).maxTrailerBlockLength(32);
    private static final byte[] INTERESTING = bytes("\r\n \t:;,0fF\u0000\u007f\u00ff/?%#@");
    private static final String[] SEEDS =
    {
        "GET /bucket/key?x=y HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
        "PUT http://h:80/k HTTP/1.1\r\nHost: h:80\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        "POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nT: v\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\nHEAD /h HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
    };

    @Test
    void shouldReportTheSameWhateverTheFragmentationOfMutatedRequests()
    {
        final Random random = new Random(0x5EED);
        int rejected = 0;
        int accepted = 0;
        for (int round = 0; round < 6_000; round++)
        {
            final byte[] input = mutate(bytes(SEEDS[round % SEEDS.length]), random);
            final String whole = transcript(LIMITS, input);
            rejected += whole.contains("ERROR") ? 1 : 0;
            accepted += whole.endsWith("COMPLETE close=false\n") || whole.endsWith("COMPLETE close=true\n") ? 1 : 0;
            final int split = input.length > 1 ? 1 + random.nextInt(input.length - 1) : 0;
            assertEquals(whole, transcript(LIMITS, input, split), () -> "split " + split + " of " + show(input));
            assertEquals(whole, byteByByte(LIMITS, input), () -> "byte by byte " + show(input));
        }
        assertTrue(rejected > 1_000 && accepted > 100, "rejected " + rejected + ", accepted " + accepted);
    }

    private static byte[] mutate(final byte[] seed, final Random random)
    {
        byte[] bytes = seed;
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && bytes.length > 0; m++)
        {
            final int at = random.nextInt(bytes.length);
            switch (random.nextInt(4))
            {
                case 0 -> bytes[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                case 1 -> bytes[at] = (byte)random.nextInt(256);
                case 2 ->
                {
                    final byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                default -> bytes = Arrays.copyOf(bytes, bytes.length - 1 - random.nextInt(Math.min(4, bytes.length)));
            }
        }
        return bytes;
    }

    private static String show(final byte[] input)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte b : input)
        {
            final int c = b & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char)c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }
}
