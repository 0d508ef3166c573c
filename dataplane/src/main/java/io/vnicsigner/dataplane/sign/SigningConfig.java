package io.vnicsigner.dataplane.sign;

import java.util.List;
import java.util.Map;

/**
 * The routes, in match order, and each instance's signing identity by instance id. An empty route list turns
 * the signing path off: every request then goes to the local endpoints.
 */
public record SigningConfig(List<SigningRoute> routes, Map<String, SigningIdentity> identities)
{
    public static final SigningConfig NONE = new SigningConfig(List.of(), Map.of());
}
