package io.vnicsigner.signer.sigv4;

/** Unsigned lexicographic comparison of byte ranges, the order SigV4 sorts names and values in. */
final class Bytes
{
    private Bytes()
    {
    }

    static int compare(
        final byte[] x, final int xOffset, final int xLength, final byte[] y, final int yOffset, final int yLength)
    {
        // Arrays.compareUnsigned is vectorised by the JIT, which matters for long shared prefixes (x-amz-...).
        return java.util.Arrays.compareUnsigned(x, xOffset, xOffset + xLength, y, yOffset, yOffset + yLength);
    }
}
