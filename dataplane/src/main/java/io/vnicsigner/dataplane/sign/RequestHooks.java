package io.vnicsigner.dataplane.sign;

/**
 * The control plane's call sites on the signing path, called in this order for every request that has a route:
 * policy, throttle, sign, audit append, forward.
 */
public record RequestHooks(PolicyHook policy, ThrottleHook throttle, AuditHook audit)
{
    public static final RequestHooks NONE = new RequestHooks(PolicyHook.ALLOW_ALL, ThrottleHook.UNLIMITED, AuditHook.NONE);
}
