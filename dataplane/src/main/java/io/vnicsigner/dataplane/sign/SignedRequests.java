package io.vnicsigner.dataplane.sign;

import java.util.Locale;

/**
 * What happens to a request that arrives already signed by the guest ({@code Authorization}, or
 * {@code X-Amz-Signature} in the query). Per instance for now; the control plane will take it from the instance's
 * named policy.
 */
public enum SignedRequests
{
    /** Refused with 403 {@code already_signed}: the default. */
    REJECT,
    /** Forwarded as the guest signed it: hop-by-hop fields dropped, {@code Host} as the guest sent it. */
    PASS,
    /** As {@link #PASS}, plus the identity headers and {@code x-vnic-countersignature}. */
    ENRICH;

    /** {@code reject}, {@code pass} or {@code enrich}, as the config spells it. */
    public String configName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value for a config name, or null when there is none. */
    public static SignedRequests ofConfigName(final String name)
    {
        for (final SignedRequests value : values())
        {
            if (value.configName().equals(name))
            {
                return value;
            }
        }
        return null;
    }
}
