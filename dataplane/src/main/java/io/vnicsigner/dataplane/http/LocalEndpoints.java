package io.vnicsigner.dataplane.http;

import org.agrona.DirectBuffer;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The interim built-in handler, until the upstream is wired in: {@code GET /vnic/v1/ping} answers
 * {@code {"ok":true}}, {@code POST /vnic/v1/echo} streams the request body back, anything else is a
 * JSON 404. Pure: the driver asks for a route at {@code HEADERS_COMPLETE}, then has the response
 * written piece by piece as the parser reports body data and the end of the message.
 */
public final class LocalEndpoints implements HttpBodyLimit
{
    public static final int ROUTE_PING = 1;
    public static final int ROUTE_ECHO = 2;
    public static final int ROUTE_NOT_FOUND = 3;

    private static final byte[] PING_PATH = ascii("/vnic/v1/ping");
    private static final byte[] ECHO_PATH = ascii("/vnic/v1/echo");
    private static final byte[] PING_BODY = ascii("{\"ok\":true}");
    private static final byte[] CONTENT_TYPE = ascii("Content-Type");
    private static final byte[] JSON = ascii("application/json");
    private static final byte[] OCTET_STREAM = ascii("application/octet-stream");

    /**
     * Which endpoint answers {@code request}; the query is ignored.
     */
    public int route(final HttpRequest request)
    {
        final int method = request.method();
        if ((method == HttpRequest.METHOD_GET || method == HttpRequest.METHOD_HEAD) && request.pathEquals(PING_PATH))
        {
            return ROUTE_PING;
        }
        if (method == HttpRequest.METHOD_POST && request.pathEquals(ECHO_PATH))
        {
            return ROUTE_ECHO;
        }
        return ROUTE_NOT_FOUND;
    }

    /**
     * Echo bodies are streamed straight back, so they have no limit; other routes keep the default.
     */
    public long maxBodyLength(final HttpRequest request, final long defaultMaxBodyLength)
    {
        return route(request) == ROUTE_ECHO ? Long.MAX_VALUE : defaultMaxBodyLength;
    }

    /**
     * Writes what can be answered once the head is known: the whole ping or 404 response, or for echo a
     * {@code 100 Continue} when asked and the head of the echoed response.
     *
     * @param close whether the connection closes after this response, from
     *              {@link HttpRequestParser#shouldClose()}.
     */
    public void onHeaders(
        final HttpRequest request, final int route, final boolean close, final HttpResponseWriter writer)
    {
        switch (route)
        {
            case ROUTE_PING:
                writer.status(HttpStatus.OK)
                    .header(CONTENT_TYPE, JSON)
                    .contentLength(PING_BODY.length)
                    .connection(close, request.version())
                    .endHeaders();
                if (!request.isHead())
                {
                    writer.body(PING_BODY);
                }
                break;

            case ROUTE_ECHO:
                if (request.isExpectContinue())
                {
                    writer.continueResponse();
                }
                writer.status(HttpStatus.OK).header(CONTENT_TYPE, OCTET_STREAM);
                if (request.isChunked())
                {
                    writer.chunked();
                }
                else
                {
                    writer.contentLength(Math.max(0, request.contentLength()));
                }
                writer.connection(close, request.version()).endHeaders();
                break;

            default:
                writer.errorResponse(HttpStatus.NOT_FOUND, null, -1, close, request);
                break;
        }
    }

    /**
     * Relays one {@code BODY_DATA} slice: echoed with the framing chosen in {@link #onHeaders}, dropped
     * for the other routes, whose request bodies are read and ignored.
     */
    public void onBodyData(
        final HttpRequest request,
        final int route,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final HttpResponseWriter writer)
    {
        if (route != ROUTE_ECHO)
        {
            return;
        }
        if (request.isChunked())
        {
            writer.chunk(buffer, offset, length);
        }
        else
        {
            writer.body(buffer, offset, length);
        }
    }

    /**
     * Ends the response at {@code MESSAGE_COMPLETE}: the last chunk of a chunked echo, nothing otherwise.
     */
    public void onMessageComplete(final HttpRequest request, final int route, final HttpResponseWriter writer)
    {
        if (route == ROUTE_ECHO && request.isChunked())
        {
            writer.lastChunk();
        }
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(US_ASCII);
    }
}
