package io.vnicsigner.dataplane.http;

import org.agrona.DirectBuffer;

import static io.vnicsigner.dataplane.http.HttpGrammar.CR;
import static io.vnicsigner.dataplane.http.HttpGrammar.LF;
import static io.vnicsigner.dataplane.http.HttpGrammar.SP;
import static io.vnicsigner.dataplane.http.HttpGrammar.isWhitespace;
import static io.vnicsigner.dataplane.http.HttpParseError.BARE_CR;
import static io.vnicsigner.dataplane.http.HttpParseError.BARE_LF;
import static io.vnicsigner.dataplane.http.HttpParseError.CHUNKED_NOT_FINAL;
import static io.vnicsigner.dataplane.http.HttpParseError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
import static io.vnicsigner.dataplane.http.HttpParseError.DUPLICATE_CONTENT_LENGTH;
import static io.vnicsigner.dataplane.http.HttpParseError.DUPLICATE_HOST;
import static io.vnicsigner.dataplane.http.HttpParseError.HEADERS_TOO_LARGE;
import static io.vnicsigner.dataplane.http.HttpParseError.INVALID_CONTENT_LENGTH;
import static io.vnicsigner.dataplane.http.HttpParseError.INVALID_HEADER_NAME;
import static io.vnicsigner.dataplane.http.HttpParseError.INVALID_HEADER_VALUE;
import static io.vnicsigner.dataplane.http.HttpParseError.INVALID_HOST;
import static io.vnicsigner.dataplane.http.HttpParseError.INVALID_METHOD;
import static io.vnicsigner.dataplane.http.HttpParseError.INVALID_TARGET;
import static io.vnicsigner.dataplane.http.HttpParseError.INVALID_TRANSFER_ENCODING;
import static io.vnicsigner.dataplane.http.HttpParseError.INVALID_VERSION;
import static io.vnicsigner.dataplane.http.HttpParseError.MISSING_HOST;
import static io.vnicsigner.dataplane.http.HttpParseError.NONE;
import static io.vnicsigner.dataplane.http.HttpParseError.OBS_FOLD;
import static io.vnicsigner.dataplane.http.HttpParseError.REQUEST_LINE_TOO_LONG;
import static io.vnicsigner.dataplane.http.HttpParseError.TOO_MANY_HEADERS;
import static io.vnicsigner.dataplane.http.HttpParseError.TRANSFER_ENCODING_IN_HTTP_1_0;
import static io.vnicsigner.dataplane.http.HttpParseError.UNSUPPORTED_TRANSFER_CODING;
import static io.vnicsigner.dataplane.http.HttpParseError.UNSUPPORTED_VERSION;
import static io.vnicsigner.dataplane.http.HttpParseError.WHITESPACE_BEFORE_COLON;
import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Copies a request head into an {@link HttpRequest} line by line, counting limits on every byte and
 * parsing each line once its CRLF has arrived, so that a line split across segments simply resumes.
 */
