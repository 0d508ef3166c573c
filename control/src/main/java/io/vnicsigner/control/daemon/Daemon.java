package io.vnicsigner.control.daemon;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.vnicsigner.control.config.InstanceConfig;
import io.vnicsigner.control.config.RouteConfig;
import io.vnicsigner.control.config.TenantConfig;
import io.vnicsigner.control.config.VnicConfig;
import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.counters.LatencySnapshots;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.sign.InstanceServices;
import io.vnicsigner.dataplane.sign.RequestHooks;
import io.vnicsigner.dataplane.sign.SigningConfig;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.dataplane.sign.PayloadPolicy;
import io.vnicsigner.dataplane.sign.SigningRoute;
import io.vnicsigner.dataplane.upstream.UpstreamRoute;
import io.vnicsigner.signer.identity.IdentityDocument;
import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.token.SessionTokens;
import io.vnicsigner.dataplane.pipeline.Dataplane;
import io.vnicsigner.dataplane.pipeline.ThreadingMode;
import io.vnicsigner.dataplane.port.FaultInjectingPort;
import io.vnicsigner.dataplane.port.Port;
import io.vnicsigner.dataplane.port.PortSpecs;
import io.vnicsigner.linux.LinuxException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.status.CountersManager;

/**
 * The running daemon: the counters file, the opened ports and the dataplane over them. Closing it stops the agents,
 * closes the ports (which removes their TAP devices) and deletes the counters file.
 */
public final class Daemon implements AutoCloseable
{
    public static final String DEFAULT_DIR = "/run/vnic-signer";

    /** How often the latency histograms are written to {@link LatencySnapshots#FILE_NAME}. */
    public static final long LATENCY_PUBLISH_PERIOD_MS = 1000;

    private final CountersFile countersFile;
    private final Dataplane dataplane;
    private final LatencySnapshots latencySnapshots;
    private final ScheduledExecutorService publisher;

    private final ControlPlane control;

