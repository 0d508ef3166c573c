package io.vnicsigner.dataplane.fuzz;

/**
 * Reads a fuzz input front to back as a script of small fields; past the end every field reads as zero, so any
 * byte string is a valid script and seed files can be written in the same order as they are read.
 */
final class FuzzInput
{
    private final byte[] data;
    private int position;

    FuzzInput(final byte[] data)
    {
        this.data = data;
    }

    boolean hasMore()
    {
        return position < data.length;
    }

    int u8()
    {
        return position < data.length ? data[position++] & 0xFF : 0;
    }

    int u16()
    {
        return (u8() << 8) | u8();
    }

    int u32()
    {
        return (u16() << 16) | u16();
    }

    /**
     * Up to {@code length} bytes, fewer when the input runs out.
     */
    byte[] bytes(final int length)
    {
        final int n = Math.max(0, Math.min(length, data.length - position));
        final byte[] out = java.util.Arrays.copyOfRange(data, position, position + n);
        position += n;
        return out;
    }
}
