package io.vnicsigner.dataplane.sign;

import io.vnicsigner.dataplane.http.HttpRequest;

/**
 * The audit trail of the signing path. {@link #onRequest} runs for every intercepted request that reached the
 * signing path, refused or not, and for a request that goes upstream it runs <em>before</em> the request is
 * forwarded: when it cannot append, the request is refused with 503 and never forwarded. {@link #NONE} records
 * nothing.
 */
public interface AuditHook
{
    /** {@link #onRequest} could not append the record. */
    long NOT_RECORDED = -1;

    AuditHook NONE = new AuditHook()
    {
        public long onRequest(
            final SigningIdentity instance, final HttpRequest request, final int routeIndex, final int status,
            final String reason, final long nowNs)
        {
            return 0;
        }

        public void onComplete(
            final long recordId, final int status, final long bytesUp, final long bytesDown, final long latencyNs)
        {
        }
    };

    /**
     * Records the decision on one request head.
     *
     * @param instance   the instance the request came from; null when the guest has no signing identity.
     * @param routeIndex the route, or -1 when none matched.
     * @param status     0 when the request is about to be forwarded, else the status it was refused with.
     * @param reason     why it was refused (a constant, never request data); null when it is forwarded.
     * @return the record's id, passed to {@link #onComplete}, or {@link #NOT_RECORDED}.
     */
    long onRequest(
        SigningIdentity instance, HttpRequest request, int routeIndex, int status, String reason, long nowNs);

    /**
     * The outcome of a forwarded request: the status relayed (or the local 5xx, or 0 when the guest was reset),
     * the body bytes sent upstream and relayed down, and the time from the request head to the end.
     */
    void onComplete(long recordId, int status, long bytesUp, long bytesDown, long latencyNs);
}
