package io.vnicsigner.dataplane.upstream;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A resumable HTTP/1.1 response parser for one upstream connection, driven like the request parser:
 * each {@link #onBytes} call takes {@link #consumed()} bytes and reports one event, and the driver
 * calls again until {@link #NEED_MORE} or {@link #ERROR}.
 * <p>
 * Framing follows RFC 9112 section 6.3: no body for a HEAD request, 204 or 304; {@code chunked}
 * (de-chunked here, trailers discarded); {@code Content-Length}; otherwise the body runs until the
 * server closes, which the driver reports with {@link #onEndOfStream()}. Interim 1xx responses are
 * skipped, except 101, which is an error. The head is bounded by {@code maxHeadLength} bytes and
 * {@code maxHeaderCount} fields; anything malformed is {@link #ERROR} with a reason code, never repaired.
 * Nothing here allocates after construction, logs or throws on bad input.
 */
public final class HttpResponseParser
{
    public static final int NEED_MORE = 0;
    public static final int HEADERS_COMPLETE = 1;
    public static final int BODY_DATA = 2;
    public static final int MESSAGE_COMPLETE = 3;
    public static final int ERROR = 4;

    public static final int NONE = 0;
    public static final int INVALID_STATUS_LINE = 1;
    public static final int UNSUPPORTED_VERSION = 2;
    public static final int INVALID_HEADER = 3;
    public static final int HEAD_TOO_LARGE = 4;
    public static final int TOO_MANY_HEADERS = 5;
    public static final int INVALID_CONTENT_LENGTH = 6;
    public static final int INVALID_TRANSFER_ENCODING = 7;
    public static final int INVALID_CHUNK = 8;
    public static final int INVALID_LINE_ENDING = 9;
    public static final int UNEXPECTED_END = 10;
    public static final int UNSUPPORTED_STATUS = 11;

    public static final long NO_CONTENT_LENGTH = -1;

    private static final int STATE_HEAD = 0;
    private static final int STATE_NO_BODY = 1;
    private static final int STATE_LENGTH_BODY = 2;
    private static final int STATE_CHUNKED_BODY = 3;
    private static final int STATE_CLOSE_BODY = 4;
    private static final int STATE_DONE = 5;
    private static final int STATE_ERROR = 6;

    private static final int FIELD_STRIDE = 4;
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final boolean[] TCHAR = new boolean[256];

    static
    {
        for (int c = '0'; c <= '9'; c++)
        {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (final char c : "!#$%&'*+-.^_`|~".toCharArray())
        {
            TCHAR[c] = true;
        }
    }

    private final byte[] head;
    private final UnsafeBuffer headBuffer;
    private final int[] fields;
    private final int maxHeaderCount;
    private final ResponseChunkDecoder chunked;

    private int state;
    private boolean headRequest;
    private boolean sawCr;
    private boolean inStatusLine;
    private int headLength;
    private int lineStart;
    private int headerCount;
    private int version;
    private int status;
    private int reasonOffset;
    private int reasonLength;
    private long contentLength;
    private boolean isChunked;
    private boolean closeOption;
    private boolean keepAliveOption;
    private long remaining;
    private int consumed;
    private int bodyOffset;
    private int bodyLength;
    private int errorCode;
    private int interimCount;
    private boolean headReported;

    /**
     * A parser whose head (status line and header lines without their CRLFs) may take
     * {@code maxHeadLength} bytes and {@code maxHeaderCount} fields; chunk lines are limited to 1 KiB
     * and trailers to 8 KiB.
     */
    public HttpResponseParser(final int maxHeadLength, final int maxHeaderCount)
    {
        head = new byte[maxHeadLength];
        headBuffer = new UnsafeBuffer(head);
        fields = new int[maxHeaderCount * FIELD_STRIDE];
        this.maxHeaderCount = maxHeaderCount;
        chunked = new ResponseChunkDecoder(1024, 8192);
        start(false);
    }

    /**
     * Starts a new response; {@code headRequest} says it answers a HEAD request and so has no body.
     */
    public void start(final boolean headRequest)
    {
        this.headRequest = headRequest;
        state = STATE_HEAD;
        errorCode = NONE;
        interimCount = 0;
        headReported = false;
        consumed = 0;
        bodyOffset = 0;
        bodyLength = 0;
        startHead();
    }

    /**
     * Parses response bytes and reports one event; see the class Javadoc.
     */
    public int onBytes(final DirectBuffer src, final int offset, final int length)
    {
        consumed = 0;
        bodyLength = 0;
        switch (state)
        {
            case STATE_HEAD:
                return onHeadBytes(src, offset, length);
            case STATE_NO_BODY:
                state = STATE_DONE;
                return MESSAGE_COMPLETE;
            case STATE_LENGTH_BODY:
                if (length == 0)
                {
                    return NEED_MORE;
                }
                final int n = (int)Math.min(remaining, length);
                remaining -= n;
                if (remaining == 0)
                {
                    state = STATE_NO_BODY;
                }
                return body(offset, n, n);
            case STATE_CHUNKED_BODY:
                return onChunkedBytes(src, offset, length);
            case STATE_CLOSE_BODY:
                return length == 0 ? NEED_MORE : body(offset, length, length);
            case STATE_DONE:
                return NEED_MORE;
            default:
                return ERROR;
        }
    }

    /**
     * Reports that the server closed: {@link #MESSAGE_COMPLETE} ends a close-delimited body, a response
     * already complete gives {@link #NEED_MORE}, anything else is {@link #ERROR} with {@link #UNEXPECTED_END}.
     */
    public int onEndOfStream()
    {
        if (state == STATE_CLOSE_BODY)
        {
            state = STATE_DONE;
            return MESSAGE_COMPLETE;
        }
        if (state == STATE_DONE)
        {
            return NEED_MORE;
        }
        return fail(UNEXPECTED_END);
    }

    public int consumed()
    {
        return consumed;
    }

    public int bodyOffset()
    {
        return bodyOffset;
    }

    public int bodyLength()
    {
        return bodyLength;
    }

    public int errorCode()
    {
        return errorCode;
    }

    /**
     * True once the final response's head has been reported, until {@link #start}.
     */
    public boolean hasHead()
    {
        return headReported;
    }

    public boolean isComplete()
    {
        return state == STATE_DONE;
    }

    /**
     * Interim (1xx) responses skipped before the final one.
     */
    public int interimCount()
    {
        return interimCount;
    }

    /**
     * The head bytes, without CRLFs, that the offsets below point into.
     */
    public DirectBuffer buffer()
    {
        return headBuffer;
    }

    public int status()
    {
        return status;
    }

    /**
     * 10 for HTTP/1.0, 11 for HTTP/1.1.
     */
    public int version()
    {
        return version;
    }

    public int reasonOffset()
    {
        return reasonOffset;
    }

    public int reasonLength()
    {
        return reasonLength;
    }

    public int headerCount()
    {
        return headerCount;
    }

    public int headerNameOffset(final int index)
    {
        return fields[index * FIELD_STRIDE];
    }

    public int headerNameLength(final int index)
    {
        return fields[index * FIELD_STRIDE + 1];
    }

    public int headerValueOffset(final int index)
    {
        return fields[index * FIELD_STRIDE + 2];
    }

    public int headerValueLength(final int index)
    {
        return fields[index * FIELD_STRIDE + 3];
    }

    /**
     * The index of the first header named {@code lowerCaseName} (ASCII, lower case), or -1.
     */
    public int indexOf(final byte[] lowerCaseName)
    {
        for (int i = 0; i < headerCount; i++)
        {
            if (equalsIgnoreCase(headerNameOffset(i), headerNameLength(i), lowerCaseName))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * The declared length, or {@link #NO_CONTENT_LENGTH}.
     */
    public long contentLength()
    {
        return contentLength;
    }

    public boolean isChunked()
    {
        return isChunked;
    }

    /**
     * True when the body ends only when the server closes.
     */
    public boolean isCloseDelimited()
    {
        return state == STATE_CLOSE_BODY || (state == STATE_DONE && !isChunked && contentLength < 0 && hasBody());
    }

    /**
     * True when the response carries a body at all (not HEAD, 1xx, 204 or 304).
     */
    public boolean hasBody()
    {
        return !headRequest && status != 204 && status != 304 && status >= 200;
    }

    /**
     * True when the connection may carry another request after this response.
     */
    public boolean isKeepAlive()
    {
        if (isCloseDelimited() || state == STATE_ERROR)
        {
            return false;
        }
        return version == 11 ? !closeOption : keepAliveOption && !closeOption;
    }

    private int body(final int offset, final int length, final int consumedBytes)
    {
        bodyOffset = offset;
        bodyLength = length;
        consumed = consumedBytes;
        return BODY_DATA;
    }

    private int onChunkedBytes(final DirectBuffer src, final int offset, final int length)
    {
        final int result = chunked.decode(src, offset, length);
        consumed = chunked.consumed();
        switch (result)
        {
            case ResponseChunkDecoder.DATA:
                bodyOffset = chunked.dataOffset();
                bodyLength = chunked.dataLength();
                return BODY_DATA;
            case ResponseChunkDecoder.DONE:
                state = STATE_DONE;
                return MESSAGE_COMPLETE;
            case ResponseChunkDecoder.NEED_MORE:
                return NEED_MORE;
            default:
                return fail(INVALID_CHUNK);
        }
    }

    private void startHead()
    {
        sawCr = false;
        inStatusLine = true;
        headLength = 0;
        lineStart = 0;
        headerCount = 0;
        version = 0;
        status = 0;
        reasonOffset = 0;
        reasonLength = 0;
        contentLength = NO_CONTENT_LENGTH;
        isChunked = false;
        closeOption = false;
        keepAliveOption = false;
        remaining = 0;
    }

    private int onHeadBytes(final DirectBuffer src, final int offset, final int length)
    {
        final int end = offset + length;
        for (int i = offset; i < end; i++)
        {
            final byte b = src.getByte(i);
            if (sawCr)
            {
                if (b != '\n')
                {
                    consumed = i + 1 - offset;
                    return fail(INVALID_LINE_ENDING);
                }
                sawCr = false;
                final int result = onLine();
                if (result != NEED_MORE)
                {
                    consumed = i + 1 - offset;
                    return result;
                }
            }
            else if (b == '\r')
            {
                sawCr = true;
            }
            else if (b == '\n')
            {
                consumed = i + 1 - offset;
                return fail(INVALID_LINE_ENDING);
            }
            else
            {
                if (headLength == head.length)
                {
                    consumed = i + 1 - offset;
                    return fail(HEAD_TOO_LARGE);
                }
                head[headLength++] = b;
            }
        }
        consumed = length;
        return NEED_MORE;
    }

    private int onLine()
    {
        final int start = lineStart;
        final int end = headLength;
        lineStart = end;
        if (inStatusLine)
        {
            inStatusLine = false;
            return parseStatusLine(start, end);
        }
        if (start == end)
        {
            return finishHead();
        }
        return parseFieldLine(start, end);
    }

    private int parseStatusLine(final int start, final int end)
    {
        // HTTP-version SP 3DIGIT [SP reason]; a missing SP after the code is tolerated (empty reason).
        if (end - start < 12 || head[start] != 'H' || head[start + 1] != 'T' || head[start + 2] != 'T' ||
            head[start + 3] != 'P' || head[start + 4] != '/' || !isDigit(head[start + 5]) ||
            head[start + 6] != '.' || !isDigit(head[start + 7]) || head[start + 8] != ' ')
        {
            return fail(INVALID_STATUS_LINE);
        }
        if (head[start + 5] != '1' || (head[start + 7] != '0' && head[start + 7] != '1'))
        {
            return fail(UNSUPPORTED_VERSION);
        }
        version = head[start + 7] == '1' ? 11 : 10;
        int code = 0;
        for (int i = start + 9; i < start + 12; i++)
        {
            if (!isDigit(head[i]))
            {
                return fail(INVALID_STATUS_LINE);
            }
            code = code * 10 + (head[i] - '0');
        }
        if (code < 100)
        {
            return fail(INVALID_STATUS_LINE);
        }
        status = code;
        if (end > start + 12)
        {
            if (head[start + 12] != ' ')
            {
                return fail(INVALID_STATUS_LINE);
            }
            for (int i = start + 13; i < end; i++)
            {
                if (!isFieldValueChar(head[i]))
                {
                    return fail(INVALID_STATUS_LINE);
                }
            }
            reasonOffset = start + 13;
            reasonLength = end - reasonOffset;
        }
        else
        {
            reasonOffset = end;
        }
        return NEED_MORE;
    }

    private int parseFieldLine(final int start, final int end)
    {
        int colon = start;
        while (colon < end && TCHAR[head[colon] & 0xFF])
        {
            colon++;
        }
        if (colon == start || colon == end || head[colon] != ':')
        {
            return fail(INVALID_HEADER);
        }
        int valueStart = colon + 1;
        int valueEnd = end;
        while (valueStart < valueEnd && isWhitespace(head[valueStart]))
        {
            valueStart++;
        }
        while (valueEnd > valueStart && isWhitespace(head[valueEnd - 1]))
        {
            valueEnd--;
        }
        for (int i = valueStart; i < valueEnd; i++)
        {
            if (!isFieldValueChar(head[i]))
            {
                return fail(INVALID_HEADER);
            }
        }
        if (headerCount == maxHeaderCount)
        {
            return fail(TOO_MANY_HEADERS);
        }
        final int base = headerCount++ * FIELD_STRIDE;
        fields[base] = start;
        fields[base + 1] = colon - start;
        fields[base + 2] = valueStart;
        fields[base + 3] = valueEnd - valueStart;
        return onField(start, colon - start, valueStart, valueEnd - valueStart);
    }

    private int onField(final int nameOffset, final int nameLength, final int valueOffset, final int valueLength)
    {
        if (equalsIgnoreCase(nameOffset, nameLength, CONTENT_LENGTH))
        {
            if (contentLength != NO_CONTENT_LENGTH || valueLength == 0 || valueLength > 18)
            {
                return fail(INVALID_CONTENT_LENGTH);
            }
            long value = 0;
            for (int i = valueOffset; i < valueOffset + valueLength; i++)
            {
                if (!isDigit(head[i]))
                {
                    return fail(INVALID_CONTENT_LENGTH);
                }
                value = value * 10 + (head[i] - '0');
            }
            contentLength = value;
        }
        else if (equalsIgnoreCase(nameOffset, nameLength, TRANSFER_ENCODING))
        {
            // Only a lone "chunked" is relayed; anything else would mean forwarding codings we cannot frame.
            if (isChunked || !equalsIgnoreCase(valueOffset, valueLength, CHUNKED))
            {
                return fail(INVALID_TRANSFER_ENCODING);
            }
            isChunked = true;
        }
        else if (equalsIgnoreCase(nameOffset, nameLength, CONNECTION))
        {
            scanConnectionOptions(valueOffset, valueOffset + valueLength);
        }
        return NEED_MORE;
    }

    private void scanConnectionOptions(final int start, final int end)
    {
        int i = start;
        while (i < end)
        {
            while (i < end && (head[i] == ',' || isWhitespace(head[i])))
            {
                i++;
            }
            final int tokenStart = i;
            while (i < end && head[i] != ',' && !isWhitespace(head[i]))
            {
                i++;
            }
            if (equalsIgnoreCase(tokenStart, i - tokenStart, CLOSE))
            {
                closeOption = true;
            }
            else if (equalsIgnoreCase(tokenStart, i - tokenStart, KEEP_ALIVE))
            {
                keepAliveOption = true;
            }
        }
    }

    private int finishHead()
    {
        if (status < 200)
        {
            if (status == 101)
            {
                return fail(UNSUPPORTED_STATUS);
            }
            interimCount++;
            startHead();
            return NEED_MORE;
        }
        if (isChunked && contentLength != NO_CONTENT_LENGTH)
        {
            // RFC 9112 section 6.3 lets Transfer-Encoding win; a message with both smells of smuggling.
            return fail(INVALID_TRANSFER_ENCODING);
        }
        if (!hasBody())
        {
            state = STATE_NO_BODY;
        }
        else if (isChunked)
        {
            chunked.start();
            state = STATE_CHUNKED_BODY;
        }
        else if (contentLength >= 0)
        {
            remaining = contentLength;
            state = contentLength == 0 ? STATE_NO_BODY : STATE_LENGTH_BODY;
        }
        else
        {
            state = STATE_CLOSE_BODY;
        }
        headReported = true;
        return HEADERS_COMPLETE;
    }

    private int fail(final int code)
    {
        errorCode = code;
        state = STATE_ERROR;
        return ERROR;
    }

    private boolean equalsIgnoreCase(final int offset, final int length, final byte[] lowerCase)
    {
        if (length != lowerCase.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            byte b = head[offset + i];
            if (b >= 'A' && b <= 'Z')
            {
                b += 32;
            }
            if (b != lowerCase[i])
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    private static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\t';
    }

    private static boolean isFieldValueChar(final byte b)
    {
        return b == '\t' || ((b & 0xFF) >= ' ' && b != 0x7F);
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
