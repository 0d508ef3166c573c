package io.vnicsigner.dataplane.sign;

import io.vnicsigner.dataplane.http.HttpRequest;

/**
 * The first step of the signing path: may this instance make this request on this route? The control plane
 * supplies the real policy; {@link #ALLOW_ALL} lets every routed request through, since routes are an allowlist.
 */
@FunctionalInterface
public interface PolicyHook
{
    /** The request may go on. */
    int ALLOW = 0;

    PolicyHook ALLOW_ALL = (instance, request, routeIndex, nowNs) -> ALLOW;

    /**
     * Called on the agent thread once per request head, before it is signed; must not block or allocate.
     *
     * @return {@link #ALLOW}, or the HTTP status the guest gets instead (401, 403 or 413).
     */
    int decide(SigningIdentity instance, HttpRequest request, int routeIndex, long nowNs);
}
