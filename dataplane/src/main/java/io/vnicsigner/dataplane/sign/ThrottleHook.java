package io.vnicsigner.dataplane.sign;

/**
 * The second step of the signing path: rate limits per instance, tier and host. A throttled request gets 429 and
 * is never forwarded. {@link #UNLIMITED} admits everything.
 */
@FunctionalInterface
public interface ThrottleHook
{
    ThrottleHook UNLIMITED = (instance, routeIndex, nowNs) -> 0;

    /**
     * Takes one request's worth from the instance's budgets. Called on the agent thread; must not block.
     *
     * @return 0 when the request may go now, otherwise the seconds (at least 1) to send in {@code Retry-After}.
     */
    long acquire(SigningIdentity instance, int routeIndex, long nowNs);
}
