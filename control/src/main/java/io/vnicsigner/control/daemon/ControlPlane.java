package io.vnicsigner.control.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.vnicsigner.control.audit.AuditRetention;
import io.vnicsigner.control.audit.AuditTrail;
import io.vnicsigner.control.config.AuditConfig;
import io.vnicsigner.control.config.ControlConfig;
import io.vnicsigner.control.policy.PolicyTable;
import io.vnicsigner.control.throttle.Throttle;
import io.vnicsigner.dataplane.sign.AuditHook;
import io.vnicsigner.dataplane.sign.RequestHooks;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.dataplane.sign.SigningRoute;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.CountersManager;

/**
 * The policy table, throttle and audit trail built from the config, as the hooks the signing path calls, plus the
 * housekeeping thread that applies audit retention hourly. Closed after the dataplane has stopped.
 */
public final class ControlPlane implements AutoCloseable
{
    private static final long RETENTION_PERIOD_MINUTES = 60;
    /** Counter type id of the lost-outcome counter (the control plane's ids are 75-89). */
    public static final int AUDIT_OUTCOMES_LOST_TYPE = 78;

    private final PolicyTable policy;
    private final Throttle throttle;
    private final AuditTrail audit;
    private final ScheduledExecutorService housekeeping;

    private ControlPlane(
        final PolicyTable policy, final Throttle throttle, final AuditTrail audit,
        final ScheduledExecutorService housekeeping)
    {
        this.policy = policy;
        this.throttle = throttle;
        this.audit = audit;
        this.housekeeping = housekeeping;
    }

    /**
     * @param identities each instance's signing identity (the instances that can be signed for).
     * @param counters   where the throttle's per-instance and per-tenant counters go.
     */
    static ControlPlane start(
        final ControlConfig control, final List<SigningRoute> routes, final Map<String, SigningIdentity> identities,
        final CountersManager counters) throws Daemon.StartException
    {
        final PolicyTable policy = PolicyTable.of(control, identities.keySet());
        final Map<String, String> tenantOf = new java.util.HashMap<>();
        identities.forEach((id, identity) -> tenantOf.put(id, identity.tenant()));
        final Throttle throttle = new Throttle(control, tenantOf, counters);
        final AuditConfig auditConfig = control.audit();
        if (auditConfig == null)
        {
            return new ControlPlane(policy, throttle, null, null);
        }
        final AuditTrail audit;
        try
        {
            Files.createDirectories(auditConfig.dir());
            AuditRetention.apply(auditConfig.dir(), System.currentTimeMillis(), auditConfig.retentionDays());
            final String[] labels = routes.stream().map(SigningRoute::toString).toArray(String[]::new);
            audit = new AuditTrail(AuditTrail.openQueue(auditConfig.dir()), labels, policy, throttle)
                .outcomesLostCounter(counters.newCounter("audit outcome records lost (append failed)",
                    AUDIT_OUTCOMES_LOST_TYPE));
        }
        catch (final IOException | RuntimeException e)
        {
            throw new Daemon.StartException("cannot open the audit queue in " + auditConfig.dir() + ": " + e);
        }
        ScheduledExecutorService housekeeping = null;
        if (auditConfig.retentionDays() > 0)
        {
            housekeeping = Executors.newSingleThreadScheduledExecutor(r ->
            {
                final Thread t = new Thread(r, "vnic-audit-retention");
                t.setDaemon(true);
                return t;
            });
            housekeeping.scheduleAtFixedRate(() -> retain(audit, auditConfig), RETENTION_PERIOD_MINUTES,
                RETENTION_PERIOD_MINUTES, TimeUnit.MINUTES);
        }
        return new ControlPlane(policy, throttle, audit, housekeeping);
    }

    private static void retain(final AuditTrail audit, final AuditConfig config)
    {
        try
        {
            if (!AuditRetention.apply(config.dir(), System.currentTimeMillis(), config.retentionDays()).isEmpty())
            {
                audit.queue().refreshDirectoryListing();
            }
        }
        catch (final IOException | RuntimeException e)
        {
            System.err.println("vnic-signer: audit retention in " + config.dir() + " failed: " + e.getMessage());
        }
    }

    public RequestHooks hooks()
    {
        return new RequestHooks(policy, throttle, audit != null ? audit : AuditHook.NONE);
    }

    public PolicyTable policy()
    {
        return policy;
    }

    public Throttle throttle()
    {
        return throttle;
    }

    /** The audit trail, or null when the config has no {@code audit:}. */
    public AuditTrail audit()
    {
        return audit;
    }

    public void close()
    {
        if (housekeeping != null)
        {
            housekeeping.shutdownNow();
        }
        CloseHelper.quietClose(audit);
    }
}
