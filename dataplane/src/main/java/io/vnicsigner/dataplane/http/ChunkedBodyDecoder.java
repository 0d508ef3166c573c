package io.vnicsigner.dataplane.http;

import org.agrona.DirectBuffer;

import static io.vnicsigner.dataplane.http.HttpGrammar.CR;
import static io.vnicsigner.dataplane.http.HttpGrammar.LF;
import static io.vnicsigner.dataplane.http.HttpGrammar.isWhitespace;

/**
 * Removes chunked framing (RFC 9112 section 7.1) byte by byte: chunk data is handed out as slices of
 * the caller's buffer, extensions are checked for control characters and skipped, trailers are checked
 * like header lines and discarded.
 */
final class ChunkedBodyDecoder
{
    static final int NEED_MORE = -1;
    static final int DATA = -2;
    static final int DONE = -3;

    private static final int CONTINUE = 0;
    private static final int MAX_SIZE_DIGITS = 16;

    private static final int SIZE = 0;
    private static final int SIZE_WHITESPACE = 1;
    private static final int EXTENSION = 2;
    private static final int SIZE_LF = 3;
    private static final int CHUNK_DATA = 4;
    private static final int DATA_CR = 5;
    private static final int DATA_LF = 6;
    private static final int TRAILER_START = 7;
    private static final int TRAILER_NAME = 8;
    private static final int TRAILER_VALUE = 9;
    private static final int TRAILER_LF = 10;
    private static final int END_LF = 11;

    private final int maxChunkLineLength;
    private final int maxTrailerBlockLength;
    private int state;
    private long maxBodyLength;
    private long bodyLength;
    private long chunkSize;
    private int sizeDigits;
    private long remaining;
    private int lineBytes;
    private int trailerBytes;
    private int consumed;
    private int dataOffset;
    private int dataLength;

    ChunkedBodyDecoder(final HttpLimits limits)
    {
        maxChunkLineLength = limits.maxChunkLineLength();
        maxTrailerBlockLength = limits.maxTrailerBlockLength();
    }

    void start(final long maxBodyLength)
    {
        this.maxBodyLength = maxBodyLength;
        state = SIZE;
        bodyLength = 0;
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
     * Decodes until chunk data, the end of the body, an error or the end of input, returning
     * {@link #DATA}, {@link #DONE}, an {@link HttpParseError} code or {@link #NEED_MORE}.
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
                dataOffset = i;
                dataLength = n;
                remaining -= n;
                if (remaining == 0)
                {
                    state = DATA_CR;
                }
                consumed = i + n - offset;
                return DATA;
            }
            final int result = onByte(src.getByte(i++));
            if (result != CONTINUE)
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
        if (state <= SIZE_LF && ++lineBytes > maxChunkLineLength)
        {
            return HttpParseError.CHUNK_LINE_TOO_LONG;
        }
        if (state >= TRAILER_START && ++trailerBytes > maxTrailerBlockLength)
        {
            return HttpParseError.TRAILERS_TOO_LARGE;
        }
        if (b == LF && state != SIZE_LF && state != DATA_LF && state != TRAILER_LF && state != END_LF)
        {
            return HttpParseError.BARE_LF;
        }

        switch (state)
        {
            case SIZE:
                return onSizeByte(b);

            case SIZE_WHITESPACE:
                if (b == ';')
                {
                    state = EXTENSION;
                    return CONTINUE;
                }
                return isWhitespace(b) ? CONTINUE : HttpParseError.INVALID_CHUNK_EXTENSION;

            case EXTENSION:
                if (b == CR)
                {
                    state = SIZE_LF;
                    return CONTINUE;
                }
                return HttpGrammar.isChunkExtensionChar(b) ? CONTINUE : HttpParseError.INVALID_CHUNK_EXTENSION;

            case SIZE_LF:
                return b == LF ? onSizeLine() : HttpParseError.BARE_CR;

            case DATA_CR:
                state = DATA_LF;
                return b == CR ? CONTINUE : HttpParseError.MISSING_CHUNK_CRLF;

            case DATA_LF:
                if (b != LF)
                {
                    return HttpParseError.BARE_CR;
                }
                state = SIZE;
                chunkSize = 0;
                sizeDigits = 0;
                lineBytes = 0;
                return CONTINUE;

            case TRAILER_START:
                return onTrailerStart(b);

            case TRAILER_NAME:
                if (b == ':')
                {
                    state = TRAILER_VALUE;
                    return CONTINUE;
                }
                if (HttpGrammar.isTchar(b))
                {
                    return CONTINUE;
                }
                return isWhitespace(b) ? HttpParseError.WHITESPACE_BEFORE_COLON : HttpParseError.INVALID_TRAILER;

            case TRAILER_VALUE:
                if (b == CR)
                {
                    state = TRAILER_LF;
                    return CONTINUE;
                }
                return HttpGrammar.isFieldValueChar(b) ? CONTINUE : HttpParseError.INVALID_TRAILER;

            case TRAILER_LF:
                state = TRAILER_START;
                return b == LF ? CONTINUE : HttpParseError.BARE_CR;

            case END_LF:
                return b == LF ? DONE : HttpParseError.BARE_CR;

            default:
                throw new IllegalStateException("state " + state);
        }
    }

    private int onSizeByte(final byte b)
    {
        final int digit = HttpGrammar.hexValue(b);
        if (digit >= 0)
        {
            if (++sizeDigits > MAX_SIZE_DIGITS || chunkSize > (Long.MAX_VALUE >> 4))
            {
                return HttpParseError.CHUNK_SIZE_OVERFLOW;
            }
            chunkSize = (chunkSize << 4) | digit;
            return CONTINUE;
        }
        if (sizeDigits == 0)
        {
            return HttpParseError.INVALID_CHUNK_SIZE;
        }
        if (chunkSize > maxBodyLength - bodyLength)
        {
            return HttpParseError.BODY_TOO_LARGE;
        }
        if (b == CR)
        {
            state = SIZE_LF;
        }
        else if (b == ';')
        {
            state = EXTENSION;
        }
        else if (isWhitespace(b))
        {
            state = SIZE_WHITESPACE;
        }
        else
        {
            return HttpParseError.INVALID_CHUNK_SIZE;
        }
        return CONTINUE;
    }

    private int onSizeLine()
    {
        if (chunkSize == 0)
        {
            state = TRAILER_START;
            return CONTINUE;
        }
        bodyLength += chunkSize;
        remaining = chunkSize;
        state = CHUNK_DATA;
        return CONTINUE;
    }

    private int onTrailerStart(final byte b)
    {
        if (b == CR)
        {
            state = END_LF;
            return CONTINUE;
        }
        if (isWhitespace(b))
        {
            return HttpParseError.OBS_FOLD;
        }
        if (HttpGrammar.isTchar(b))
        {
            state = TRAILER_NAME;
            return CONTINUE;
        }
        return HttpParseError.INVALID_TRAILER;
    }
}