final class HttpHeadDecoder
{
    static final int INCOMPLETE = -1;
    static final int COMPLETE = -2;

    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] HOST = bytes("host");
    private static final byte[] CONNECTION = bytes("connection");
    private static final byte[] EXPECT = bytes("expect");
    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");
    private static final byte[] CONTINUE = bytes("100-continue");
    private static final byte[][] METHODS =
    {
        null, bytes("GET"), bytes("HEAD"), bytes("POST"), bytes("PUT"), bytes("DELETE"), bytes("OPTIONS"),
        bytes("PATCH"),
    };
    private static final int VERSION_LENGTH = 8;

    private final HttpRequest request;
    private final int maxRequestLineLength;
    private final int maxHeaderBlockLength;
    private boolean inRequestLine;
    private boolean sawCr;
    private int requestLineBytes;
    private int headerBlockBytes;
    private int lineStart;
    private int consumed;

    HttpHeadDecoder(final HttpRequest request, final HttpLimits limits)
    {
        this.request = request;
        maxRequestLineLength = limits.maxRequestLineLength();
        maxHeaderBlockLength = limits.maxHeaderBlockLength();
        reset();
    }

    void reset()
    {
        inRequestLine = true;
        sawCr = false;
        requestLineBytes = 0;
        headerBlockBytes = 0;
        lineStart = 0;
        consumed = 0;
    }

    boolean hasStarted()
    {
        return requestLineBytes > 0;
    }

    int consumed()
    {
        return consumed;
    }

    /**
     * Decodes head bytes, returning {@link #INCOMPLETE}, {@link #COMPLETE} or an {@link HttpParseError} code;
     * {@link #consumed()} then says how many bytes were taken.
     */
    int decode(final DirectBuffer src, final int offset, final int length)
    {
        final int end = offset + length;
        for (int i = offset; i < end; i++)
        {
            final byte b = src.getByte(i);
            if (inRequestLine)
            {
                if (++requestLineBytes > maxRequestLineLength)
                {
                    return stop(i, offset, REQUEST_LINE_TOO_LONG);
                }
            }
            else if (++headerBlockBytes > maxHeaderBlockLength)
            {
                return stop(i, offset, HEADERS_TOO_LARGE);
            }

            if (sawCr)
            {
                if (b != LF)
                {
                    return stop(i, offset, BARE_CR);
                }
                sawCr = false;
                final int result = onLine();
                if (result != INCOMPLETE)
                {
                    return stop(i, offset, result);
                }
            }
            else if (b == CR)
            {
                sawCr = true;
            }
            else if (b == LF)
            {
                return stop(i, offset, BARE_LF);
            }
            else
            {
                // Limits bound the bytes stored, so the buffer sized from them cannot overflow.
                request.append(b);
            }
        }
        consumed = length;
        return INCOMPLETE;
    }

    private int stop(final int index, final int offset, final int result)
    {
        consumed = index + 1 - offset;
        return result;
    }

    private int onLine()
    {
        final int start = lineStart;
        final int end = request.length();
        lineStart = end;
        final int error;
        if (inRequestLine)
        {
            if (start == end)
            {
                // RFC 9112 section 2.2: empty lines before the request line are ignored.
                return INCOMPLETE;
            }
            inRequestLine = false;
            error = parseRequestLine(start, end);
        }
        else
        {
            if (start == end)
            {
                return finishHead();
            }
            error = parseFieldLine(start, end);
        }
        return error == NONE ? INCOMPLETE : error;
    }

    private int finishHead()
    {
        if (request.version() == HttpRequest.VERSION_1_1 && request.hostIndex() < 0)
        {
            return MISSING_HOST;
        }
        return COMPLETE;
    }

    private int parseRequestLine(final int start, final int end)
    {
        int i = start;
        while (i < end && HttpGrammar.isTchar(request.byteAt(i)))
        {
            i++;
        }
        if (i == start || i == end || request.byteAt(i) != SP)
        {
            return INVALID_METHOD;
        }
        request.method(methodCode(start, i - start), start, i - start);

        final int targetStart = i + 1;
        int targetEnd = targetStart;
        while (targetEnd < end && request.byteAt(targetEnd) != SP)
        {
            targetEnd++;
        }
        if (targetEnd == targetStart)
        {
            return INVALID_TARGET;
        }
        if (targetEnd == end)
        {
            return INVALID_VERSION;
        }

        final int versionError = parseVersion(targetEnd + 1, end);
        if (versionError != NONE)
        {
            return versionError;
        }
        request.target(targetStart, targetEnd - targetStart);
        return parseTarget(targetStart, targetEnd);
    }

    private int parseVersion(final int start, final int end)
    {
        if (end - start != VERSION_LENGTH ||
            request.byteAt(start) != 'H' ||
            request.byteAt(start + 1) != 'T' ||
            request.byteAt(start + 2) != 'T' ||
            request.byteAt(start + 3) != 'P' ||
            request.byteAt(start + 4) != '/' ||
            !HttpGrammar.isDigit(request.byteAt(start + 5)) ||
            request.byteAt(start + 6) != '.' ||
            !HttpGrammar.isDigit(request.byteAt(start + 7)))
        {
            return INVALID_VERSION;
        }
        final int major = request.byteAt(start + 5) - '0';
        final int minor = request.byteAt(start + 7) - '0';
        if (major != 1 || minor > 1)
        {
            return UNSUPPORTED_VERSION;
        }
        request.version(minor == 0 ? HttpRequest.VERSION_1_0 : HttpRequest.VERSION_1_1);
        return NONE;
    }

    private int methodCode(final int offset, final int length)
    {
        for (int code = 1; code < METHODS.length; code++)
        {
            if (equals(offset, length, METHODS[code]))
            {
                return code;
            }
        }
        return HttpRequest.METHOD_OTHER;
    }

    private int parseTarget(final int start, final int end)
    {
        final byte first = request.byteAt(start);
        if (first == '/')
        {
            return parsePathAndQuery(start, end);
        }
        if (!HttpGrammar.isAlpha(first))
        {
            // Asterisk-form and authority-form (OPTIONS *, CONNECT) are not served here.
            return INVALID_TARGET;
        }

        int i = start + 1;
        while (i < end && HttpGrammar.isSchemeChar(request.byteAt(i)))
        {
            i++;
        }
        final int schemeEnd = i;
        if (end - schemeEnd < 3 ||
            request.byteAt(schemeEnd) != ':' ||
            request.byteAt(schemeEnd + 1) != '/' ||
            request.byteAt(schemeEnd + 2) != '/')
        {
            return INVALID_TARGET;
        }

        final int authorityStart = schemeEnd + 3;
        i = authorityStart;
        while (i < end && request.byteAt(i) != '/' && request.byteAt(i) != '?')
        {
            i++;
        }
        if (i == authorityStart || !isValidAuthority(authorityStart, i))
        {
            return INVALID_TARGET;
        }
        request.absoluteForm(start, schemeEnd - start, authorityStart, i - authorityStart);
        return parsePathAndQuery(i, end);
    }

    private int parsePathAndQuery(final int start, final int end)
    {
        int i = start;
        while (i < end)
        {
            final byte b = request.byteAt(i);
            if (b == '?')
            {
                break;
            }
            if (!(HttpGrammar.isPchar(b) || b == '/') || (b == '%' && !isPercentEncoded(i, end)))
            {
                return INVALID_TARGET;
            }
            i++;
        }
        request.path(start, i - start);
        if (i == end)
        {
            return NONE;
        }

        final int queryStart = i + 1;
        for (int q = queryStart; q < end; q++)
        {
            final byte b = request.byteAt(q);
            if (!(HttpGrammar.isPchar(b) || b == '/' || b == '?') || (b == '%' && !isPercentEncoded(q, end)))
            {
                return INVALID_TARGET;
            }
        }
        request.query(queryStart, end - queryStart);
        return NONE;
    }

    private boolean isValidAuthority(final int start, final int end)
    {
        if (start == end)
        {
            return false;
        }
        for (int i = start; i < end; i++)
        {
            // '@' is excluded by the table: userinfo is refused outright rather than interpreted.
            final byte b = request.byteAt(i);
            if (!HttpGrammar.isAuthorityChar(b) || (b == '%' && !isPercentEncoded(i, end)))
            {
                return false;
            }
        }
        return true;
    }

    private boolean isPercentEncoded(final int index, final int end)
    {
        return index + 2 < end &&
            HttpGrammar.hexValue(request.byteAt(index + 1)) >= 0 &&
            HttpGrammar.hexValue(request.byteAt(index + 2)) >= 0;
    }

    private int parseFieldLine(final int start, final int end)
    {
        if (isWhitespace(request.byteAt(start)))
        {
            return OBS_FOLD;
        }
        int i = start;
        while (i < end && HttpGrammar.isTchar(request.byteAt(i)))
        {
            i++;
        }
        if (i == end)
        {
            return INVALID_HEADER_NAME;
        }
        final byte stop = request.byteAt(i);
        if (stop != ':')
        {
            return isWhitespace(stop) ? WHITESPACE_BEFORE_COLON : INVALID_HEADER_NAME;
        }
        if (i == start)
        {
            return INVALID_HEADER_NAME;
        }

        int valueStart = i + 1;
        int valueEnd = end;
        while (valueStart < valueEnd && isWhitespace(request.byteAt(valueStart)))
        {
            valueStart++;
        }
        while (valueEnd > valueStart && isWhitespace(request.byteAt(valueEnd - 1)))
        {
            valueEnd--;
        }
        for (int v = valueStart; v < valueEnd; v++)
        {
            if (!HttpGrammar.isFieldValueChar(request.byteAt(v)))
            {
                return INVALID_HEADER_VALUE;
            }
        }

        if (request.headerCount() == request.maxHeaderCount())
        {
            return TOO_MANY_HEADERS;
        }
        final int index = request.addHeader(start, i - start, valueStart, valueEnd - valueStart);
        return onField(index, start, i - start, valueStart, valueEnd);
    }

    private int onField(final int index, final int nameOffset, final int nameLength, final int valueStart,
        final int valueEnd)
    {
        if (request.equalsIgnoreCase(nameOffset, nameLength, CONTENT_LENGTH))
        {
            return onContentLength(valueStart, valueEnd);
        }
        if (request.equalsIgnoreCase(nameOffset, nameLength, TRANSFER_ENCODING))
        {
            return onTransferEncoding(index, valueStart, valueEnd);
        }
        if (request.equalsIgnoreCase(nameOffset, nameLength, HOST))
        {
            if (request.hostIndex() >= 0)
            {
                return DUPLICATE_HOST;
            }
            if (!isValidAuthority(valueStart, valueEnd))
            {
                return INVALID_HOST;
            }
            request.hostIndex(index);
            return NONE;
        }
        if (request.equalsIgnoreCase(nameOffset, nameLength, CONNECTION))
        {
            onConnection(valueStart, valueEnd);
            return NONE;
        }
        if (request.equalsIgnoreCase(nameOffset, nameLength, EXPECT) && request.valueEqualsIgnoreCase(index, CONTINUE))
        {
            request.expectContinue();
        }
        return NONE;
    }

    private int onContentLength(final int start, final int end)
    {
        if (request.contentLength() != HttpRequest.NO_CONTENT_LENGTH)
        {
            return DUPLICATE_CONTENT_LENGTH;
        }
        if (request.transferEncodingIndex() >= 0)
        {
            return CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
        }
        if (start == end)
        {
            return INVALID_CONTENT_LENGTH;
        }
        long value = 0;
        for (int i = start; i < end; i++)
        {
            final byte b = request.byteAt(i);
            if (!HttpGrammar.isDigit(b) || value > (Long.MAX_VALUE - (b - '0')) / 10)
            {
                return INVALID_CONTENT_LENGTH;
            }
            value = value * 10 + (b - '0');
        }
        request.contentLength(value);
        return NONE;
    }

    private int onTransferEncoding(final int index, final int start, final int end)
    {
        if (request.version() == HttpRequest.VERSION_1_0)
        {
            return TRANSFER_ENCODING_IN_HTTP_1_0;
        }
        if (request.transferEncodingIndex() >= 0)
        {
            return INVALID_TRANSFER_ENCODING;
        }
        if (request.contentLength() != HttpRequest.NO_CONTENT_LENGTH)
        {
            return CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
        }

        boolean lastIsChunked = false;
        boolean chunkedRepeated = false;
        boolean otherCoding = false;
        int i = start;
        while (true)
        {
            while (i < end && isWhitespace(request.byteAt(i)))
            {
                i++;
            }
            final int codingStart = i;
            while (i < end && HttpGrammar.isTchar(request.byteAt(i)))
            {
                i++;
            }
            final int codingEnd = i;
            while (i < end && isWhitespace(request.byteAt(i)))
            {
                i++;
            }
            if (codingStart == codingEnd || (i < end && request.byteAt(i) != ','))
            {
                // Empty list members and coding parameters are refused rather than interpreted.
                return INVALID_TRANSFER_ENCODING;
            }
            final boolean isChunked = request.equalsIgnoreCase(codingStart, codingEnd - codingStart, CHUNKED);
            chunkedRepeated |= lastIsChunked;
            otherCoding |= !isChunked;
            lastIsChunked = isChunked;
            if (i == end)
            {
                break;
            }
            i++;
        }

        if (!lastIsChunked)
        {
            // RFC 9112 section 6.3: without a final chunked the body length is unknowable, a MUST for 400.
            return CHUNKED_NOT_FINAL;
        }
        if (chunkedRepeated)
        {
            return INVALID_TRANSFER_ENCODING;
        }
        if (otherCoding)
        {
            return UNSUPPORTED_TRANSFER_CODING;
        }
        request.chunked(index);
        return NONE;
    }

    private void onConnection(final int start, final int end)
    {
        int i = start;
        while (i < end)
        {
            while (i < end && (isWhitespace(request.byteAt(i)) || request.byteAt(i) == ','))
            {
                i++;
            }
            final int optionStart = i;
            while (i < end && request.byteAt(i) != ',' && !isWhitespace(request.byteAt(i)))
            {
                i++;
            }
            final int optionLength = i - optionStart;
            if (request.equalsIgnoreCase(optionStart, optionLength, CLOSE))
            {
                request.connectionClose();
            }
            else if (request.equalsIgnoreCase(optionStart, optionLength, KEEP_ALIVE))
            {
                request.connectionKeepAlive();
            }
        }
    }

    private boolean equals(final int offset, final int length, final byte[] ascii)
    {
        if (length != ascii.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (request.byteAt(offset + i) != ascii[i])
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(final String ascii)
    {
        return ascii.getBytes(US_ASCII);
    }
}
