package io.vnicsigner.dataplane.http;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Status codes the codec writes, with their reason phrases and pre-encoded status lines so that
 * writing a response never formats text.
 */
public final class HttpStatus
{
    public static final int CONTINUE = 100;
    public static final int OK = 200;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHORIZED = 401;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int CONTENT_TOO_LARGE = 413;
    public static final int URI_TOO_LONG = 414;
    public static final int TOO_MANY_REQUESTS = 429;
    public static final int REQUEST_HEADER_FIELDS_TOO_LARGE = 431;
    public static final int NOT_IMPLEMENTED = 501;
    public static final int BAD_GATEWAY = 502;
    public static final int SERVICE_UNAVAILABLE = 503;
    public static final int GATEWAY_TIMEOUT = 504;
    public static final int HTTP_VERSION_NOT_SUPPORTED = 505;

    private static final int MIN = 100;
    private static final int MAX = 599;
    private static final byte[][] STATUS_LINES = new byte[MAX + 1][];
    private static final byte[][] ERROR_NAMES = new byte[MAX + 1][];

    static
    {
        status(100, "Continue", null);
        status(101, "Switching Protocols", null);
        status(200, "OK", null);
        status(201, "Created", null);
        status(202, "Accepted", null);
        status(204, "No Content", null);
        status(206, "Partial Content", null);
        status(301, "Moved Permanently", null);
        status(302, "Found", null);
        status(304, "Not Modified", null);
        status(307, "Temporary Redirect", null);
        status(308, "Permanent Redirect", null);
        status(400, "Bad Request", "malformed");
        status(401, "Unauthorized", "token");
        status(403, "Forbidden", "forbidden");
        status(404, "Not Found", "no_route");
        status(405, "Method Not Allowed", "method_not_allowed");
        status(408, "Request Timeout", "request_timeout");
        status(409, "Conflict", "conflict");
        status(411, "Length Required", "length_required");
        status(412, "Precondition Failed", "precondition_failed");
        status(413, "Content Too Large", "body_too_large");
        status(414, "URI Too Long", "request_line_too_long");
        status(416, "Range Not Satisfiable", "range_not_satisfiable");
        status(417, "Expectation Failed", "expectation_failed");
        status(429, "Too Many Requests", "throttled");
        status(431, "Request Header Fields Too Large", "headers_too_large");
        status(500, "Internal Server Error", "internal");
        status(501, "Not Implemented", "not_implemented");
        status(502, "Bad Gateway", "upstream_unreachable");
        status(503, "Service Unavailable", "overloaded");
        status(504, "Gateway Timeout", "upstream_timeout");
        status(505, "HTTP Version Not Supported", "version_not_supported");
    }

    private HttpStatus()
    {
    }

    /**
     * The encoded {@code HTTP/1.1 <code> <reason>\r\n} line, or null for a code not in the table.
     */
    static byte[] statusLine(final int status)
    {
        return status >= MIN && status <= MAX ? STATUS_LINES[status] : null;
    }

    /**
     * The default {@code "error"} value of a local JSON error body, or null when the code has none.
     */
    static byte[] errorName(final int status)
    {
        return status >= MIN && status <= MAX ? ERROR_NAMES[status] : null;
    }

    /**
     * True when this class knows the status code and its reason phrase.
     */
    public static boolean isKnown(final int status)
    {
        return statusLine(status) != null;
    }

    private static void status(final int code, final String reason, final String errorName)
    {
        STATUS_LINES[code] = ("HTTP/1.1 " + code + " " + reason + "\r\n").getBytes(US_ASCII);
        if (null != errorName)
        {
            ERROR_NAMES[code] = errorName.getBytes(US_ASCII);
        }
    }
}
