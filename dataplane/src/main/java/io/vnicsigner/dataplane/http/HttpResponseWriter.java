package io.vnicsigner.dataplane.http;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Writes an HTTP/1.1 response (status line, headers, a body of known length or chunked) into a
 * caller's buffer from pre-encoded constants. It does not validate what it is given to relay, and it
 * never writes past the wrapped region: a write that does not fit is dropped and
 * {@link #hasOverflowed()} turns true.
 */
public final class HttpResponseWriter
{
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] COLON_SPACE = ascii(": ");
    private static final byte[] HTTP_1_1_SPACE = ascii("HTTP/1.1 ");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] CONTENT_TYPE_JSON = ascii("Content-Type: application/json\r\n");
    private static final byte[] RETRY_AFTER = ascii("Retry-After: ");
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    private static final byte[] JSON_ERROR_START = ascii("{\"error\":\"");
    private static final byte[] JSON_STATUS = ascii("\",\"status\":");
    private static final byte[] JSON_END = ascii("}");
    private static final byte[] GENERIC_ERROR = ascii("error");
    private static final byte[] HEX_DIGITS = ascii("0123456789abcdef");
    private static final int STATUS_DIGITS = 3;
    private static final int MAX_HEX_DIGITS = 8;

    private MutableDirectBuffer buffer;
    private int start;
    private int position;
    private int limit;
    private boolean overflow;

    /**
     * Starts a response at {@code offset}, writing at most {@code length} bytes.
     */
    public HttpResponseWriter wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        start = offset;
        position = offset;
        limit = offset + length;
        overflow = false;
        return this;
    }

    /**
     * The bytes written since {@link #wrap}.
     */
    public int length()
    {
        return position - start;
    }

    /**
     * The index after the last byte written.
     */
    public int position()
    {
        return position;
    }

    /**
     * True when some write did not fit; the bytes written are then not a usable response.
     */
    public boolean hasOverflowed()
    {
        return overflow;
    }

    /**
     * The interim {@code 100 Continue} response, sent before reading a body the client holds back.
     */
    public HttpResponseWriter continueResponse()
    {
        return put(CONTINUE);
    }

    /**
     * The status line, with the standard reason phrase, or an empty one for a code this codec does not know.
     */
    public HttpResponseWriter status(final int status)
    {
        final byte[] line = HttpStatus.statusLine(status);
        if (null != line)
        {
            return put(line);
        }
        return put(HTTP_1_1_SPACE).putStatusCode(status).put((byte)' ').put(CRLF);
    }

    /**
     * A relayed status line with the reason phrase the upstream sent.
     */
    public HttpResponseWriter status(
        final int status, final DirectBuffer reason, final int reasonOffset, final int reasonLength)
    {
        return put(HTTP_1_1_SPACE).putStatusCode(status).put((byte)' ')
            .put(reason, reasonOffset, reasonLength)
            .put(CRLF);
    }

    public HttpResponseWriter header(final byte[] name, final byte[] value)
    {
        return put(name).put(COLON_SPACE).put(value).put(CRLF);
    }

    public HttpResponseWriter header(final byte[] name, final long value)
    {
        return put(name).put(COLON_SPACE).putDecimal(value).put(CRLF);
    }

    /**
     * A relayed header whose name and value both lie in {@code source}, as in an {@link HttpRequest} view.
     */
    public HttpResponseWriter header(
        final DirectBuffer source,
        final int nameOffset,
        final int nameLength,
        final int valueOffset,
        final int valueLength)
    {
        return put(source, nameOffset, nameLength).put(COLON_SPACE).put(source, valueOffset, valueLength).put(CRLF);
    }

    public HttpResponseWriter contentLength(final long length)
    {
        return put(CONTENT_LENGTH).putDecimal(length).put(CRLF);
    }

    /**
     * {@code Transfer-Encoding: chunked}; the body then goes through {@link #chunk} and {@link #lastChunk()}.
     */
    public HttpResponseWriter chunked()
    {
        return put(CHUNKED);
    }

    public HttpResponseWriter connectionClose()
    {
        return put(CONNECTION_CLOSE);
    }

    /**
     * The connection header a response needs: {@code close} when closing, {@code keep-alive} for an HTTP/1.0
     * client that asked to keep the connection, nothing otherwise.
     */
    public HttpResponseWriter connection(final boolean close, final int requestVersion)
    {
        if (close)
        {
            return put(CONNECTION_CLOSE);
        }
        return requestVersion == HttpRequest.VERSION_1_0 ? put(CONNECTION_KEEP_ALIVE) : this;
    }

    /**
     * The empty line that ends the head.
     */
    public HttpResponseWriter endHeaders()
    {
        return put(CRLF);
    }

    public HttpResponseWriter body(final DirectBuffer source, final int offset, final int length)
    {
        return put(source, offset, length);
    }

    public HttpResponseWriter body(final byte[] bytes)
    {
        return put(bytes);
    }

    /**
     * One chunk with its framing; an empty slice writes nothing, as a zero-size chunk would end the body.
     */
    public HttpResponseWriter chunk(final DirectBuffer source, final int offset, final int length)
    {
        if (length == 0)
        {
            return this;
        }
        if (!reserve(chunkOverhead(length) + length))
        {
            return this;
        }
        return chunkHeader(length).put(source, offset, length).chunkEnd();
    }

    /**
     * The size line of a chunk whose {@code length} data bytes the caller places itself, then {@link #chunkEnd()}.
     */
    public HttpResponseWriter chunkHeader(final int length)
    {
        int digits = 1;
        while (digits < MAX_HEX_DIGITS && (length >>> (4 * digits)) != 0)
        {
            digits++;
        }
        if (!reserve(digits + CRLF.length))
        {
            return this;
        }
        for (int i = digits - 1; i >= 0; i--)
        {
            buffer.putByte(position++, HEX_DIGITS[(length >>> (4 * i)) & 0xF]);
        }
        return put(CRLF);
    }

    public HttpResponseWriter chunkEnd()
    {
        return put(CRLF);
    }

    /**
     * The zero-size chunk and empty trailer section that end a chunked body.
     */
    public HttpResponseWriter lastChunk()
    {
        return put(LAST_CHUNK);
    }

    /**
     * Framing bytes a chunk of {@code length} data bytes adds: its hex size and two CRLFs.
     */
    public static int chunkOverhead(final int length)
    {
        final int hexDigits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 3) / 4);
        return hexDigits + 2 * CRLF.length;
    }

    /**
     * A complete local error response with the JSON body {@code {"error":"<name>","status":<status>}}.
     *
     * @param status            the status code, for example 404.
     * @param error             the {@code "error"} value; null for the status's default name.
     * @param retryAfterSeconds written as {@code Retry-After} when not negative, as 429 and 503 want.
     * @param close             whether the connection closes after it, as {@link #connection(boolean, int)} says.
     * @param request           the request answered: its version and whether it is {@code HEAD}, in which case
     *                          the head gives the length and the body is left out.
     */
    public HttpResponseWriter errorResponse(
        final int status,
        final byte[] error,
        final long retryAfterSeconds,
        final boolean close,
        final HttpRequest request)
    {
        byte[] name = null != error ? error : HttpStatus.errorName(status);
        if (null == name)
        {
            name = GENERIC_ERROR;
        }
        final int bodyLength = JSON_ERROR_START.length + name.length + JSON_STATUS.length + STATUS_DIGITS +
            JSON_END.length;

        status(status).put(CONTENT_TYPE_JSON).contentLength(bodyLength);
        if (retryAfterSeconds >= 0)
        {
            put(RETRY_AFTER).putDecimal(retryAfterSeconds).put(CRLF);
        }
        connection(close, request.version()).endHeaders();
        if (!request.isHead())
        {
            put(JSON_ERROR_START).put(name).put(JSON_STATUS).putStatusCode(status).put(JSON_END);
        }
        return this;
    }

    /**
     * The response to a request the parser rejected: its status and reason, and always {@code Connection: close}.
     */
    public HttpResponseWriter parseErrorResponse(final HttpRequestParser parser)
    {
        return errorResponse(
            parser.errorStatus(), HttpParseError.nameBytes(parser.errorCode()), -1, true, parser.request());
    }

    private HttpResponseWriter putStatusCode(final int status)
    {
        if (!reserve(STATUS_DIGITS))
        {
            return this;
        }
        final int code = Math.floorMod(status, 1000);
        buffer.putByte(position++, (byte)('0' + code / 100));
        buffer.putByte(position++, (byte)('0' + code / 10 % 10));
        buffer.putByte(position++, (byte)('0' + code % 10));
        return this;
    }

    private HttpResponseWriter putDecimal(final long value)
    {
        if (!reserve(digits(value)))
        {
            return this;
        }
        position += buffer.putLongAscii(position, value);
        return this;
    }

    private static int digits(final long value)
    {
        int digits = value < 0 ? 2 : 1;
        for (long v = Math.abs(value / 10); v != 0; v /= 10)
        {
            digits++;
        }
        return digits;
    }

    private HttpResponseWriter put(final byte b)
    {
        if (!reserve(1))
        {
            return this;
        }
        buffer.putByte(position++, b);
        return this;
    }

    private HttpResponseWriter put(final byte[] bytes)
    {
        if (!reserve(bytes.length))
        {
            return this;
        }
        buffer.putBytes(position, bytes);
        position += bytes.length;
        return this;
    }

    private HttpResponseWriter put(final DirectBuffer source, final int offset, final int length)
    {
        if (!reserve(length))
        {
            return this;
        }
        buffer.putBytes(position, source, offset, length);
        position += length;
        return this;
    }

    private boolean reserve(final int length)
    {
        // After one write is dropped nothing more is written, so the output never has a hole in the middle.
        if (overflow || length > limit - position)
        {
            overflow = true;
            return false;
        }
        return true;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(US_ASCII);
    }
}
