package io.vnicsigner.dataplane.pipeline;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.vnicsigner.dataplane.counters.PortCounters;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.intercept.SigningIpResponder;
import io.vnicsigner.dataplane.http.HttpLimits;
import io.vnicsigner.dataplane.intercept.HttpSessions;
import io.vnicsigner.dataplane.intercept.TcpInterceptor;
import io.vnicsigner.dataplane.sign.RequestSigner;
import io.vnicsigner.dataplane.sign.SigningConfig;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.dataplane.sign.SigningRoute;
import io.vnicsigner.dataplane.tcp.TcpConfig;
import io.vnicsigner.dataplane.tcp.TcpEndpoint;
import io.vnicsigner.dataplane.port.Port;
import io.vnicsigner.dataplane.switching.GuestPort;
import io.vnicsigner.dataplane.switching.SigningIp;
import io.vnicsigner.dataplane.switching.SwitchAgent;
import io.vnicsigner.dataplane.switching.Transmitter;
import io.vnicsigner.dataplane.upstream.UpstreamConfig;
import io.vnicsigner.dataplane.upstream.UpstreamConnector;
import io.vnicsigner.dataplane.upstream.UpstreamRoute;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersManager;

/**
 * Assembles the agents over opened ports and runs them in the chosen {@link ThreadingMode}. Closing it stops the
 * agents and closes every port.
 * <p>
 * Today everything runs in one agent: the switch's duty cycle drives the TCP endpoint, the HTTP sessions, the
 * signing and the {@link UpstreamConnector}. Splitting them into separate Agrona agents joined by ring buffers
 * (port I/O, interceptor, sign, upstream) is not done yet.
 */
public final class Dataplane implements AutoCloseable
{
    /** One guest: the instance it is bound to and its opened port. */
    public record Guest(String instanceId, String tenant, long mac, int ip, int hopLimit, Port port)
    {
    }

    private final Port uplink;
    private final GuestPort[] guests;
    private final List<PortCounters> portCounters;
    private final SwitchAgent switchAgent;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private final UpstreamConnector upstream;
    private final TcpEndpoint tcpEndpoint;

    private Dataplane(
        final Port uplink, final GuestPort[] guests, final List<PortCounters> portCounters,
        final SwitchAgent switchAgent, final AgentRunner runner, final AgentInvoker invoker,
        final UpstreamConnector upstream, final TcpEndpoint tcpEndpoint)
    {
        this.upstream = upstream;
        this.tcpEndpoint = tcpEndpoint;
        this.uplink = uplink;
        this.guests = guests;
        this.portCounters = portCounters;
        this.switchAgent = switchAgent;
        this.runner = runner;
        this.invoker = invoker;
    }

    public static Dataplane start(
        final SigningIp signingIp, final Port uplink, final List<Guest> guestSpecs, final ThreadingMode mode,
        final String idleStrategy, final CountersManager manager, final EpochNanoClock clock)
    {
        return start(signingIp, uplink, guestSpecs, mode, idleStrategy, DataplaneLimits.defaults(), manager, clock);
    }

    public static Dataplane start(
        final SigningIp signingIp, final Port uplink, final List<Guest> guestSpecs, final ThreadingMode mode,
        final String idleStrategy, final DataplaneLimits limits, final CountersManager manager,
        final EpochNanoClock clock)
    {
        return start(signingIp, uplink, guestSpecs, mode, idleStrategy, limits, SigningConfig.NONE, manager, clock);
    }

