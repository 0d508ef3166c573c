package io.vnicsigner.dataplane.upstream;

import org.agrona.DirectBuffer;

/**
 * Receives the outcome of upstream exchanges, called from {@link UpstreamConnector#doWork(long)} on the
 * agent thread. Views passed in are valid only during the call.
 */
public interface UpstreamHandler
{
    /**
     * The final (non-1xx) response head arrived.
     */
    void onResponseHead(int exchangeId, HttpResponseParser response);

    /**
     * A slice of de-chunked body; returns how many bytes were taken (0 to {@code length}). What is not
     * taken is offered again on a later duty cycle, and the connector stops reading the socket meanwhile.
     */
    int onResponseBody(int exchangeId, DirectBuffer buffer, int offset, int length);

    /**
     * The body ended; the exchange id is no longer valid.
     */
    void onResponseComplete(int exchangeId);

    /**
     * The exchange failed for an {@link UpstreamFailure} reason; the exchange id is no longer valid.
     */
    void onFailed(int exchangeId, int reason);
}