    private Daemon(final CountersFile countersFile, final Dataplane dataplane, final File dir, final ControlPlane control)
    {
        this.countersFile = countersFile;
        this.dataplane = dataplane;
        this.control = control;
        this.latencySnapshots = new LatencySnapshots(dir, dataplane.latencies());
        // Off the agents' threads: the interceptor only records; this thread encodes and writes the file.
        this.publisher = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "vnic-signer-latency");
            t.setDaemon(true);
            return t;
        });
        publisher.scheduleAtFixedRate(
            this::publishLatencies, 0, LATENCY_PUBLISH_PERIOD_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void publishLatencies()
    {
        try
        {
            synchronized (latencySnapshots)
            {
                latencySnapshots.publish();
            }
        }
        catch (final java.io.IOException | RuntimeException e)
        {
            System.err.println("vnic-signer: cannot write latency snapshot: " + e.getMessage());
        }
    }

    /**
     * Opens every port, then starts the dataplane. If any port fails, those already opened are closed again.
     *
     * @param modeOverride a threading mode to use instead of the config's (tests pass INVOKER), or null.
     * @throws StartException naming the port and the errno when a port cannot be opened.
     */
    public static Daemon start(final VnicConfig config, final File dir, final ThreadingMode modeOverride)
        throws StartException
    {
        return start(config, dir, modeOverride, null);
    }

    /**
     * As {@link #start(VnicConfig, File, ThreadingMode)}, with the policy, throttle and audit hooks the signing path
     * calls: the control plane's from the config when {@code hooksOverride} is null, else the given ones (tests).
     */
    public static Daemon start(
        final VnicConfig config, final File dir, final ThreadingMode modeOverride, final RequestHooks hooksOverride)
        throws StartException
    {
        final SigningConfig routing = signingConfig(config, RequestHooks.NONE);
        final List<Port> opened = new ArrayList<>();
        CountersFile countersFile = null;
        ControlPlane control = null;
        try
        {
            final Port uplink = open(config.uplinkPort(), "uplink", opened);
            final List<Dataplane.Guest> guests = new ArrayList<>();
            for (final InstanceConfig instance : config.instances())
            {
                final Port opened0 = open(instance.port(), "instance " + instance.id(), opened);
                final InstanceConfig.Faults faults = instance.faults();
                final Port port = faults == null ? opened0 : new FaultInjectingPort(
                    opened0, faults.seed(), faults.drop(), faults.duplicate(), faults.reorder());
                guests.add(new Dataplane.Guest(
                    instance.id(), instance.tenant(), instance.mac(), instance.ip(), instance.hopLimit(), port));
            }
            countersFile = CountersFile.create(
                dir, CountersFile.DEFAULT_MAX_COUNTERS, ProcessHandle.current().pid(), System.currentTimeMillis());
            final CountersManager manager = countersFile.newManager();
            // Policy, throttle and audit only matter when there is something to sign.
            control = routing.routes().isEmpty() || hooksOverride != null ? null :
                ControlPlane.start(config.control(), routing.routes(), routing.identities(), manager);
            final RequestHooks hooks = hooksOverride != null ? hooksOverride :
                control != null ? control.hooks() : RequestHooks.NONE;
            final SigningConfig signing = withInstanceServices(
                new SigningConfig(routing.routes(), routing.identities(), hooks), config, dir);
            final ThreadingMode mode = modeOverride != null ? modeOverride : config.threadingMode();
            final Dataplane dataplane = Dataplane.start(
                config.signingIp(), uplink, guests, mode, config.idleStrategy(), config.limits(), signing, manager,
                new SystemEpochNanoClock());
            return new Daemon(countersFile, dataplane, dir, control);
        }
        catch (final StartException | RuntimeException e)
        {
            opened.forEach(CloseHelper::quietClose);
            CloseHelper.quietClose(control);
            CloseHelper.quietClose(countersFile);
            throw e;
        }
    }

    /**
     * Builds the routes (resolving each upstream host and loading its CA file) and each instance's signing identity.
     */
    static SigningConfig signingConfig(final VnicConfig config, final RequestHooks hooks) throws StartException
    {
        if (config.routes().isEmpty())
        {
            return SigningConfig.NONE;
        }
        final List<SigningRoute> routes = new ArrayList<>();
        for (final RouteConfig route : config.routes())
        {
            final UpstreamRoute upstream;
            try
            {
                upstream = UpstreamRoute.of(route.upstream(), route.caFile())
                    .withConnectTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(route.connectTimeoutMs()))
                    .withResponseTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(route.responseTimeoutMs()))
                    .withMaxIdleConnections(route.maxIdleConnections());
            }
            catch (final java.io.IOException | java.security.GeneralSecurityException | RuntimeException e)
            {
                throw new StartException("cannot use upstream " + route.upstream() + ": " + e.getMessage());
            }
            routes.add((route.host() != null ?
                SigningRoute.forHost(route.host(), upstream, route.service(), route.region()) :
                SigningRoute.forPrefix(route.prefix(), upstream, route.service(), route.region()))
                .withPayload(PayloadPolicy.parse(route.payload())));
        }
        final java.util.Map<String, SigningIdentity> identities = new java.util.HashMap<>();
        for (final InstanceConfig instance : config.instances())
        {
            for (final TenantConfig tenant : config.tenants())
            {
                if (tenant.id().equals(instance.tenant()))
                {
                    identities.put(instance.id(), new SigningIdentity(tenant.id(), tenant.credentials(), IdentityHeaders.of(
                        instance.id(), instance.tenant(), MacAddress.format(instance.mac()), instance.imageDigest()),
                        instance.signedRequests()));
                }
            }
        }
        return new SigningConfig(List.copyOf(routes), identities, hooks);
    }

    /**
     * Adds the signing IP's own services: session tokens under a host key that lives only in memory, and each
     * instance's identity document signed with the host's Ed25519 key from {@code dir} (made on first start).
     */
    static SigningConfig withInstanceServices(final SigningConfig signing, final VnicConfig config, final File dir)
        throws StartException
    {
        if (signing.identities().isEmpty())
        {
            return signing;
        }
        final java.security.KeyPair hostKey;
        try
        {
            java.nio.file.Files.createDirectories(dir.toPath());
            hostKey = HostKey.loadOrCreate(dir);
        }
        catch (final java.io.IOException | java.security.GeneralSecurityException e)
        {
            throw new StartException("cannot load or make the host identity key in " + dir + ": " + e.getMessage());
        }
        final java.time.Instant issuedAt = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        final java.util.Map<String, InstanceServices.SignedDocument> documents = new java.util.HashMap<>();
        final java.util.Set<String> tokensRequired = new java.util.HashSet<>();
        for (final InstanceConfig instance : config.instances())
        {
            final SigningIdentity identity = signing.identities().get(instance.id());
            if (identity != null)
            {
                final byte[] json = IdentityDocument.render(identity.identityHeaders(), identity.tenant(), issuedAt);
                documents.put(instance.id(),
                    new InstanceServices.SignedDocument(json, IdentityDocument.sign(json, hostKey.getPrivate())));
            }
            if (instance.tokensRequired())
            {
                tokensRequired.add(instance.id());
            }
        }
        final SessionTokens tokens = new SessionTokens(new java.security.SecureRandom(), SessionTokens.MAX_TTL_SECONDS);
        return new SigningConfig(signing.routes(), signing.identities(), signing.hooks(),
            new InstanceServices(tokens, java.util.Set.copyOf(tokensRequired), java.util.Map.copyOf(documents)));
    }

    private static Port open(final String spec, final String owner, final List<Port> opened) throws StartException
    {
        try
        {
            final Port port = PortSpecs.open(spec);
            opened.add(port);
            return port;
        }
        catch (final LinuxException e)
        {
            throw new StartException("cannot open port " + spec + " for " + owner + ": " + e.getMessage());
        }
    }

    public Dataplane dataplane()
    {
        return dataplane;
    }

    public CountersFile countersFile()
    {
        return countersFile;
    }

    /** Policy, throttle and audit, or null when no route is configured (nothing is signed). */
    public ControlPlane control()
    {
        return control;
    }

    public void close()
    {
        publisher.shutdownNow();
        try
        {
            publisher.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietClose(dataplane);
        CloseHelper.quietClose(latencySnapshots);
        CloseHelper.quietClose(control);
        CloseHelper.quietClose(countersFile);
    }

    /** Writes the latency snapshot now rather than at the next period; for tests. */
    public void publishLatenciesNow() throws java.io.IOException
    {
        synchronized (latencySnapshots)
        {
            latencySnapshots.publish();
        }
    }

    /** A start-up failure with an operator-readable message. */
    public static final class StartException extends Exception
    {
        private static final long serialVersionUID = 1L;

        public StartException(final String message)
        {
            super(message);
        }
    }
}
