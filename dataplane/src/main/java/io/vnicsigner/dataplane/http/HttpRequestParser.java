package io.vnicsigner.dataplane.http;

import org.agrona.DirectBuffer;

/**
 * A resumable HTTP/1.1 request parser fed the bytes of one connection in order, as they arrive.
 * <p>
 * Each call to {@link #onBytes} takes {@link #consumed()} bytes and reports one event. The driver
 * advances by {@code consumed()} and calls again, with whatever is left (even nothing), until it sees
 * {@link #NEED_MORE} (everything taken) or {@link #ERROR}:
 * <ul>
 *   <li>{@link #HEADERS_COMPLETE}: {@link #request()} holds the head;</li>
 *   <li>{@link #BODY_DATA}: {@link #bodyOffset()} and {@link #bodyLength()} slice the caller's buffer,
 *       already de-chunked;</li>
 *   <li>{@link #MESSAGE_COMPLETE}: the body ended; the next call starts the next pipelined request;</li>
 *   <li>{@link #ERROR}: {@link #errorCode()} and {@link #errorStatus()} say why; every later call
 *       repeats {@code ERROR} and the connection must close after the error response.</li>
 * </ul>
 * Limits are those of {@link HttpLimits}, checked on every byte. Nothing here allocates after
 * construction, reads a clock, logs or throws on bad input. The accepted subset, the status chosen for
 * each rejection and the deliberate deviations from RFC 9112 are listed in {@code docs/http-codec.md}.
 */
public final class HttpRequestParser
{
    public static final int NEED_MORE = 0;
    public static final int HEADERS_COMPLETE = 1;
    public static final int BODY_DATA = 2;
    public static final int MESSAGE_COMPLETE = 3;
    public static final int ERROR = 4;

    private static final int STATE_HEAD = 0;
    private static final int STATE_NO_BODY = 1;
    private static final int STATE_LENGTH_BODY = 2;
    private static final int STATE_CHUNKED_BODY = 3;
    private static final int STATE_DONE = 4;
    private static final int STATE_ERROR = 5;

    private final HttpRequest request;
    private final HttpHeadDecoder head;
    private final ChunkedBodyDecoder chunked;
    private final HttpBodyLimit bodyLimit;
    private final long defaultMaxBodyLength;

    private int state;
    private int consumed;
    private int bodyOffset;
    private int bodyLength;
    private long remaining;
    private int errorCode;
    private long messageStartNs;

    /**
     * A parser with the body limit of {@code limits} for every request.
     */
    public HttpRequestParser(final HttpLimits limits)
    {
        this(limits, null);
    }

    /**
     * A parser asking {@code bodyLimit} for each request's body limit; null means the default.
     */
    public HttpRequestParser(final HttpLimits limits, final HttpBodyLimit bodyLimit)
    {
        request = new HttpRequest(limits.maxRequestLineLength() + limits.maxHeaderBlockLength(),
            limits.maxHeaderCount());
        head = new HttpHeadDecoder(request, limits);
        chunked = new ChunkedBodyDecoder(limits);
        this.bodyLimit = bodyLimit;
        defaultMaxBodyLength = limits.maxBodyLength();
        reset();
    }

    /**
     * Forgets everything, ready for a new connection.
     */
    public void reset()
    {
        startMessage();
        consumed = 0;
        bodyOffset = 0;
        bodyLength = 0;
        errorCode = HttpParseError.NONE;
    }

    /**
     * Parses the next bytes of the connection.
     *
     * @param buffer holding the bytes.
     * @param offset of the first byte not yet consumed.
     * @param length of the bytes available, possibly zero.
     * @param nowNs  the driver's clock, remembered when a request's first byte arrives.
     * @return one of {@link #NEED_MORE}, {@link #HEADERS_COMPLETE}, {@link #BODY_DATA},
     * {@link #MESSAGE_COMPLETE} or {@link #ERROR}.
     */
    public int onBytes(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        consumed = 0;
        bodyOffset = 0;
        bodyLength = 0;
        if (state == STATE_DONE)
        {
            startMessage();
        }

        switch (state)
        {
            case STATE_HEAD:
                return onHeadBytes(buffer, offset, length, nowNs);

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
                consumed = n;
                bodyOffset = offset;
                bodyLength = n;
                if (remaining == 0)
                {
                    state = STATE_NO_BODY;
                }
                return BODY_DATA;

            case STATE_CHUNKED_BODY:
                return onChunkedBytes(buffer, offset, length);

            default:
                return ERROR;
        }
    }

