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
        final int n = Math.min(xLength, yLength);
        for (int i = 0; i < n; i++)
        {
            final int d = (x[xOffset + i] & 0xFF) - (y[yOffset + i] & 0xFF);
            if (d != 0)
            {
                return d;
            }
        }
        return xLength - yLength;
    }
}
