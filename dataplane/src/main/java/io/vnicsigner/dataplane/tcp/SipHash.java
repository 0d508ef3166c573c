package io.vnicsigner.dataplane.tcp;

/**
 * SipHash-2-4 over a message of 8 to 16 bytes held in two little-endian words, without allocation.
 */
final class SipHash
{
    private SipHash()
    {
    }

    /**
     * @param k0     first key word.
     * @param k1     second key word.
     * @param m0     message bytes 0..7, little-endian.
     * @param m1     message bytes 8..15, little-endian; bytes at or beyond {@code length} are ignored.
     * @param length message length in bytes, 8 to 16.
     * @return the 64-bit hash.
     */
    static long hash(final long k0, final long k1, final long m0, final long m1, final int length)
    {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;

        long m = m0;
        for (int word = 0; word < 3; word++)
        {
            if (word == 1)
            {
                if (length == 16)
                {
                    m = m1;
                }
                else
                {
                    final int tail = length - 8;
                    m = (tail == 0 ? 0 : m1 & (-1L >>> (64 - 8 * tail))) | ((long)length << 56);
                }
            }
            else if (word == 2)
            {
                if (length != 16)
                {
                    break;
                }
                m = (long)length << 56;
            }

            v3 ^= m;
            for (int i = 0; i < 2; i++)
            {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13);
                v1 ^= v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16);
                v3 ^= v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21);
                v3 ^= v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17);
                v1 ^= v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }

        v2 ^= 0xff;
        for (int i = 0; i < 4; i++)
        {
            v0 += v1;
            v1 = Long.rotateLeft(v1, 13);
            v1 ^= v0;
            v0 = Long.rotateLeft(v0, 32);
            v2 += v3;
            v3 = Long.rotateLeft(v3, 16);
            v3 ^= v2;
            v0 += v3;
            v3 = Long.rotateLeft(v3, 21);
            v3 ^= v0;
            v2 += v1;
            v1 = Long.rotateLeft(v1, 17);
            v1 ^= v2;
            v2 = Long.rotateLeft(v2, 32);
        }

        return v0 ^ v1 ^ v2 ^ v3;
    }
}
