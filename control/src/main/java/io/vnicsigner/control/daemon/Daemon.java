package io.vnicsigner.control.daemon;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import io.vnicsigner.control.config.InstanceConfig;
import io.vnicsigner.control.config.RouteConfig;
import io.vnicsigner.control.config.TenantConfig;
import io.vnicsigner.control.config.VnicConfig;
import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.sign.SigningConfig;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.dataplane.sign.SigningRoute;
import io.vnicsigner.dataplane.upstream.UpstreamRoute;
import io.vnicsigner.signer.identity.IdentityHeaders;
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

    private final CountersFile countersFile;
    private final Dataplane dataplane;
    private final ControlPlane control;

    private Daemon(final CountersFile countersFile, final Dataplane dataplane, final ControlPlane control)
    {
        this.countersFile = countersFile;
        this.dataplane = dataplane;
        this.control = control;
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
        final SigningConfig routing = signingConfig(config);
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
            control = routing.routes().isEmpty() ? null :
                ControlPlane.start(config.control(), routing.routes(), routing.identities(), manager);
            final SigningConfig signing = control == null ? routing :
                new SigningConfig(routing.routes(), routing.identities(), control.hooks());
            final ThreadingMode mode = modeOverride != null ? modeOverride : config.threadingMode();
            final Dataplane dataplane = Dataplane.start(
                config.signingIp(), uplink, guests, mode, config.idleStrategy(), config.limits(), signing, manager,
                new SystemEpochNanoClock());
            return new Daemon(countersFile, dataplane, control);
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
    static SigningConfig signingConfig(final VnicConfig config) throws StartException
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
                    .withResponseTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(route.responseTimeoutMs()));
            }
            catch (final java.io.IOException | java.security.GeneralSecurityException | RuntimeException e)
            {
                throw new StartException("cannot use upstream " + route.upstream() + ": " + e.getMessage());
            }
            routes.add(route.host() != null ?
                SigningRoute.forHost(route.host(), upstream, route.service(), route.region()) :
                SigningRoute.forPrefix(route.prefix(), upstream, route.service(), route.region()));
        }
        final java.util.Map<String, SigningIdentity> identities = new java.util.HashMap<>();
        for (final InstanceConfig instance : config.instances())
        {
            for (final TenantConfig tenant : config.tenants())
            {
                if (tenant.id().equals(instance.tenant()))
                {
                    identities.put(instance.id(), new SigningIdentity(tenant.id(), tenant.credentials(), IdentityHeaders.of(
                        instance.id(), instance.tenant(), MacAddress.format(instance.mac()), instance.imageDigest())));
                }
            }
        }
        return new SigningConfig(List.copyOf(routes), identities);
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
        CloseHelper.quietClose(dataplane);
        CloseHelper.quietClose(control);
        CloseHelper.quietClose(countersFile);
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