    /**
     * The bytes taken by the last call.
     */
    public int consumed()
    {
        return consumed;
    }

    /**
     * The request being parsed; complete after {@link #HEADERS_COMPLETE}.
     */
    public HttpRequest request()
    {
        return request;
    }

    /**
     * Where the body slice of the last {@link #BODY_DATA} starts in the caller's buffer.
     */
    public int bodyOffset()
    {
        return bodyOffset;
    }

    public int bodyLength()
    {
        return bodyLength;
    }

    /**
     * The {@link HttpParseError} code after {@link #ERROR}, else {@link HttpParseError#NONE}.
     */
    public int errorCode()
    {
        return errorCode;
    }

    /**
     * The status to answer an {@link #ERROR} with: 400, 413, 414, 431, 501 or 505.
     */
    public int errorStatus()
    {
        return HttpParseError.status(errorCode);
    }

    /**
     * True when the connection must close after the current response: after an error, or when the
     * request asked for it.
     */
    public boolean shouldClose()
    {
        return state == STATE_ERROR || (state != STATE_HEAD && !request.isKeepAlive());
    }

    /**
     * True between requests, when no byte of a next request has been taken.
     */
    public boolean isIdle()
    {
        return state == STATE_DONE || (state == STATE_HEAD && !head.hasStarted());
    }

    /**
     * True while a request head has started but not yet completed, the span a header-read
     * (slowloris) timeout bounds from {@link #messageStartNs()}.
     */
    public boolean isReadingHead()
    {
        return state == STATE_HEAD && head.hasStarted();
    }

    /**
     * The {@code nowNs} of the call that took the first byte of the current request.
     */
    public long messageStartNs()
    {
        return messageStartNs;
    }

    private int onHeadBytes(final DirectBuffer buffer, final int offset, final int length, final long nowNs)
    {
        if (length == 0)
        {
            return NEED_MORE;
        }
        if (!head.hasStarted())
        {
            messageStartNs = nowNs;
        }

        final int result = head.decode(buffer, offset, length);
        consumed = head.consumed();
        if (result == HttpHeadDecoder.INCOMPLETE)
        {
            return NEED_MORE;
        }
        if (result != HttpHeadDecoder.COMPLETE)
        {
            return fail(result);
        }

        final long maxBodyLength = null == bodyLimit ?
            defaultMaxBodyLength : bodyLimit.maxBodyLength(request, defaultMaxBodyLength);
        if (request.isChunked())
        {
            chunked.start(maxBodyLength);
            state = STATE_CHUNKED_BODY;
        }
        else if (request.contentLength() > 0)
        {
            if (request.contentLength() > maxBodyLength)
            {
                return fail(HttpParseError.BODY_TOO_LARGE);
            }
            remaining = request.contentLength();
            state = STATE_LENGTH_BODY;
        }
        else
        {
            state = STATE_NO_BODY;
        }
        return HEADERS_COMPLETE;
    }

    private int onChunkedBytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final int result = chunked.decode(buffer, offset, length);
        consumed = chunked.consumed();
        switch (result)
        {
            case ChunkedBodyDecoder.NEED_MORE:
                return NEED_MORE;

            case ChunkedBodyDecoder.DATA:
                bodyOffset = chunked.dataOffset();
                bodyLength = chunked.dataLength();
                return BODY_DATA;

            case ChunkedBodyDecoder.DONE:
                state = STATE_DONE;
                return MESSAGE_COMPLETE;

            default:
                return fail(result);
        }
    }

    private int fail(final int code)
    {
        errorCode = code;
        state = STATE_ERROR;
        return ERROR;
    }

    private void startMessage()
    {
        request.reset();
        head.reset();
        state = STATE_HEAD;
        remaining = 0;
    }
}
