package io.vnicsigner.dataplane.sign;

import java.util.List;
import java.util.Map;

/**
 * The routes, in match order, each instance's signing identity by instance id, the control plane's hooks, and what
 * the signing IP serves instances itself (tokens, identity documents). An empty route list turns the signing path
 * off: every request then goes to the local endpoints.
 */
public record SigningConfig(
    List<SigningRoute> routes, Map<String, SigningIdentity> identities, RequestHooks hooks, InstanceServices services)
{
    public static final SigningConfig NONE = new SigningConfig(List.of(), Map.of());

    public SigningConfig(final List<SigningRoute> routes, final Map<String, SigningIdentity> identities)
    {
        this(routes, identities, RequestHooks.NONE);
    }

    public SigningConfig(
        final List<SigningRoute> routes, final Map<String, SigningIdentity> identities, final RequestHooks hooks)
    {
        this(routes, identities, hooks, InstanceServices.NONE);
    }
}
