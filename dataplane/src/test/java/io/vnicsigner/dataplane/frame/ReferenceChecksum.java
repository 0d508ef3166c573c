package io.vnicsigner.dataplane.frame;

import org.agrona.DirectBuffer;

/**
 * A deliberately naive byte-by-byte Internet checksum, kept apart from the production code so tests
 * check one against the other.
 */
final class ReferenceChecksum
{
    private ReferenceChecksum()
    {
    }

    static int checksum(final byte[] data)
    {
        long sum = 0;
        for (int i = 0; i < data.length; i += 2)
        {
            final int high = data[i] & 0xFF;
            final int low = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            sum += (high << 8) | low;
        }
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    static int checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] data = new byte[length];
        buffer.getBytes(offset, data);
        return checksum(data);
    }

    /**
     * Checksum of a TCP or UDP segment as it stands, built by laying out the pseudo-header as bytes.
     */
    static int transportChecksum(
        final int srcIp,
        final int dstIp,
        final int protocol,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final byte[] data = new byte[12 + length];
        putInt(data, 0, srcIp);
        putInt(data, 4, dstIp);
        data[8] = 0;
        data[9] = (byte)protocol;
        data[10] = (byte)(length >> 8);
        data[11] = (byte)length;
        buffer.getBytes(offset, data, 12, length);
        return checksum(data);
    }

    /**
     * The checksum field a sender would have written: the checksum of the data with that field zeroed.
     */
    static int expectedTransportChecksum(
        final int srcIp,
        final int dstIp,
        final int protocol,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int checksumFieldOffset)
    {
        final byte[] data = new byte[12 + length];
        putInt(data, 0, srcIp);
        putInt(data, 4, dstIp);
        data[9] = (byte)protocol;
        data[10] = (byte)(length >> 8);
        data[11] = (byte)length;
        buffer.getBytes(offset, data, 12, length);
        data[12 + checksumFieldOffset] = 0;
        data[12 + checksumFieldOffset + 1] = 0;
        return checksum(data);
    }

    static byte[] hex(final String text)
    {
        final String digits = text.replaceAll("\\s", "");
        final byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static void putInt(final byte[] data, final int at, final int value)
    {
        data[at] = (byte)(value >>> 24);
        data[at + 1] = (byte)(value >>> 16);
        data[at + 2] = (byte)(value >>> 8);
        data[at + 3] = (byte)value;
    }
}
