package io.vnicsigner.dataplane.upstream;

import org.agrona.DirectBuffer;

/**
 * Removes chunked framing (RFC 9112 section 7.1) from a response body byte by byte, handing chunk data
 * out as slices of the caller's buffer; extensions and trailers are bounded, checked for bare CR or LF,
 * and discarded.
 */
final class ResponseChunkDecoder
{
    static final int NEED_MORE = -1;
    static final int DATA = -2;
    static final int DONE = -3;
    static final int INVALID = -4;

    private static final int MAX_SIZE_DIGITS = 16;

    private static final int SIZE = 0;
    private static final int EXTENSION = 1;
    private static final int SIZE_LF = 2;
    private static final int CHUNK_DATA = 3;
    private static final int DATA_CR = 4;
    private static final int DATA_LF = 5;
    private static final int TRAILER_START = 6;
    private static final int TRAILER_LINE = 7;
    private static final int TRAILER_LF = 8;
    private static final int END_LF = 9;

    private final int maxChunkLineLength;
    private final int maxTrailerLength;
    private int state;
    private long chunkSize;
    private int sizeDigits;
    private long remaining;
    private int lineBytes;
    private int trailerBytes;
    private int consumed;
    private int dataOffset;
    private int dataLength;

    ResponseChunkDecoder(final int maxChunkLineLength, final int maxTrailerLength)
    {
        this.maxChunkLineLength = maxChunkLineLength;
        this.maxTrailerLength = maxTrailerLength;
    }

    void start()
    {
        state = SIZE;
        chunkSize = 0;
        sizeDigits = 0;
        remaining = 0;
        lineBytes = 0;
        trailerBytes = 0;
    }

    int consumed()
    {
        return consumed;
    }

    int dataOffset()
    {
        return dataOffset;
    }

    int dataLength()
    {
        return dataLength;
    }

    /**
     * Decodes framing until data, the end of the body, an error or the end of the input.
     */
    int decode(final DirectBuffer src, final int offset, final int length)
    {
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            if (state == CHUNK_DATA)
            {
                final int n = (int)Math.min(remaining, end - i);
                remaining -= n;
                if (remaining == 0)
                {
                    state = DATA_CR;
                }
                dataOffset = i;
                dataLength = n;
                consumed = i + n - offset;
                return DATA;
            }
            final int result = onByte(src.getByte(i));
            i++;
            if (result != NEED_MORE)
            {
                consumed = i - offset;
                return result;
            }
        }
        consumed = length;
        return NEED_MORE;
    }

    private int onByte(final byte b)
    {
        switch (state)
        {
            case SIZE:
                return onSizeByte(b);
            case EXTENSION:
                if (++lineBytes > maxChunkLineLength || b == '\n')
                {
                    return INVALID;
                }
                if (b == '\r')
                {
                    state = SIZE_LF;
                }
                return NEED_MORE;
            case SIZE_LF:
                if (b != '\n')
                {
                    return INVALID;
                }
                if (chunkSize == 0)
                {
                    state = TRAILER_START;
                }
                else
                {
                    remaining = chunkSize;
                    state = CHUNK_DATA;
                }
                return NEED_MORE;
            case DATA_CR:
                state = DATA_LF;
                return b == '\r' ? NEED_MORE : INVALID;
            case DATA_LF:
                if (b != '\n')
                {
                    return INVALID;
                }
                state = SIZE;
                chunkSize = 0;
                sizeDigits = 0;
                lineBytes = 0;
                return NEED_MORE;
            case TRAILER_START:
                if (b == '\r')
                {
                    state = END_LF;
                    return NEED_MORE;
                }
                state = TRAILER_LINE;
                return onTrailerByte(b);
            case TRAILER_LINE:
                return onTrailerByte(b);
            case TRAILER_LF:
                if (b != '\n')
                {
                    return INVALID;
                }
                state = TRAILER_START;
                return NEED_MORE;
            case END_LF:
                return b == '\n' ? DONE : INVALID;
            default:
                return INVALID;
        }
    }

    private int onSizeByte(final byte b)
    {
        if (++lineBytes > maxChunkLineLength)
        {
            return INVALID;
        }
        final int digit = hexValue(b);
        if (digit >= 0)
        {
            if (++sizeDigits > MAX_SIZE_DIGITS || chunkSize > (Long.MAX_VALUE >> 4))
            {
                return INVALID;
            }
            chunkSize = (chunkSize << 4) | digit;
            return NEED_MORE;
        }
        if (sizeDigits == 0)
        {
            return INVALID;
        }
        if (b == '\r')
        {
            state = SIZE_LF;
            return NEED_MORE;
        }
        if (b == ';' || b == ' ' || b == '\t')
        {
            state = EXTENSION;
            return NEED_MORE;
        }
        return INVALID;
    }

    private int onTrailerByte(final byte b)
    {
        if (++trailerBytes > maxTrailerLength || b == '\n')
        {
            return INVALID;
        }
        if (b == '\r')
        {
            state = TRAILER_LF;
        }
        return NEED_MORE;
    }

    static int hexValue(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F')
        {
            return b - 'A' + 10;
        }
        return -1;
    }
}
