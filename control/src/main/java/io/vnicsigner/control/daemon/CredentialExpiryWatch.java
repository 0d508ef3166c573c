package io.vnicsigner.control.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vnicsigner.control.config.TenantConfig;

/**
 * Warns before temporary tenant credentials expire: once when less than {@link #WARN_BEFORE} is left, and once when
 * they have expired. The daemon calls {@link #check} every minute and logs what it returns. The messages name the
 * tenant and the time, never a key.
 */
public final class CredentialExpiryWatch
{
    public static final Duration WARN_BEFORE = Duration.ofMinutes(15);

    private static final int NONE = 0;
    private static final int WARNED = 1;
    private static final int EXPIRED = 2;

    private final List<TenantConfig> tenants;
    private final Map<String, Integer> stage = new HashMap<>();

    public CredentialExpiryWatch(final List<TenantConfig> tenants)
    {
        this.tenants = tenants;
    }

    /** The warnings that became due since the last call. */
    public List<String> check(final Instant now)
    {
        final List<String> warnings = new ArrayList<>();
        for (final TenantConfig tenant : tenants)
        {
            final Duration left = tenant.timeLeft(now);
            if (left == null)
            {
                continue;
            }
            final int seen = stage.getOrDefault(tenant.id(), NONE);
            if (left.isNegative() || left.isZero())
            {
                if (seen < EXPIRED)
                {
                    warnings.add("credentials of tenant " + tenant.id() + " expired at " + tenant.expiration() +
                        "; the provider will refuse its requests until they are rotated");
                    stage.put(tenant.id(), EXPIRED);
                }
            }
            else if (left.compareTo(WARN_BEFORE) < 0 && seen < WARNED)
            {
                warnings.add("credentials of tenant " + tenant.id() + " expire at " + tenant.expiration() + " (in " +
                    left.toMinutes() + " min); rotate them");
                stage.put(tenant.id(), WARNED);
            }
        }
        return warnings;
    }
}
