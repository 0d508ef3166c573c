package io.vnicsigner.dataplane.http;

/**
 * Chooses the body limit of one request once its head is parsed, so that a route allowed to stream
 * (the echo endpoint, {@code UNSIGNED-PAYLOAD} uploads) can lift the buffered-body default.
 */
@FunctionalInterface
public interface HttpBodyLimit
{
    /**
     * The most body bytes this request may carry; called once per request, before {@code HEADERS_COMPLETE}.
     *
     * @param request             the parsed head.
     * @param defaultMaxBodyLength {@link HttpLimits#maxBodyLength()}.
     * @return the limit in bytes, {@link Long#MAX_VALUE} for none.
     */
    long maxBodyLength(HttpRequest request, long defaultMaxBodyLength);
}
