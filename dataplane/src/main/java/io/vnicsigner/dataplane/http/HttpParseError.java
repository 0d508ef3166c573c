package io.vnicsigner.dataplane.http;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Stable reason codes for rejected requests, each mapped to the status the codec answers with and a
 * short name used as the {@code "error"} value of the JSON body and as a counter label.
 */
public final class HttpParseError
{
    public static final int NONE = 0;
    public static final int BARE_CR = 1;
    public static final int BARE_LF = 2;
    public static final int OBS_FOLD = 3;
    public static final int WHITESPACE_BEFORE_COLON = 4;
    public static final int INVALID_METHOD = 5;
    public static final int INVALID_TARGET = 6;
    public static final int INVALID_VERSION = 7;
    public static final int UNSUPPORTED_VERSION = 8;
    public static final int INVALID_HEADER_NAME = 9;
    public static final int INVALID_HEADER_VALUE = 10;
    public static final int DUPLICATE_CONTENT_LENGTH = 11;
    public static final int INVALID_CONTENT_LENGTH = 12;
    public static final int CONTENT_LENGTH_WITH_TRANSFER_ENCODING = 13;
    public static final int CHUNKED_NOT_FINAL = 14;
    public static final int UNSUPPORTED_TRANSFER_CODING = 15;
    public static final int INVALID_TRANSFER_ENCODING = 16;
    public static final int TRANSFER_ENCODING_IN_HTTP_1_0 = 17;
    public static final int MISSING_HOST = 18;
    public static final int DUPLICATE_HOST = 19;
    public static final int INVALID_HOST = 20;
    public static final int INVALID_CHUNK_SIZE = 21;
    public static final int CHUNK_SIZE_OVERFLOW = 22;
    public static final int INVALID_CHUNK_EXTENSION = 23;
    public static final int CHUNK_LINE_TOO_LONG = 24;
    public static final int MISSING_CHUNK_CRLF = 25;
    public static final int INVALID_TRAILER = 26;
    public static final int TRAILERS_TOO_LARGE = 27;
    public static final int REQUEST_LINE_TOO_LONG = 28;
    public static final int HEADERS_TOO_LARGE = 29;
    public static final int TOO_MANY_HEADERS = 30;
    public static final int BODY_TOO_LARGE = 31;

    private static final String[] NAMES =
    {
        "none",
        "bare_cr",
        "bare_lf",
        "obs_fold",
        "whitespace_before_colon",
        "invalid_method",
        "invalid_target",
        "invalid_version",
        "unsupported_version",
        "invalid_header_name",
        "invalid_header_value",
        "duplicate_content_length",
        "invalid_content_length",
        "content_length_with_transfer_encoding",
        "chunked_not_final",
        "unsupported_transfer_coding",
        "invalid_transfer_encoding",
        "transfer_encoding_in_http_1_0",
        "missing_host",
        "duplicate_host",
        "invalid_host",
        "invalid_chunk_size",
        "chunk_size_overflow",
        "invalid_chunk_extension",
        "chunk_line_too_long",
        "missing_chunk_crlf",
        "invalid_trailer",
        "trailers_too_large",
        "request_line_too_long",
        "headers_too_large",
        "too_many_headers",
        "body_too_large",
    };

    private static final byte[][] NAME_BYTES = new byte[NAMES.length][];

    static
    {
        for (int i = 0; i < NAMES.length; i++)
        {
            NAME_BYTES[i] = NAMES[i].getBytes(US_ASCII);
        }
    }

    private HttpParseError()
    {
    }

    /**
     * The number of reason codes, so that a driver can size a counter array indexed by code.
     */
    public static int count()
    {
        return NAMES.length;
    }

    /**
     * The stable snake_case name of a reason code.
     */
    public static String name(final int code)
    {
        return NAMES[code];
    }

    static byte[] nameBytes(final int code)
    {
        return NAME_BYTES[code];
    }

    /**
     * The status a request rejected for this reason is answered with.
     */
    public static int status(final int code)
    {
        return switch (code)
        {
            case NONE -> HttpStatus.OK;
            case UNSUPPORTED_VERSION -> HttpStatus.HTTP_VERSION_NOT_SUPPORTED;
            case UNSUPPORTED_TRANSFER_CODING -> HttpStatus.NOT_IMPLEMENTED;
            case REQUEST_LINE_TOO_LONG -> HttpStatus.URI_TOO_LONG;
            case HEADERS_TOO_LARGE, TOO_MANY_HEADERS, TRAILERS_TOO_LARGE ->
                HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            case BODY_TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            default -> HttpStatus.BAD_REQUEST;
        };
    }
}
