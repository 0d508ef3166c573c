package io.vnicsigner.dataplane.pipeline;

import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.vnicsigner.dataplane.counters.PortCounters;
import io.vnicsigner.dataplane.counters.StageLatencies;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.intercept.SigningIpResponder;
import io.vnicsigner.dataplane.http.HttpLimits;
import io.vnicsigner.dataplane.intercept.HttpSessions;
import io.vnicsigner.dataplane.intercept.InterceptorHandoff;
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
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.status.CountersManager;

/**
 * Assembles the agents over opened ports and runs them in the chosen {@link ThreadingMode}. Closing it stops the
 * agents and closes every port.
 * <p>
 * Two agents joined by two {@link OneToOneRingBuffer}s: the {@link SwitchAgent} (port I/O, classify, anti-spoof,
 * forward, ARP and ICMP for the signing IP) and the {@link InterceptorAgent} (TCP endpoint, HTTP, policy, sign,
 * upstream). {@link ThreadingMode#DEDICATED} gives each its own thread and idle strategy, each waking the other
 * through a {@link Wakeup}; SHARED and INVOKER run both in one {@link CompositeAgent} followed by a
 * {@link PortTxAgent}, so a reply leaves in the cycle its request arrived. See {@code docs/architecture.md}.
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
    private final InterceptorAgent interceptorAgent;
    private final PortTxAgent portTx;
    private final List<AgentRunner> runners;
    private final AgentInvoker invoker;
    private final UpstreamConnector upstream;
    private final Selector idleSelector;
    private final EventFdWakeup portsWakeup;
    private final Wakeup interceptorWakeup;
    private final TcpEndpoint tcpEndpoint;
    private final StageLatencies latencies;

    private Dataplane(
        final Port uplink, final GuestPort[] guests, final List<PortCounters> portCounters,
        final SwitchAgent switchAgent, final InterceptorAgent interceptorAgent, final PortTxAgent portTx,
        final List<AgentRunner> runners, final AgentInvoker invoker, final UpstreamConnector upstream,
        final Selector idleSelector, final EventFdWakeup portsWakeup, final Wakeup interceptorWakeup,
        final TcpEndpoint tcpEndpoint,
        final StageLatencies latencies)
    {
        this.uplink = uplink;
        this.guests = guests;
        this.portCounters = portCounters;
        this.switchAgent = switchAgent;
        this.interceptorAgent = interceptorAgent;
        this.portTx = portTx;
        this.runners = runners;
        this.invoker = invoker;
        this.upstream = upstream;
        this.idleSelector = idleSelector;
        this.portsWakeup = portsWakeup;
        this.interceptorWakeup = interceptorWakeup;
        this.tcpEndpoint = tcpEndpoint;
        this.latencies = latencies;
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
            guests[i] = new GuestPort(g.instanceId(), g.tenant(), g.mac(), g.ip(), g.hopLimit(), g.port(), pc, i);
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
        final OneToOneRingBuffer toInterceptor = FrameRings.newRing(FrameRings.DEFAULT_CAPACITY);
        final OneToOneRingBuffer toPorts = FrameRings.newRing(FrameRings.DEFAULT_CAPACITY);
        final StageLatencies latencies = new StageLatencies();
        final RequestSigner signer = signingOn ? new RequestSigner(signing.routes().toArray(new SigningRoute[0])) : null;
        final HttpSessions[] sessions = new HttpSessions[1];
        final Selector selector;
        UpstreamConnector upstream = null;
        EventFdWakeup portsWakeup = null;
        try
        {
            // In DEDICATED mode each agent sleeps on its own and the other wakes it; on one thread nobody must.
            final Wakeup toPortsWakeup = mode == ThreadingMode.DEDICATED && IdleStrategies.DEFAULT.equals(idleStrategy) ?
                (portsWakeup = new EventFdWakeup()) : Wakeup.NONE;
            final TcpInterceptor tcp = new TcpInterceptor(
                signingIp, guests, counters, toPorts, toPortsWakeup, sink -> new TcpEndpoint(tcpConfig, sink),
                endpoint -> sessions[0] = new HttpSessions(endpoint, counters, new HttpLimits(), limits.httpSessions(),
                    limits.connections(), limits.headerReadTimeoutNs(), signer, identities, limits.maxBufferedBody(),
                    limits.bodyPoolBytes()), limits.verifyChecksums());
            sessions[0].latencies(latencies);
            if (signingOn)
            {
                final UpstreamRoute[] upstreamRoutes = signing.routes().stream()
                    .map(SigningRoute::upstream).toArray(UpstreamRoute[]::new);
                upstream = new UpstreamConnector(
                    UpstreamConfig.defaults().withMaxConnections(limits.upstreamConnections()), upstreamRoutes, sessions[0]);
                sessions[0].upstream(upstream);
                sessions[0].hooks(signing.hooks());
                sessions[0].services(signing.services());
                selector = upstream.selector();
            }
            else
            {
                selector = Selector.open();
            }
            final SelectorWakeup interceptorWakeup = new SelectorWakeup(selector);
            final Wakeup toInterceptorWakeup =
                mode == ThreadingMode.DEDICATED ? interceptorWakeup : Wakeup.NONE;
            final SigningIpResponder responder = new SigningIpResponder(signingIp, counters, transmitter,
                new InterceptorHandoff(toInterceptor, toInterceptorWakeup, counters, limits.verifyChecksums()));
            final SwitchAgent switchAgent = new SwitchAgent(
                uplink, uplinkCounters, guests, signingIp, counters, transmitter, responder, toPorts, clock);
            final InterceptorAgent interceptorAgent = new InterceptorAgent(toInterceptor, guests, tcp, counters, clock);
            final PortTxAgent portTx = new PortTxAgent(switchAgent);

            final ErrorHandler errorHandler = t ->
            {
                counters.incrementShared(SystemCounter.ERRORS);
                System.err.println("vnic-signer: agent error: " + t);
            };
            final List<AgentRunner> runners = new ArrayList<>();
            AgentInvoker invoker = null;
            switch (mode)
            {
                case INVOKER ->
                {
                    invoker = new AgentInvoker(
                        errorHandler, null, new CompositeAgent(switchAgent, interceptorAgent, portTx));
                    invoker.start();
                }
                case SHARED ->
                {
                    // One thread sleeps in poll(2) on the ports; upstream sockets are polled once per wake-up.
                    final IdleStrategy idle = IdleStrategies.create(idleStrategy, validFds(pollFds));
                    runners.add(new AgentRunner(idle, errorHandler, null,
                        new CompositeAgent(switchAgent, interceptorAgent, portTx)));
                }
                case DEDICATED ->
                {
                    runners.add(new AgentRunner(
                        IdleStrategies.forSwitch(idleStrategy, validFds(pollFds), portsWakeup, toPorts),
                        errorHandler, null, switchAgent));
                    runners.add(new AgentRunner(
                        IdleStrategies.forInterceptor(idleStrategy, selector, interceptorWakeup, toInterceptor),
                        errorHandler, null, interceptorAgent));
                }
            }
            runners.forEach(AgentRunner::startOnThread);
            return new Dataplane(uplink, guests, allCounters, switchAgent, interceptorAgent, portTx, runners,
                invoker, upstream, signingOn ? null : selector, portsWakeup, toInterceptorWakeup, tcp.endpoint(),
                latencies);
        }
        catch (final java.io.IOException e)
        {
            CloseHelper.quietClose(upstream);
            CloseHelper.quietClose(portsWakeup);
            throw new java.io.UncheckedIOException("cannot open the interceptor's selector", e);
        }
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

    public InterceptorAgent interceptorAgent()
    {
        return interceptorAgent;
    }

    /**
     * Runs one duty cycle of the whole pipeline on the caller's thread, in order (switch, interceptor, the
     * interceptor's frames out to the ports), letting exceptions propagate; for INVOKER-mode drivers such as the
     * fuzz harness that want stack traces rather than the invoker's error handler.
     */
    public int doWork()
    {
        if (invoker == null)
        {
            throw new IllegalStateException("doWork() is for INVOKER mode only");
        }
        return switchAgent.doWork() + interceptorAgent.doWork() + portTx.doWork();
    }

    /** Times the switch woke the sleeping interceptor, and the interceptor the sleeping switch; for tests. */
    long[] wakeups()
    {
        return new long[] {interceptorWakeup.wakeups(), portsWakeup == null ? 0 : portsWakeup.wakeups()};
    }

    /** Sign, upstream and end-to-end latencies, for the daemon to publish. */
    public StageLatencies latencies()
    {
        return latencies;
    }

    /** The userspace TCP endpoint of the signing IP, for its connection and buffer counts. */
    public TcpEndpoint tcpEndpoint()
    {
        return tcpEndpoint;
    }

    public void close()
    {
        runners.forEach(CloseHelper::quietClose);
        CloseHelper.quietClose(invoker);
        CloseHelper.quietClose(upstream);
        CloseHelper.quietClose(idleSelector);
        CloseHelper.quietClose(portsWakeup);
        for (final GuestPort guest : guests)
        {
            CloseHelper.quietClose(guest.port());
        }
        CloseHelper.quietClose(uplink);
        portCounters.forEach(CloseHelper::quietClose);
    }
}
