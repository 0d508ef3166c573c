package io.vnicsigner.control.throttle;

import java.util.HashMap;
import java.util.Map;

import io.vnicsigner.control.config.ControlConfig;
import io.vnicsigner.control.config.TierConfig;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.dataplane.sign.ThrottleHook;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * The throttle hook: per instance, its tier's quota for the UTC day and token bucket; then the host-wide bucket. A
 * request is admitted only when all of them have room, and only then takes from each, so a refusal costs nothing.
 * Admissions and refusals are counted per instance and refusals per tenant, in counters a reader of the counters
 * file sees. Called on the one agent thread that signs; reads no clock of its own.
 */
public final class Throttle implements ThrottleHook
{
    /** Counter type ids in the counters file (ids 75-89 belong to the control plane's throttle). */
    public static final int ADMITTED_TYPE = 75;
    public static final int THROTTLED_TYPE = 76;
    public static final int TENANT_THROTTLED_TYPE = 77;
    public static final long NANOS_PER_DAY = 86_400_000_000_000L;
    public static final String QUOTA = "throttle: daily quota used up";
    public static final String INSTANCE_RATE = "throttle: instance rate";
    public static final String HOST_RATE = "throttle: host-wide rate";
    public static final String ADMITTED = "throttle: admitted";

    private final Map<String, Budget> byInstance = new HashMap<>();
    private final Map<String, AtomicCounter> throttledByTenant = new HashMap<>();
    private final TokenBucket host;
    private String lastReason;

    private static final class Budget
    {
        final String tier;
        final TokenBucket bucket;
        final long dailyQuota;
        final AtomicCounter admitted;
        final AtomicCounter throttled;
        final AtomicCounter tenantThrottled;
        long day = Long.MIN_VALUE;
        long usedToday;

        Budget(final TierConfig tier, final AtomicCounter admitted, final AtomicCounter throttled,
            final AtomicCounter tenantThrottled)
        {
            this.tier = tier == null ? null : tier.name();
            this.bucket = tier == null ? null : new TokenBucket(tier.ratePerSecond(), tier.burst());
            this.dailyQuota = tier == null ? 0 : tier.dailyQuota();
            this.admitted = admitted;
            this.throttled = throttled;
            this.tenantThrottled = tenantThrottled;
        }
    }

    /**
     * @param tenantOf each instance's tenant, by instance id.
     * @param counters where the per-instance and per-tenant counters are allocated.
     */
    public Throttle(final ControlConfig control, final Map<String, String> tenantOf, final CountersManager counters)
    {
        host = control.hostRatePerSecond() > 0 ? new TokenBucket(control.hostRatePerSecond(), control.hostBurst()) : null;
        for (final Map.Entry<String, String> e : tenantOf.entrySet())
        {
            final String id = e.getKey();
            final String tenant = e.getValue();
            final AtomicCounter tenantThrottled = throttledByTenant.computeIfAbsent(tenant,
                t -> counters.newCounter("throttled tenant " + t, TENANT_THROTTLED_TYPE));
            final TierConfig tier = control.tierOf(id);
            final String suffix = " instance " + id + " (tenant " + tenant + ", tier " +
                (tier == null ? "none" : tier.name()) + ")";
            byInstance.put(id, new Budget(tier, counters.newCounter("admitted" + suffix, ADMITTED_TYPE),
                counters.newCounter("throttled" + suffix, THROTTLED_TYPE), tenantThrottled));
        }
    }

    public long acquire(final SigningIdentity instance, final int routeIndex, final long nowNs)
    {
        final Budget budget = instance == null ? null : byInstance.get(instance.instanceId());
        if (budget == null)
        {
            lastReason = ADMITTED;
            return 0; // an instance the throttle was not built for (cannot happen when the daemon wires both)
        }
        final long day = Math.floorDiv(nowNs, NANOS_PER_DAY);
        if (day != budget.day)
        {
            budget.day = day;
            budget.usedToday = 0;
        }
        if (budget.dailyQuota > 0 && budget.usedToday >= budget.dailyQuota)
        {
            return refuse(budget, QUOTA, (day + 1) * NANOS_PER_DAY - nowNs);
        }
        if (budget.bucket != null)
        {
            budget.bucket.refill(nowNs);
            if (!budget.bucket.hasToken())
            {
                return refuse(budget, INSTANCE_RATE, budget.bucket.nanosUntilToken());
            }
        }
        if (host != null)
        {
            host.refill(nowNs);
            if (!host.hasToken())
            {
                return refuse(budget, HOST_RATE, host.nanosUntilToken());
            }
            host.take();
        }
        if (budget.bucket != null)
        {
            budget.bucket.take();
        }
        budget.usedToday++;
        budget.admitted.incrementRelease();
        lastReason = ADMITTED;
        return 0;
    }

    private long refuse(final Budget budget, final String reason, final long waitNs)
    {
        budget.throttled.incrementRelease();
        budget.tenantThrottled.incrementRelease();
        lastReason = reason;
        return Math.max(1, (waitNs + 999_999_999L) / 1_000_000_000L);
    }

    /** Why the last {@link #acquire} answered as it did; read on the same thread, right after. */
    public String lastReason()
    {
        return lastReason;
    }

    /** Requests admitted for an instance so far (-1 when unknown); safe from any thread. */
    public long admitted(final String instanceId)
    {
        final Budget budget = byInstance.get(instanceId);
        return budget == null ? -1 : budget.admitted.get();
    }

    /** Requests refused with 429 for an instance so far (-1 when unknown); safe from any thread. */
    public long throttled(final String instanceId)
    {
        final Budget budget = byInstance.get(instanceId);
        return budget == null ? -1 : budget.throttled.get();
    }

    /** Requests refused with 429 for all of a tenant's instances (-1 when unknown); safe from any thread. */
    public long throttledForTenant(final String tenant)
    {
        final AtomicCounter counter = throttledByTenant.get(tenant);
        return counter == null ? -1 : counter.get();
    }

    /** Counter values by label, for printing; the same labels {@code vnic-signer stats} shows. */
    public static Map<String, Long> read(final CountersReader reader)
    {
        final Map<String, Long> values = new java.util.TreeMap<>();
        reader.forEach((id, type, key, label) ->
        {
            if (type == ADMITTED_TYPE || type == THROTTLED_TYPE || type == TENANT_THROTTLED_TYPE)
            {
                values.put(label, reader.getCounterValue(id));
            }
        });
        return values;
    }
}
