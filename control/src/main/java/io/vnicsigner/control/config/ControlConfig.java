package io.vnicsigner.control.config;

import java.util.Map;

/**
 * The control plane's part of the config: the audit trail (null when off), the three tiers (defaults overridden
 * by {@code tiers:}), the named policies, the host-wide request cap, and each instance's tier and policy.
 *
 * @param hostRatePerSecond requests per second for the whole host, 0 for no cap.
 * @param assignments       by instance id; instances that name neither tier nor policy have none.
 */
public record ControlConfig(
    AuditConfig audit,
    Map<String, TierConfig> tiers,
    Map<String, PolicyConfig> policies,
    double hostRatePerSecond,
    int hostBurst,
    Map<String, Assignment> assignments)
{
    public static final ControlConfig NONE = new ControlConfig(null, Map.of(
        "free", TierConfig.FREE, "basic", TierConfig.BASIC, "premium", TierConfig.PREMIUM), Map.of(), 0, 0, Map.of());

    /**
     * An instance's tier and policy names, each null when not given.
     */
    public record Assignment(String tier, String policy)
    {
    }

    /** The policy that applies to an instance: its own, else its tier's default, else null (every route). */
    public PolicyConfig policyOf(final String instanceId)
    {
        final Assignment a = assignments.get(instanceId);
        if (a == null)
        {
            return null;
        }
        if (a.policy() != null)
        {
            return policies.get(a.policy());
        }
        final TierConfig tier = a.tier() == null ? null : tiers.get(a.tier());
        return tier == null || tier.policy() == null ? null : policies.get(tier.policy());
    }

    /** The instance's tier, or null when it names none (then only the host cap applies). */
    public TierConfig tierOf(final String instanceId)
    {
        final Assignment a = assignments.get(instanceId);
        return a == null || a.tier() == null ? null : tiers.get(a.tier());
    }
}
