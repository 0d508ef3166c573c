package io.vnicsigner.control.policy;

import java.util.HashMap;
import java.util.Map;

import io.vnicsigner.control.config.ControlConfig;
import io.vnicsigner.control.config.PolicyConfig;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.sign.PolicyHook;
import io.vnicsigner.dataplane.sign.SigningIdentity;

/**
 * The policy hook: each instance's compiled policy (its own, else its tier's), looked up by instance id. An instance
 * without one may use every route. The reason of the last decision is kept for the audit record that follows it on
 * the same thread.
 */
public final class PolicyTable implements PolicyHook
{
    /** The reason recorded when an instance has no policy. */
    public static final String NO_POLICY = "no policy: every route";

    private final Map<String, CompiledPolicy> byInstance;
    private String lastReason;

    public PolicyTable(final Map<String, CompiledPolicy> byInstance)
    {
        this.byInstance = new HashMap<>(byInstance);
    }

    /** Compiles each named policy once and gives every instance its own or its tier's. */
    public static PolicyTable of(final ControlConfig control, final Iterable<String> instanceIds)
    {
        final Map<String, CompiledPolicy> compiled = new HashMap<>();
        final Map<String, CompiledPolicy> byInstance = new HashMap<>();
        for (final String id : instanceIds)
        {
            final PolicyConfig policy = control.policyOf(id);
            if (policy != null)
            {
                byInstance.put(id, compiled.computeIfAbsent(policy.name(), n -> new CompiledPolicy(policy)));
            }
        }
        return new PolicyTable(byInstance);
    }

    public int decide(final SigningIdentity instance, final HttpRequest request, final int routeIndex, final long nowNs)
    {
        final CompiledPolicy policy = instance == null ? null : byInstance.get(instance.instanceId());
        if (policy == null)
        {
            lastReason = NO_POLICY;
            return ALLOW;
        }
        final int decision = policy.decide(request);
        lastReason = policy.lastReason();
        return decision;
    }

    /** Why the last {@link #decide} answered as it did; read on the same thread, right after. */
    public String lastReason()
    {
        return lastReason;
    }

    /** The policy name an instance is held to, or null. */
    public String policyOf(final String instanceId)
    {
        final CompiledPolicy policy = byInstance.get(instanceId);
        return policy == null ? null : policy.name();
    }
}