    /**
     * @param signing routes and signing identities; {@link SigningConfig#NONE} answers every request locally.
     */
    public static Dataplane start(
        final SigningIp signingIp, final Port uplink, final List<Guest> guestSpecs, final ThreadingMode mode,
        final String idleStrategy, final DataplaneLimits limits, final SigningConfig signing,
        final CountersManager manager, final EpochNanoClock clock)
    {
        final SystemCounters counters = new SystemCounters(manager);
        final PortCounters uplinkCounters = new PortCounters(manager, uplink.name());
        final GuestPort[] guests = new GuestPort[guestSpecs.size()];
        final int[] pollFds = new int[guestSpecs.size() + 1];
        pollFds[0] = uplink.pollFd();
        final ArrayList<PortCounters> allCounters = new ArrayList<>();
        allCounters.add(uplinkCounters);
        for (int i = 0; i < guests.length; i++)
        {
            final Guest g = guestSpecs.get(i);
            final PortCounters pc = new PortCounters(manager, g.port().name());
            allCounters.add(pc);
            guests[i] = new GuestPort(g.instanceId(), g.tenant(), g.mac(), g.ip(), g.hopLimit(), g.port(), pc);
            pollFds[i + 1] = g.port().pollFd();
        }
        final Transmitter transmitter = new Transmitter(counters);
        final TcpConfig tcpConfig = tcpConfig(signingIp, limits);
        final boolean signingOn = !signing.routes().isEmpty();
        final Int2ObjectHashMap<SigningIdentity> identities = new Int2ObjectHashMap<>();
        for (final Guest g : guestSpecs)
        {
            final SigningIdentity identity = signing.identities().get(g.instanceId());
            if (identity != null)
            {
                identities.put(g.ip(), identity);
            }
        }
        final RequestSigner signer = signingOn ? new RequestSigner(signing.routes().toArray(new SigningRoute[0])) : null;
        final HttpSessions[] sessions = new HttpSessions[1];
        final TcpInterceptor tcp = new TcpInterceptor(
            signingIp, guests, counters, transmitter, sink -> new TcpEndpoint(tcpConfig, sink),
            endpoint -> sessions[0] = new HttpSessions(endpoint, counters, new HttpLimits(), limits.httpSessions(),
                limits.connections(), limits.headerReadTimeoutNs(), signer, identities, limits.maxBufferedBody(),
                limits.bodyPoolBytes()), limits.verifyChecksums());
        UpstreamConnector upstream = null;
        if (signingOn)
        {
            final UpstreamRoute[] upstreamRoutes = signing.routes().stream()
                .map(SigningRoute::upstream).toArray(UpstreamRoute[]::new);
            try
            {
                upstream = new UpstreamConnector(UpstreamConfig.defaults(), upstreamRoutes, sessions[0]);
            }
            catch (final java.io.IOException e)
            {
                throw new java.io.UncheckedIOException("cannot open the upstream selector", e);
            }
            sessions[0].upstream(upstream);
            sessions[0].hooks(signing.hooks());
            sessions[0].services(signing.services());
        }
        final SigningIpResponder responder = new SigningIpResponder(signingIp, counters, transmitter, tcp);
        final SwitchAgent switchAgent = new SwitchAgent(
            uplink, uplinkCounters, guests, signingIp, counters, transmitter, responder, clock);

        final ErrorHandler errorHandler = t ->
        {
            counters.increment(SystemCounter.ERRORS);
            System.err.println("vnic-signer: agent error: " + t);
        };
        final Agent agent = switchAgent;
        AgentRunner runner = null;
        AgentInvoker invoker = null;
        switch (mode)
        {
            case INVOKER ->
            {
                invoker = new AgentInvoker(errorHandler, null, agent);
                invoker.start();
            }
            case SHARED, DEDICATED ->
            {
                // One agent today, so both modes give it one thread; SHARED wraps it for when more agents join.
                final Agent toRun = mode == ThreadingMode.SHARED ? new CompositeAgent(agent) : agent;
                final IdleStrategy idle = IdleStrategies.create(idleStrategy, validFds(pollFds));
                runner = new AgentRunner(idle, errorHandler, null, toRun);
                AgentRunner.startOnThread(runner);
            }
        }
        return new Dataplane(uplink, guests, allCounters, switchAgent, runner, invoker, upstream, tcp.endpoint());
    }

    private static TcpConfig tcpConfig(final SigningIp signingIp, final DataplaneLimits limits)
    {
        // Keys for RFC 6528 ISNs and SYN cookies are drawn fresh at every start.
        final SecureRandom random = new SecureRandom();
        return new TcpConfig()
            .localIp(signingIp.ip())
            .maxConnections(limits.connections())
            .maxConnectionsPerInstance(limits.connectionsPerInstance())
            .maxHalfOpen(limits.halfOpen())
            .receiveBufferCount(limits.tcpBuffers())
            .sendBufferCount(limits.tcpBuffers())
            .idleTimeoutNs(limits.idleTimeoutNs())
            .headerReadTimeoutNs(limits.headerReadTimeoutNs())
            .isnKey(random.nextLong(), random.nextLong())
            .cookieKey(random.nextLong(), random.nextLong());
    }

    private static int[] validFds(final int[] fds)
    {
        return Arrays.stream(fds).filter(fd -> fd >= 0).toArray();
    }

    /** The invoker in {@link ThreadingMode#INVOKER} mode, null otherwise. */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    public SwitchAgent switchAgent()
    {
        return switchAgent;
    }

    /** The userspace TCP endpoint of the signing IP, for its connection and buffer counts. */
    public TcpEndpoint tcpEndpoint()
    {
        return tcpEndpoint;
    }

    public void close()
    {
        CloseHelper.quietClose(runner);
        CloseHelper.quietClose(invoker);
        CloseHelper.quietClose(upstream);
        for (final GuestPort guest : guests)
        {
            CloseHelper.quietClose(guest.port());
        }
        CloseHelper.quietClose(uplink);
        portCounters.forEach(CloseHelper::quietClose);
    }
}
