package io.vnicsigner.dataplane.http;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A reusable view of one parsed request head: every part is an offset and length into {@link #buffer()},
 * which holds the request line and header lines without their CRLFs. Valid from
 * {@code HEADERS_COMPLETE} until the parser is next called after {@code MESSAGE_COMPLETE}.
 */
public final class HttpRequest
{
    public static final int METHOD_OTHER = 0;
    public static final int METHOD_GET = 1;
    public static final int METHOD_HEAD = 2;
    public static final int METHOD_POST = 3;
    public static final int METHOD_PUT = 4;
    public static final int METHOD_DELETE = 5;
    public static final int METHOD_OPTIONS = 6;
    public static final int METHOD_PATCH = 7;

    public static final int VERSION_1_0 = 10;
    public static final int VERSION_1_1 = 11;

    /** {@link #contentLength()} when the request has no {@code Content-Length} field. */
    public static final long NO_CONTENT_LENGTH = -1;

    private static final int FIELD_STRIDE = 4;

    private final byte[] bytes;
    private final UnsafeBuffer buffer;
    private final int[] fields;
    private int length;

    private int method;
    private int methodOffset;
    private int methodLength;
    private int targetOffset;
    private int targetLength;
    private int schemeOffset;
    private int schemeLength;
    private int authorityOffset;
    private int authorityLength;
    private int pathOffset;
    private int pathLength;
    private int queryOffset;
    private int queryLength;
    private boolean absoluteForm;
    private boolean hasQuery;
    private int version;
    private int headerCount;

    private long contentLength;
    private boolean chunked;
    private int hostIndex;
    private int transferEncodingIndex;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean expectContinue;

    HttpRequest(final int capacity, final int maxHeaderCount)
    {
        bytes = new byte[capacity];
        buffer = new UnsafeBuffer(bytes);
        fields = new int[maxHeaderCount * FIELD_STRIDE];
        reset();
    }

    void reset()
    {
        length = 0;
        method = METHOD_OTHER;
        methodOffset = 0;
        methodLength = 0;
        targetOffset = 0;
        targetLength = 0;
        schemeOffset = 0;
        schemeLength = 0;
        authorityOffset = 0;
        authorityLength = 0;
        pathOffset = 0;
        pathLength = 0;
        queryOffset = 0;
        queryLength = 0;
        absoluteForm = false;
        hasQuery = false;
        version = 0;
        headerCount = 0;
        contentLength = NO_CONTENT_LENGTH;
        chunked = false;
        hostIndex = -1;
        transferEncodingIndex = -1;
        connectionClose = false;
        connectionKeepAlive = false;
        expectContinue = false;
    }

    /**
     * The bytes every offset of this view points into.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * One of the {@code METHOD_*} codes; {@link #METHOD_OTHER} for any other valid token.
     */
    public int method()
    {
        return method;
    }

    public int methodOffset()
    {
        return methodOffset;
    }

    public int methodLength()
    {
        return methodLength;
    }

    public boolean isHead()
    {
        return method == METHOD_HEAD;
    }

    /**
     * The whole request-target as sent.
     */
    public int targetOffset()
    {
        return targetOffset;
    }

    public int targetLength()
    {
        return targetLength;
    }

    /**
     * True for {@code http://authority/path} targets, which a guest sends when it uses us as its proxy.
     */
    public boolean isAbsoluteForm()
    {
        return absoluteForm;
    }

    /**
     * The scheme of an absolute-form target; empty for origin-form.
     */
    public int schemeOffset()
    {
        return schemeOffset;
    }

    public int schemeLength()
    {
        return schemeLength;
    }

    /**
     * The authority of an absolute-form target; empty for origin-form, whose authority is in {@code Host}.
     */
    public int authorityOffset()
    {
        return authorityOffset;
    }

    public int authorityLength()
    {
        return authorityLength;
    }

    /**
     * The path; empty only for an absolute-form target without one, which means {@code /}.
     */
    public int pathOffset()
    {
        return pathOffset;
    }

    public int pathLength()
    {
        return pathLength;
    }

    /**
     * True when the target has a {@code ?}, even if the query after it is empty.
     */
    public boolean hasQuery()
    {
        return hasQuery;
    }

    /**
     * The query without its leading {@code ?}.
     */
    public int queryOffset()
    {
        return queryOffset;
    }

    public int queryLength()
    {
        return queryLength;
    }

    /**
     * {@link #VERSION_1_0} or {@link #VERSION_1_1}.
     */
    public int version()
    {
        return version;
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

    /**
     * The field value with surrounding whitespace removed.
     */
    public int headerValueOffset(final int index)
    {
        return fields[index * FIELD_STRIDE + 2];
    }

    public int headerValueLength(final int index)
    {
        return fields[index * FIELD_STRIDE + 3];
    }

    /**
     * The index of the first header whose name equals {@code name} ignoring ASCII case, or -1.
     */
    public int indexOf(final byte[] name)
    {
        return indexOf(name, 0);
    }

    /**
     * The index of the next header at or after {@code fromIndex} whose name equals {@code name}
     * ignoring ASCII case, or -1; repeated fields are visited this way.
     */
    public int indexOf(final byte[] name, final int fromIndex)
    {
        for (int i = fromIndex; i < headerCount; i++)
        {
            if (equalsIgnoreCase(headerNameOffset(i), headerNameLength(i), name))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * True when the value of header {@code index} equals {@code value} ignoring ASCII case.
     */
    public boolean valueEqualsIgnoreCase(final int index, final byte[] value)
    {
        return equalsIgnoreCase(headerValueOffset(index), headerValueLength(index), value);
    }

    /**
     * True when the path equals {@code path} exactly.
     */
    public boolean pathEquals(final byte[] path)
    {
        if (pathLength != path.length)
        {
            return false;
        }
        for (int i = 0; i < pathLength; i++)
        {
            if (bytes[pathOffset + i] != path[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The declared body length, or {@link #NO_CONTENT_LENGTH}.
     */
    public long contentLength()
    {
        return contentLength;
    }

    /**
     * True when the body uses the chunked transfer coding.
     */
    public boolean isChunked()
    {
        return chunked;
    }

    /**
     * True when a request body follows the head, whether by length or chunked.
     */
    public boolean hasBody()
    {
        return chunked || contentLength > 0;
    }

    /**
     * The index of the single {@code Host} header, or -1 when there is none.
     */
    public int hostIndex()
    {
        return hostIndex;
    }

    /**
     * True when the connection may carry another request after this one: HTTP/1.1 unless
     * {@code Connection: close}, HTTP/1.0 only with {@code Connection: keep-alive}.
     */
    public boolean isKeepAlive()
    {
        if (connectionClose)
        {
            return false;
        }
        return version == VERSION_1_1 || connectionKeepAlive;
    }

    /**
     * True for an HTTP/1.1 request with {@code Expect: 100-continue}; HTTP/1.0 expectations are ignored.
     */
    public boolean isExpectContinue()
    {
        return expectContinue && version == VERSION_1_1;
    }

    boolean equalsIgnoreCase(final int offset, final int length, final byte[] ascii)
    {
        if (length != ascii.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (HttpGrammar.toLowerCase(bytes[offset + i]) != HttpGrammar.toLowerCase(ascii[i]))
            {
                return false;
            }
        }
        return true;
    }

    byte byteAt(final int index)
    {
        return bytes[index];
    }

    int length()
    {
        return length;
    }

    void append(final byte b)
    {
        bytes[length++] = b;
    }

    void method(final int method, final int offset, final int length)
    {
        this.method = method;
        methodOffset = offset;
        methodLength = length;
    }

    void target(final int offset, final int length)
    {
        targetOffset = offset;
        targetLength = length;
    }

    void absoluteForm(final int schemeOffset, final int schemeLength, final int authorityOffset,
        final int authorityLength)
    {
        absoluteForm = true;
        this.schemeOffset = schemeOffset;
        this.schemeLength = schemeLength;
        this.authorityOffset = authorityOffset;
        this.authorityLength = authorityLength;
    }

    void path(final int offset, final int length)
    {
        pathOffset = offset;
        pathLength = length;
    }

    void query(final int offset, final int length)
    {
        hasQuery = true;
        queryOffset = offset;
        queryLength = length;
    }

    void version(final int version)
    {
        this.version = version;
    }

    int addHeader(final int nameOffset, final int nameLength, final int valueOffset, final int valueLength)
    {
        final int base = headerCount * FIELD_STRIDE;
        fields[base] = nameOffset;
        fields[base + 1] = nameLength;
        fields[base + 2] = valueOffset;
        fields[base + 3] = valueLength;
        return headerCount++;
    }

    int maxHeaderCount()
    {
        return fields.length / FIELD_STRIDE;
    }

    void contentLength(final long contentLength)
    {
        this.contentLength = contentLength;
    }

    void chunked(final int transferEncodingIndex)
    {
        chunked = true;
        this.transferEncodingIndex = transferEncodingIndex;
    }

    int transferEncodingIndex()
    {
        return transferEncodingIndex;
    }

    void hostIndex(final int index)
    {
        hostIndex = index;
    }

    void connectionClose()
    {
        connectionClose = true;
    }

    void connectionKeepAlive()
    {
        connectionKeepAlive = true;
    }

    void expectContinue()
    {
        expectContinue = true;
    }
}
