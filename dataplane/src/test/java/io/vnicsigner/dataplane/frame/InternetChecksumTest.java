package io.vnicsigner.dataplane.frame;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.vnicsigner.dataplane.frame.ReferenceChecksum.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

class InternetChecksumTest
{
    @Test
    void shouldSumRfc1071Example()
    {
        // RFC 1071 section 3: 0001 f203 f4f5 f6f7 sums to ddf2.
        final UnsafeBuffer buffer = new UnsafeBuffer(hex("0001f203f4f5f6f7"));

        final int sum = InternetChecksum.sum(buffer, 0, 8, 0);

        assertEquals(0xddf2, sum);
        assertEquals(0x220d, InternetChecksum.finish(sum));
    }

    @Test
    void shouldPadOddTrailingByteWithZero()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex("010203"));

        assertEquals(0x0402, InternetChecksum.sum(buffer, 0, 3, 0));
        assertEquals(~0x0402 & 0xFFFF, InternetChecksum.finish(InternetChecksum.sum(buffer, 0, 3, 0)));
    }

    @Test
    void shouldWrapCarriesAroundWhenEveryByteIsOnes()
    {
        final byte[] ones = new byte[1501];
        java.util.Arrays.fill(ones, (byte)0xFF);
        final UnsafeBuffer buffer = new UnsafeBuffer(ones);

        final int sum = InternetChecksum.sum(buffer, 0, 1501, 0);

        assertEquals(ReferenceChecksum.checksum(ones), InternetChecksum.finish(sum));
    }

    @Test
    void shouldMatchReferenceForEveryLengthAndAlignment()
    {
        final Random random = new Random(42);
        final byte[] bytes = new byte[300];
        random.nextBytes(bytes);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);

        for (int offset = 0; offset < 9; offset++)
        {
            for (int length = 0; length <= 280; length++)
            {
                final int expected = ReferenceChecksum.checksum(buffer, offset, length);
                assertEquals(expected, InternetChecksum.finish(InternetChecksum.sum(buffer, offset, length, 0)),
                    "offset " + offset + " length " + length);
            }
        }
    }

    @Test
    void shouldChainPartialSumsOverEvenSplits()
    {
        final Random random = new Random(7);
        final byte[] bytes = new byte[123];
        random.nextBytes(bytes);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);

        final int first = InternetChecksum.sum(buffer, 0, 34, 0);
        final int chained = InternetChecksum.sum(buffer, 34, 89, first);

        assertEquals(ReferenceChecksum.checksum(bytes), InternetChecksum.finish(chained));
    }

    @Test
    void shouldFinishToZeroOverDataContainingItsChecksum()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(hex("0001f203f4f5f6f7220d"));

        assertEquals(0, InternetChecksum.finish(InternetChecksum.sum(buffer, 0, 10, 0)));
    }

    @Test
    void shouldSumPseudoHeaderAsItsTwelveBytes()
    {
        final int src = Ipv4Address.parse("192.168.200.1");
        final int dst = Ipv4Address.parse("255.254.253.252");
        final UnsafeBuffer pseudo = new UnsafeBuffer(hex("c0a8c801 fffefdfc 0006 fff3"));

        final int expected = InternetChecksum.sum(pseudo, 0, 12, 0);

        assertEquals(expected, InternetChecksum.pseudoHeaderSum(src, dst, 6, 0xfff3));
        assertEquals(ReferenceChecksum.checksum(pseudo, 0, 12),
            InternetChecksum.finish(InternetChecksum.pseudoHeaderSum(src, dst, 6, 0xfff3)));
    }
}
