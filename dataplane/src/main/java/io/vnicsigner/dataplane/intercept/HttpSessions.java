package io.vnicsigner.dataplane.intercept;

import java.util.ArrayDeque;

import io.vnicsigner.dataplane.body.BufferedBody;
import io.vnicsigner.dataplane.body.SlabPool;
import io.vnicsigner.dataplane.counters.StageLatencies;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.http.HttpLimits;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.http.HttpRequestParser;
import io.vnicsigner.dataplane.http.HttpResponseWriter;
import io.vnicsigner.dataplane.http.LocalEndpoints;
import io.vnicsigner.dataplane.sign.AuditHook;
import io.vnicsigner.dataplane.sign.InstanceServices;
import io.vnicsigner.dataplane.sign.PayloadPolicy;
import io.vnicsigner.dataplane.sign.PolicyHook;
import io.vnicsigner.dataplane.sign.RequestHooks;
import io.vnicsigner.dataplane.sign.RequestSigner;
import io.vnicsigner.dataplane.sign.SignedPayload;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.dataplane.tcp.TcpEndpoint;
import io.vnicsigner.dataplane.tcp.TcpEvent;
import io.vnicsigner.dataplane.tcp.TcpEventHandler;
import io.vnicsigner.dataplane.tcp.TcpState;
import io.vnicsigner.dataplane.upstream.HttpResponseParser;
import io.vnicsigner.dataplane.upstream.UpstreamConnector;
import io.vnicsigner.dataplane.upstream.UpstreamFailure;
import io.vnicsigner.dataplane.upstream.UpstreamHandler;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayQueue;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * HTTP/1.1 over the userspace TCP endpoint: parses each connection's requests, answers {@code /vnic/v1/} ones with
 * the {@link LocalEndpoints}, and signs every other one ({@link RequestSigner}) and forwards it through the
 * {@link UpstreamConnector}, relaying the response. One request per connection is in flight; pipelined ones wait
 * in the receive buffer.
 * <p>
 * A parser holds up to the request-line and header-block limits (about 41 KiB), so parsers live in a bounded pool
 * and a connection holds one only while a request is in progress; idle keep-alive connections hold none. When the
 * pool is empty a connection waits in a queue, its bytes held in the TCP receive buffer (its window closes).
 * <p>
 * Bytes are peeked from the endpoint and consumed only once acted on, and only as much input is parsed as the
 * send buffer can answer, so a guest that does not read its responses stops its own requests, never the
 * dataplane; the endpoint's per-connection buffers bound everything. Upstream, the guest's body is consumed only
 * as fast as the connector's request buffer drains, and response bytes are taken from the connector only as far
 * as the guest's send buffer has room, so a slow side on either end holds at most one buffer per exchange.
 * <p>
 * Bodies are signed as the route's {@link PayloadPolicy} says. A body that is hashed, and every chunked body (the
 * provider needs a {@code Content-Length}), is first held in a {@link BufferedBody} from a {@link SlabPool} shared
 * by all connections: policy and throttle run when its head arrives, signing, the audit append and the exchange
 * when its last byte has arrived; then it is sent from the slabs as the connector's request buffer drains. The
 * parser's body limit gives 413 to a held body above the buffered-body limit.
 */
public final class HttpSessions implements TcpEventHandler, UpstreamHandler
{
    /** Room kept in the send buffer for one response head or error (the largest local one is under 1 KiB). */
    private static final int HEADROOM = 2048;
    private static final int CHUNK = 64 * 1024;
    private static final int HEAD_CAPACITY = 48 * 1024;
    /** Room for a chunk's size line and CRLF, plus the last chunk, kept free when relaying a chunked body. */
    private static final int CHUNK_RESERVE = 24;
    private static final int NO_EXCHANGE = -1;
    private static final int FRAMING_NONE = 0;
    private static final int FRAMING_LENGTH = 1;
    private static final int FRAMING_CHUNKED = 2;
    private static final int FRAMING_CLOSE = 3;
    private static final byte[] LOCAL_PREFIX = "/vnic/v1/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[][] HOP_BY_HOP =
    {
        ascii("connection"), ascii("keep-alive"), ascii("proxy-connection"), ascii("te"), ascii("trailer"),
        ascii("transfer-encoding"), ascii("upgrade"), ascii("proxy-authenticate"),
    };
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] NO_ROUTE = ascii("no_route");
    private static final byte[] NO_CREDENTIALS = ascii("no_credentials");
    private static final byte[] VNIC_HEADER = ascii("x_vnic_header_forbidden");
    private static final byte[] ALREADY_SIGNED = ascii("already_signed");
    private static final byte[] FORWARDED_FOR = ascii("x_forwarded_for");
    private static final byte[] NOT_COUNTERSIGNABLE = ascii("not_countersignable");
    private static final byte[] POLICY = ascii("policy");
    private static final byte[] TOKEN_MISSING = ascii("token_missing");
    private static final byte[] TOKEN_INVALID = ascii("token_invalid");
    private static final byte[] AUDIT_UNAVAILABLE = ascii("audit_unavailable");
    private static final byte[] BODY_POOL_EXHAUSTED = ascii("body_pool_exhausted");
    private static final byte[] UPSTREAM_BUSY = ascii("upstream_connections_exhausted");

    private final TcpEndpoint endpoint;
    private final SystemCounters counters;
    private final LocalEndpoints local = new LocalEndpoints();
    private final HttpResponseWriter writer = new HttpResponseWriter();
    private final UnsafeBuffer in = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CHUNK, 64));
    private final UnsafeBuffer out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CHUNK + HEADROOM, 64));
    private final Int2ObjectHashMap<Session> active = new Int2ObjectHashMap<>();
    private final ArrayDeque<Session> free;
    private final IntArrayQueue waiting;
    private final IntHashSet waitingSet = new IntHashSet();
    private final long headerReadTimeoutNs;
    private final RequestSigner signer;
    private final Int2ObjectHashMap<SigningIdentity> identities;
    private final UnsafeBuffer head = new UnsafeBuffer(BufferUtil.allocateDirectAligned(HEAD_CAPACITY, 64));
    private final SignedPayload payload = new SignedPayload();
    private final SlabPool bodyPool;
    private final long maxBufferedBody;
    private final Int2ObjectHashMap<Session> byExchange = new Int2ObjectHashMap<>();
    private final ArrayDeque<Session> stalledUploads;
    private UpstreamConnector upstream;
    private RequestHooks hooks = RequestHooks.NONE;
    private InstanceEndpoints instanceEndpoints = new InstanceEndpoints(InstanceServices.NONE);
    private StageLatencies latencies = StageLatencies.NONE;
    private long nowNs;

    private static final class Session
    {
        final HttpRequestParser parser;
        int route;
        int connId;
        int exchangeId = NO_EXCHANGE;
        boolean requestFinished;
        boolean headRelayed;
        boolean closeAfter;
        boolean stalled;
        /** The body is being held (its exchange begins at its end). */
        boolean holdingBody;
        /** The held body is being sent; the request is finished once it is drained. */
        boolean sendingBody;
        /** Whether the held body is signed with its hash (else {@code UNSIGNED-PAYLOAD}). */
        boolean hashBody;
        SigningIdentity identity;
        final BufferedBody body;
        final SlabPool slabs;
        /** A response head kept until the guest's send buffer has room for it, or {@link SlabPool#NONE}. */
        int headSlab = SlabPool.NONE;
        int headLength;
        /** The provider's response ended while its head was still kept. */
        boolean completePending;
        int framing;
        long auditId = AuditHook.NOT_RECORDED;
        long startNs;
        long bytesUp;
        long bytesDown;
        int status;

        Session(final HttpRequestParser parser, final BufferedBody body, final SlabPool slabs)
        {
            this.parser = parser;
            this.body = body;
            this.slabs = slabs;
        }

        void clearExchange()
        {
            exchangeId = NO_EXCHANGE;
            requestFinished = false;
            headRelayed = false;
            closeAfter = false;
            holdingBody = false;
            sendingBody = false;
            hashBody = false;
            identity = null;
            if (body != null)
            {
                body.clear();
            }
            if (headSlab != SlabPool.NONE)
            {
                slabs.release(headSlab);
                headSlab = SlabPool.NONE;
            }
            completePending = false;
            framing = FRAMING_NONE;
            auditId = AuditHook.NOT_RECORDED;
            bytesUp = 0;
            bytesDown = 0;
            status = 0;
        }
    }

    /**
     * @param sessions           parsers in the pool: the most requests in progress at once.
     * @param maxConnections     bound of the waiting queue (every connection can wait at most once).
     * @param headerReadTimeoutNs time a request head may take from its first byte (slowloris bound).
     */
    public HttpSessions(
        final TcpEndpoint endpoint, final SystemCounters counters, final HttpLimits limits, final int sessions,
        final int maxConnections, final long headerReadTimeoutNs)
    {
        this(endpoint, counters, limits, sessions, maxConnections, headerReadTimeoutNs, null, null);
    }

    /**
     * @param signer     signs requests outside {@code /vnic/v1/}; null to answer everything locally.
     * @param identities each guest's signing identity by its IPv4 address.
     */
    public HttpSessions(
        final TcpEndpoint endpoint, final SystemCounters counters, final HttpLimits limits, final int sessions,
        final int maxConnections, final long headerReadTimeoutNs, final RequestSigner signer,
        final Int2ObjectHashMap<SigningIdentity> identities)
    {
        this(endpoint, counters, limits, sessions, maxConnections, headerReadTimeoutNs, signer, identities,
            8L * 1024 * 1024, 64L * 1024 * 1024);
    }

    /**
     * @param maxBufferedBody the longest body held to be hashed or de-chunked.
     * @param bodyPoolBytes   the off-heap budget of all held bodies, allocated now (only when signing is on).
     */
    public HttpSessions(
        final TcpEndpoint endpoint, final SystemCounters counters, final HttpLimits limits, final int sessions,
        final int maxConnections, final long headerReadTimeoutNs, final RequestSigner signer,
        final Int2ObjectHashMap<SigningIdentity> identities, final long maxBufferedBody, final long bodyPoolBytes)
    {
        this.endpoint = endpoint;
        this.counters = counters;
        this.headerReadTimeoutNs = headerReadTimeoutNs;
        this.signer = signer;
        this.identities = identities;
        this.free = new ArrayDeque<>(sessions);
        this.maxBufferedBody = maxBufferedBody;
        this.bodyPool = signer == null ? null : new SlabPool(bodyPoolBytes, SlabPool.DEFAULT_SLAB_LENGTH);
        final io.vnicsigner.dataplane.http.HttpBodyLimit bodyLimit = (request, defaultMax) ->
            signer == null || isLocal(request) ? local.maxBodyLength(request, defaultMax) : signedBodyLimit(request);
        for (int i = 0; i < sessions; i++)
        {
            free.add(new Session(new HttpRequestParser(limits, bodyLimit),
                bodyPool == null ? null : new BufferedBody(bodyPool, maxBufferedBody), bodyPool));
        }
        // IntArrayQueue refuses capacities below its minimum (8), which small test configs ask for.
        this.waiting = new IntArrayQueue(Math.max(8, maxConnections), IntArrayQueue.DEFAULT_NULL_VALUE);
        this.stalledUploads = new ArrayDeque<>(sessions);
    }

    /** The control plane's policy, throttle and audit call sites; {@link RequestHooks#NONE} until set. */
    public void hooks(final RequestHooks hooks)
    {
        this.hooks = hooks;
    }

    /** What the signing IP serves instances itself: tokens and identity documents. */
    public void services(final InstanceServices services)
    {
        this.instanceEndpoints = new InstanceEndpoints(services);
    }

    /** Where the sign, upstream and end-to-end latencies go; {@link StageLatencies#NONE} until set. */
    public void latencies(final StageLatencies latencies)
    {
        this.latencies = latencies;
    }

    /** The connector that carries signed requests; set once, before the first request, when signing is on. */
    public void upstream(final UpstreamConnector upstream)
    {
        this.upstream = upstream;
    }

    /**
     * Drives the upstream side from the same duty cycle as the TCP endpoint: the connector's I/O and callbacks,
     * then the uploads that were waiting for room in the connector's request buffer.
     */
    public int doWork(final long nowNs)
    {
        if (upstream == null)
        {
            return 0;
        }
        this.nowNs = nowNs;
        int work = upstream.doWork(nowNs);
        for (int i = stalledUploads.size(); i > 0; i--)
        {
            // An entry whose session was released (flag cleared) meanwhile is stale and skipped.
            final Session session = stalledUploads.poll();
            if (session.stalled)
            {
                session.stalled = false;
                // Not counted as work: a provider that drains slowly must not keep the agent from idling.
                if (session.sendingBody)
                {
                    sendBody(session);
                }
                else if (session.exchangeId != NO_EXCHANGE && !session.requestFinished)
                {
                    serve(session.connId, false);
                }
            }
        }
        return work;
    }

    public void onEvent(final int connId, final int events)
    {
        if ((events & (TcpEvent.CLOSED | TcpEvent.RESET)) != 0)
        {
            if ((events & TcpEvent.RESET) != 0)
            {
                counters.increment(SystemCounter.TCP_CONNECTIONS_RESET);
            }
            release(connId);
            return;
        }
        if ((events & TcpEvent.ACCEPTED) != 0)
        {
            counters.increment(SystemCounter.TCP_CONNECTIONS_ACCEPTED);
        }
        if ((events & TcpEvent.DEADLINE) != 0)
        {
            final Session session = active.get(connId);
            if (session == null || !session.parser.isIdle())
            {
                counters.increment(SystemCounter.HTTP_HEADER_TIMEOUTS);
                endpoint.abort(connId);
                release(connId);
                return;
            }
        }
        if ((events & TcpEvent.IDLE_TIMEOUT) != 0)
        {
            counters.increment(SystemCounter.TCP_IDLE_TIMEOUTS);
            endpoint.close(connId);
            release(connId);
            return;
        }
        if ((events & (TcpEvent.DATA_READABLE | TcpEvent.WRITABLE | TcpEvent.PEER_FIN)) != 0)
        {
            serve(connId, (events & TcpEvent.PEER_FIN) != 0);
        }
    }

    /** The clock of the current duty cycle, for the header-read deadline. */
    public void nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    private void serve(final int connId, final boolean peerFin)
    {
        Session session = active.get(connId);
        if (session == null)
        {
            if (endpoint.readable(connId) <= 0)
            {
                if (peerFin)
                {
                    endpoint.close(connId);
                }
                return;
            }
            session = free.poll();
            if (session == null)
            {
                counters.increment(SystemCounter.HTTP_SESSIONS_EXHAUSTED);
                if (waitingSet.add(connId))
                {
                    waiting.offerInt(connId);
                }
                return;
            }
            session.parser.reset();
            session.clearExchange();
            session.connId = connId;
            active.put(connId, session);
        }
        if (session.headSlab != SlabPool.NONE)
        {
            flushHead(session); // the exchange continues (or completes) from there; pipelined input waits
            return;
        }
        // A FIN does not end the exchange in flight, nor requests already received behind it: once the last
        // response is relayed, serve sees the FIN again in the TCP state and closes.
        if (!pump(connId, session))
        {
            release(connId);
            return;
        }
        if (session.exchangeId == NO_EXCHANGE && session.parser.isIdle() && endpoint.readable(connId) <= 0)
        {
            release(connId);
            if (peerFin)
            {
                endpoint.close(connId);
            }
        }
    }

    /**
     * Parses and answers what the send buffer has room for.
     *
     * @return false when the connection is finished with (closed, reset or gone).
     */
    private boolean pump(final int connId, final Session session)
    {
        final HttpRequestParser parser = session.parser;
        while (true)
        {
            final int writable = endpoint.writable(connId);
            final int readable = endpoint.readable(connId);
            if (writable < 0 || readable < 0)
            {
                return false;
            }
            if (readable == 0)
            {
                return true;
            }
            int budget = Math.min(Math.min(readable, writable - HEADROOM), CHUNK);
            if (session.exchangeId != NO_EXCHANGE)
            {
                if (session.requestFinished || session.sendingBody)
                {
                    return true; // a pipelined request waits until this response is relayed
                }
                // Room as the parser will see it: stalling only when the connector is completely full while the
                // parser is offered less would feed it zero bytes forever.
                final int space = uploadRoom(session);
                if (space <= 0)
                {
                    // Guest bytes stay in the receive buffer (its window closes) until the provider drains ours.
                    if (!session.stalled)
                    {
                        session.stalled = true;
                        stalledUploads.offer(session);
                    }
                    return true;
                }
                budget = Math.min(Math.min(readable, space), CHUNK);
            }
            if (budget <= 0)
            {
                // Input waits in the receive buffer (its window closes) until the guest has read our answers.
                endpoint.awaitWritable(connId, HEADROOM + 1);
                return true;
            }
            final int n = endpoint.peek(connId, in, 0, budget);
            if (n <= 0)
            {
                return true;
            }
            if (parser.isIdle())
            {
                endpoint.setDeadline(connId, nowNs + headerReadTimeoutNs);
            }
            int position = 0;
            boolean open = true;
            while (true)
            {
                final int event = parser.onBytes(in, position, Math.min(n - position, uploadRoom(session)), nowNs);
                position += parser.consumed();
                if (event == HttpRequestParser.NEED_MORE)
                {
                    break;
                }
                writer.wrap(out, 0, out.capacity());
                open = onParserEvent(connId, session, event);
                if (writer.position() > 0 && endpoint.write(connId, out, 0, writer.position()) != writer.position())
                {
                    counters.increment(SystemCounter.HTTP_RESPONSE_OVERFLOWS);
                    endpoint.abort(connId);
                    return false;
                }
                if (!open)
                {
                    endpoint.close(connId); // FIN after the response just written
                }
                if (!open || event == HttpRequestParser.MESSAGE_COMPLETE)
                {
                    // A pipelined request after this one may answer with more bytes than it sends: re-check room.
                    break;
                }
            }
            endpoint.consume(connId, open ? position : n);
            if (!open)
            {
                return false;
            }
        }
    }

    /** How many more body bytes the in-flight exchange can take; unbounded when none is in flight. */
    private int uploadRoom(final Session session)
    {
        if (session.exchangeId == NO_EXCHANGE || session.requestFinished || session.sendingBody)
        {
            return Integer.MAX_VALUE;
        }
        return Math.max(0, upstream.requestSpace(session.exchangeId));
    }

    /**
     * @return false when the connection must close once the response written so far is sent (after an error, or
     * when the request asked to close).
     */
    private boolean onParserEvent(final int connId, final Session session, final int event)
    {
        final HttpRequestParser parser = session.parser;
        switch (event)
        {
            case HttpRequestParser.HEADERS_COMPLETE ->
            {
                counters.increment(SystemCounter.HTTP_REQUESTS);
                endpoint.clearDeadline(connId);
                if (signer != null && !isLocal(parser.request()))
                {
                    return onSignedHead(connId, session);
                }
                if (RequestSigner.hasForwardedFor(parser.request()))
                {
                    refuse(parser.request(), null, RequestSigner.FORWARDED_FOR);
                    return false;
                }
                final int instanceRoute = instanceEndpoints.route(parser.request());
                if (instanceRoute != InstanceEndpoints.NOT_MINE)
                {
                    // Answered whole here; a body, if any, is read and ignored like the local 404's.
                    session.route = LocalEndpoints.ROUTE_NOT_FOUND;
                    final int status = instanceEndpoints.respond(instanceRoute, parser.request(),
                        identities == null ? null : identities.get(endpoint.remoteIp(connId)), nowNs,
                        parser.shouldClose(), writer);
                    countLocal(status);
                    return true;
                }
                session.route = local.route(parser.request());
                local.onHeaders(parser.request(), session.route, parser.shouldClose(), writer);
                counters.increment(session.route == LocalEndpoints.ROUTE_NOT_FOUND ?
                    SystemCounter.HTTP_RESPONSES_404 : SystemCounter.HTTP_RESPONSES_2XX);
                return true;
            }
            case HttpRequestParser.BODY_DATA ->
            {
                if (session.holdingBody)
                {
                    if (session.body.append(in, parser.bodyOffset(), parser.bodyLength()) != parser.bodyLength())
                    {
                        // Only a chunked body grows after its head: the pool ran out under it.
                        counters.increment(SystemCounter.BODY_POOL_EXHAUSTED);
                        hooks.audit().onRequest(session.identity, parser.request(), session.route, 503,
                            "body_pool_exhausted", nowNs);
                        writer.errorResponse(503, BODY_POOL_EXHAUSTED, 1, true, parser.request());
                        return false;
                    }
                    return true;
                }
                if (session.exchangeId != NO_EXCHANGE)
                {
                    // The budget keeps the slice within the request buffer's room; once the provider has answered
                    // early the exchange is gone and the rest of the body is dropped.
                    upstream.writeRequest(session.exchangeId, in, parser.bodyOffset(), parser.bodyLength());
                    session.bytesUp += parser.bodyLength();
                    return true;
                }
                local.onBodyData(parser.request(), session.route, in, parser.bodyOffset(), parser.bodyLength(), writer);
                return true;
            }
            case HttpRequestParser.MESSAGE_COMPLETE ->
            {
                if (session.holdingBody)
                {
                    final BufferedBody body = session.body;
                    final long decoded = parser.request().isChunked() ? body.length() : SignedPayload.AS_SENT;
                    if (session.hashBody)
                    {
                        body.hashHex(payload.hashHex(), 0);
                        payload.hashed(decoded);
                    }
                    else
                    {
                        payload.unsigned(decoded);
                    }
                    if (!forward(session, session.identity))
                    {
                        return false;
                    }
                    session.holdingBody = false;
                    session.sendingBody = true;
                    sendBody(session);
                    return true;
                }
                if (session.exchangeId != NO_EXCHANGE)
                {
                    upstream.finishRequest(session.exchangeId);
                    session.requestFinished = true;
                    return true;
                }
                local.onMessageComplete(parser.request(), session.route, writer);
                return !parser.shouldClose();
            }
            case HttpRequestParser.ERROR ->
            {
                countError(parser.errorStatus());
                if (parser.errorStatus() == 413 && signer != null && !isLocal(parser.request()))
                {
                    counters.increment(SystemCounter.BODY_TOO_LARGE);
                }
                if (session.holdingBody)
                {
                    // Admitted at its head (policy, throttle), so the refusal of its body is recorded.
                    hooks.audit().onRequest(session.identity, parser.request(), session.route, parser.errorStatus(),
                        parser.errorStatus() == 413 ? "body_too_large" : "malformed_body", nowNs);
                }
                writer.parseErrorResponse(parser);
                return false;
            }
            default ->
            {
                return true;
            }
        }
    }

    /**
     * A signed route's head: admits it (route, identity, policy, throttle), then either holds its body (hashed or
     * de-chunked; signed and forwarded at its end) or signs and forwards it now, the body streaming behind it.
     *
     * @return false after a refusal (written; the connection closes).
     */
    private boolean onSignedHead(final int connId, final Session session)
    {
        final HttpRequest request = session.parser.request();
        final int routeIndex = signer.route(request);
        final SigningIdentity identity = identities.get(endpoint.remoteIp(connId));
        final AuditHook audit = hooks.audit();
        if (RequestSigner.hasForwardedFor(request))
        {
            audit.onRequest(identity, request, routeIndex, 403, "x_forwarded_for", nowNs);
            refuse(request, null, RequestSigner.FORWARDED_FOR);
            return false;
        }
        if (routeIndex < 0)
        {
            counters.increment(SystemCounter.HTTP_RESPONSES_404);
            audit.onRequest(identity, request, routeIndex, 404, "no_route", nowNs);
            writer.errorResponse(404, NO_ROUTE, -1, true, request);
            return false;
        }
        if (identity == null)
        {
            audit.onRequest(null, request, routeIndex, 403, "no_credentials", nowNs);
            refuse(request, NO_CREDENTIALS, RequestSigner.ALREADY_SIGNED);
            return false;
        }
        final int token = instanceEndpoints.checkToken(request, identity, nowNs);
        if (token != InstanceEndpoints.TOKEN_OK)
        {
            counters.increment(SystemCounter.TOKEN_REJECTED);
            audit.onRequest(identity, request, routeIndex, 401,
                token == InstanceEndpoints.TOKEN_MISSING ? "token_missing" : "token_invalid", nowNs);
            writer.errorResponse(401, token == InstanceEndpoints.TOKEN_MISSING ? TOKEN_MISSING : TOKEN_INVALID, -1,
                true, request);
            return false;
        }
        final int decision = hooks.policy().decide(identity, request, routeIndex, nowNs);
        if (decision != PolicyHook.ALLOW)
        {
            counters.increment(SystemCounter.POLICY_DENIED);
            audit.onRequest(identity, request, routeIndex, decision, "policy", nowNs);
            writer.errorResponse(decision, POLICY, -1, true, request);
            return false;
        }
        final long retryAfterSeconds = hooks.throttle().acquire(identity, routeIndex, nowNs);
        if (retryAfterSeconds > 0)
        {
            counters.increment(SystemCounter.THROTTLED);
            audit.onRequest(identity, request, routeIndex, 429, "throttled", nowNs);
            writer.errorResponse(429, null, retryAfterSeconds, true, request);
            return false;
        }
        session.route = routeIndex;
        if (!request.hasBody())
        {
            payload.empty();
            return forward(session, identity);
        }
        final PayloadPolicy policy = signer.payload(routeIndex);
        final boolean hash = policy != PayloadPolicy.UNSIGNED;
        if (request.isChunked())
        {
            // Held whatever the policy: the provider needs a Content-Length. It grows slab by slab.
            if (bodyPool.available() == 0)
            {
                return refuseBodyPool(session, identity);
            }
            return holdBody(session, identity, hash);
        }
        // The parser already answered 413 to a HASH body above the limit; an AUTO one above it streams.
        if (hash && request.contentLength() <= maxBufferedBody)
        {
            if (session.body.reserve(request.contentLength()))
            {
                return holdBody(session, identity, true);
            }
            if (policy == PayloadPolicy.HASH)
            {
                return refuseBodyPool(session, identity);
            }
            counters.increment(SystemCounter.BODY_POOL_FALLBACKS);
        }
        counters.increment(SystemCounter.PAYLOADS_UNSIGNED);
        payload.unsigned(SignedPayload.AS_SENT);
        return forward(session, identity);
    }

    private boolean holdBody(final Session session, final SigningIdentity identity, final boolean hash)
    {
        counters.increment(hash ? SystemCounter.PAYLOADS_HASHED : SystemCounter.PAYLOADS_UNSIGNED);
        session.holdingBody = true;
        session.hashBody = hash;
        session.identity = identity;
        if (session.parser.request().isExpectContinue())
        {
            writer.continueResponse();
        }
        return true;
    }

    private boolean refuseBodyPool(final Session session, final SigningIdentity identity)
    {
        final HttpRequest request = session.parser.request();
        counters.increment(SystemCounter.BODY_POOL_EXHAUSTED);
        hooks.audit().onRequest(identity, request, session.route, 503, "body_pool_exhausted", nowNs);
        writer.errorResponse(503, BODY_POOL_EXHAUSTED, 1, true, request);
        return false;
    }

    /**
     * Signs the admitted request with {@link #payload}, appends its audit record and starts its upstream exchange
     * with the signed head, or writes the refusal (which closes the connection).
     */
    private boolean forward(final Session session, final SigningIdentity identity)
    {
        final HttpRequest request = session.parser.request();
        final int routeIndex = session.route;
        final AuditHook audit = hooks.audit();
        latencies.signStart();
        final int length = signer.signHead(
            request, routeIndex, identity, nowNs / 1_000_000L, head, 0, HEAD_CAPACITY, payload);
        latencies.signEnd();
        if (length < 0)
        {
            audit.onRequest(identity, request, routeIndex, refusalStatus(length), refusalReason(length), nowNs);
            refuse(request, null, length);
            return false;
        }
        // The record is appended before anything is forwarded; a request that cannot be recorded does not go.
        final long auditId = audit.onRequest(identity, request, routeIndex, 0, null, nowNs);
        if (auditId == AuditHook.NOT_RECORDED)
        {
            counters.increment(SystemCounter.AUDIT_FAILURES);
            writer.errorResponse(503, AUDIT_UNAVAILABLE, 1, true, request);
            return false;
        }
        final int flags = (request.isHead() ? UpstreamConnector.HEAD_REQUEST : 0) |
            (isIdempotent(request.method()) ? UpstreamConnector.IDEMPOTENT : 0);
        final int exchangeId = upstream.begin(routeIndex, flags, nowNs);
        if (exchangeId < 0)
        {
            counters.increment(SystemCounter.UPSTREAM_SLOTS_EXHAUSTED);
            audit.onComplete(auditId, 503, 0, 0, 0);
            writer.errorResponse(503, UPSTREAM_BUSY, 1, true, request);
            return false;
        }
        if (upstream.writeRequest(exchangeId, head, 0, length) != length)
        {
            upstream.abort(exchangeId);
            audit.onComplete(auditId, 431, 0, 0, 0);
            writer.errorResponse(431, null, -1, true, request);
            return false;
        }
        counters.increment(switch (signer.disposition())
        {
            case RequestSigner.PASSED -> SystemCounter.SIGNED_REQUESTS_PASSED;
            case RequestSigner.ENRICHED -> SystemCounter.SIGNED_REQUESTS_ENRICHED;
            default -> SystemCounter.SIGNED_REQUESTS;
        });
        session.auditId = auditId;
        session.startNs = nowNs;
        session.exchangeId = exchangeId;
        byExchange.put(exchangeId, session);
        if (request.isExpectContinue() && !session.holdingBody) // a held body had its 100 Continue at its head
        {
            writer.continueResponse();
        }
        return true;
    }

    /**
     * Sends a held body from its slabs as far as the connector's request buffer has room; finishes the request
     * once it is drained, else waits on the stalled list (re-polled each duty cycle, not counted as work).
     */
    private void sendBody(final Session session)
    {
        final BufferedBody body = session.body;
        while (!body.isDrained())
        {
            final int space = upstream.requestSpace(session.exchangeId);
            if (space < 0)
            {
                return; // the exchange ended early (the provider answered or failed): nothing more to send
            }
            final int n = space == 0 ? 0 :
                upstream.writeRequest(session.exchangeId, bodyPool.buffer(), body.sliceOffset(),
                    Math.min(space, body.sliceLength()));
            if (n <= 0)
            {
                if (!session.stalled)
                {
                    session.stalled = true;
                    stalledUploads.offer(session);
                }
                return;
            }
            body.advance(n);
            session.bytesUp += n;
        }
        upstream.finishRequest(session.exchangeId);
        session.sendingBody = false;
        session.requestFinished = true;
        body.clear();
    }

    /** The body limit of a signed request: held bodies (hashed, chunked) are bounded, streamed ones are not. */
    private long signedBodyLimit(final HttpRequest request)
    {
        final int routeIndex = signer.route(request);
        if (routeIndex < 0)
        {
            return Long.MAX_VALUE; // answered 404 at its head
        }
        return request.isChunked() || signer.payload(routeIndex) == PayloadPolicy.HASH ?
            maxBufferedBody : Long.MAX_VALUE;
    }

    private void refuse(final HttpRequest request, final byte[] error, final int code)
    {
        counters.increment(code == RequestSigner.FORWARDED_FOR ?
            SystemCounter.FORWARDED_FOR_REFUSED : SystemCounter.SIGNING_REJECTED);
        final int status = refusalStatus(code);
        final byte[] name = error != null ? error : switch (code)
        {
            case RequestSigner.VNIC_HEADER -> VNIC_HEADER;
            case RequestSigner.ALREADY_SIGNED -> ALREADY_SIGNED;
            case RequestSigner.FORWARDED_FOR -> FORWARDED_FOR;
            case RequestSigner.NOT_COUNTERSIGNABLE -> NOT_COUNTERSIGNABLE;
            default -> null;
        };
        writer.errorResponse(status, name, -1, true, request);
    }

    private static int refusalStatus(final int code)
    {
        return switch (code)
        {
            case RequestSigner.VNIC_HEADER -> 400;
            case RequestSigner.ALREADY_SIGNED, RequestSigner.FORWARDED_FOR, RequestSigner.NOT_COUNTERSIGNABLE -> 403;
            default -> 431;
        };
    }

    private static String refusalReason(final int code)
    {
        return switch (code)
        {
            case RequestSigner.VNIC_HEADER -> "x_vnic_header_forbidden";
            case RequestSigner.ALREADY_SIGNED -> "already_signed";
            case RequestSigner.FORWARDED_FOR -> "x_forwarded_for";
            case RequestSigner.NOT_COUNTERSIGNABLE -> "not_countersignable";
            default -> "head_too_large";
        };
    }

    /** Ends the exchange's audit record with its outcome; status 0 means the guest was reset. */
    private void completeAudit(final Session session, final int status)
    {
        if (session.auditId != AuditHook.NOT_RECORDED)
        {
            hooks.audit().onComplete(session.auditId, status, session.bytesUp, session.bytesDown, nowNs - session.startNs);
            session.auditId = AuditHook.NOT_RECORDED;
        }
    }

    private static boolean isIdempotent(final int method)
    {
        return method == HttpRequest.METHOD_GET || method == HttpRequest.METHOD_HEAD ||
            method == HttpRequest.METHOD_PUT || method == HttpRequest.METHOD_DELETE ||
            method == HttpRequest.METHOD_OPTIONS;
    }

    private static boolean isLocal(final HttpRequest request)
    {
        if (request.pathLength() < LOCAL_PREFIX.length)
        {
            return false;
        }
        final DirectBuffer buffer = request.buffer();
        for (int i = 0; i < LOCAL_PREFIX.length; i++)
        {
            if (buffer.getByte(request.pathOffset() + i) != LOCAL_PREFIX[i])
            {
                return false;
            }
        }
        return true;
    }

    public void onResponseHead(final int exchangeId, final HttpResponseParser response)
    {
        final Session session = byExchange.get(exchangeId);
        if (session == null)
        {
            return;
        }
        latencies.recordUpstream(nowNs - session.startNs);
        final HttpRequest request = session.parser.request();
        final DirectBuffer buffer = response.buffer();
        session.status = response.status();
        writer.wrap(out, 0, out.capacity());
        writer.status(response.status(), buffer, response.reasonOffset(), response.reasonLength());
        final boolean chunked = response.isChunked();
        for (int i = 0, count = response.headerCount(); i < count; i++)
        {
            final int nameOffset = response.headerNameOffset(i);
            final int nameLength = response.headerNameLength(i);
            if (isHopByHop(buffer, nameOffset, nameLength) ||
                (chunked && nameIs(buffer, nameOffset, nameLength, CONTENT_LENGTH)))
            {
                continue;
            }
            writer.header(buffer, nameOffset, nameLength, response.headerValueOffset(i), response.headerValueLength(i));
        }
        if (!response.hasBody())
        {
            session.framing = FRAMING_NONE;
        }
        else if (chunked)
        {
            session.framing = FRAMING_CHUNKED;
            writer.chunked();
        }
        else if (response.isCloseDelimited())
        {
            session.framing = FRAMING_CLOSE;
            session.closeAfter = true;
        }
        else
        {
            session.framing = FRAMING_LENGTH;
        }
        // A response that arrives before the whole body was taken ends the connection: the rest is never read.
        session.closeAfter |= !session.requestFinished || session.parser.shouldClose();
        writer.connection(session.closeAfter, request.version()).endHeaders();
        final int length = writer.position();
        session.headRelayed = true;
        if (!writer.hasOverflowed() && endpoint.writable(session.connId) >= length + CHUNK_RESERVE &&
            endpoint.write(session.connId, out, 0, length) == length)
        {
            return;
        }
        // The guest has not read earlier responses yet (a request is parsed with only HEADROOM free): keep the
        // head in a slab of the body pool and relay it when there is room; the body waits in the connector.
        final int slab = writer.hasOverflowed() || length > bodyPool.slabLength() ? SlabPool.NONE : bodyPool.acquire();
        if (slab == SlabPool.NONE)
        {
            counters.increment(SystemCounter.HTTP_RESPONSE_OVERFLOWS);
            upstream.abort(exchangeId);
            resetGuest(session);
            return;
        }
        bodyPool.buffer().putBytes(bodyPool.offset(slab), out, 0, length);
        session.headSlab = slab;
        session.headLength = length;
        endpoint.awaitWritable(session.connId, length + CHUNK_RESERVE);
    }

    /** Relays a kept response head if the guest's send buffer now has room, and a response that ended meanwhile. */
    private void flushHead(final Session session)
    {
        final int connId = session.connId;
        final int writable = endpoint.writable(connId);
        if (writable < 0)
        {
            return;
        }
        if (writable < session.headLength + CHUNK_RESERVE)
        {
            endpoint.awaitWritable(connId, session.headLength + CHUNK_RESERVE);
            return;
        }
        endpoint.write(connId, bodyPool.buffer(), bodyPool.offset(session.headSlab), session.headLength);
        bodyPool.release(session.headSlab);
        session.headSlab = SlabPool.NONE;
        if (session.completePending)
        {
            session.completePending = false;
            finishResponse(session);
        }
    }

    public int onResponseBody(final int exchangeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final Session session = byExchange.get(exchangeId);
        if (session == null)
        {
            return length;
        }
        if (session.headSlab != SlabPool.NONE)
        {
            return 0; // the head goes first; the connector offers the body again
        }
        final int writable = endpoint.writable(session.connId);
        if (writable < 0)
        {
            return length;
        }
        if (session.framing == FRAMING_CHUNKED)
        {
            final int n = Math.min(length, Math.min(writable, out.capacity()) - CHUNK_RESERVE);
            if (n <= 0)
            {
                return 0;
            }
            writer.wrap(out, 0, out.capacity()).chunkHeader(n).body(buffer, offset, n).chunkEnd();
            final int taken = endpoint.write(session.connId, out, 0, writer.position()) == writer.position() ? n : 0;
            session.bytesDown += taken;
            return taken;
        }
        final int n = Math.min(length, writable);
        final int taken = n <= 0 ? 0 : Math.max(0, endpoint.write(session.connId, buffer, offset, n));
        session.bytesDown += taken;
        return taken;
    }

    public void onResponseComplete(final int exchangeId)
    {
        final Session session = byExchange.remove(exchangeId);
        if (session == null)
        {
            return;
        }
        if (session.headSlab != SlabPool.NONE)
        {
            session.completePending = true; // finished by flushHead
            return;
        }
        finishResponse(session);
    }

    private void finishResponse(final Session session)
    {
        final int connId = session.connId;
        if (session.framing == FRAMING_CHUNKED)
        {
            writer.wrap(out, 0, out.capacity()).lastChunk();
            endpoint.write(connId, out, 0, writer.position());
        }
        counters.increment(SystemCounter.HTTP_RESPONSES_2XX);
        latencies.recordEndToEnd(nowNs - session.startNs);
        completeAudit(session, session.status);
        final boolean close = session.closeAfter;
        session.clearExchange();
        if (close)
        {
            endpoint.close(connId);
            release(connId);
        }
        else
        {
            // The next pipelined request, if any; a FIN received meanwhile closes once they are all answered.
            serve(connId, endpoint.state(connId) == TcpState.CLOSE_WAIT);
        }
    }

    public void onFailed(final int exchangeId, final int reason)
    {
        final Session session = byExchange.remove(exchangeId);
        if (session == null)
        {
            return;
        }
        counters.increment(SystemCounter.UPSTREAM_FAILURES);
        final int status = UpstreamFailure.guestStatus(reason);
        completeAudit(session, session.headRelayed || status == UpstreamFailure.RESET ? 0 : status);
        if (session.headRelayed || status == UpstreamFailure.RESET)
        {
            session.exchangeId = NO_EXCHANGE;
            resetGuest(session);
            return;
        }
        final int connId = session.connId;
        writer.wrap(out, 0, out.capacity());
        writer.errorResponse(status, UpstreamFailure.nameBytes(reason), -1, true, session.parser.request());
        endpoint.write(connId, out, 0, writer.position());
        session.clearExchange();
        endpoint.close(connId);
        release(connId);
    }

    private void resetGuest(final Session session)
    {
        completeAudit(session, 0);
        final int connId = session.connId;
        byExchange.remove(session.exchangeId);
        session.clearExchange();
        endpoint.abort(connId);
        release(connId);
    }

    private static boolean isHopByHop(final DirectBuffer buffer, final int offset, final int length)
    {
        for (final byte[] name : HOP_BY_HOP)
        {
            if (nameIs(buffer, offset, length, name))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean nameIs(final DirectBuffer buffer, final int offset, final int length, final byte[] lower)
    {
        if (length != lower.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            byte b = buffer.getByte(offset + i);
            if (b >= 'A' && b <= 'Z')
            {
                b += 'a' - 'A';
            }
            if (b != lower[i])
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private void countLocal(final int status)
    {
        if (status == 200)
        {
            counters.increment(SystemCounter.HTTP_RESPONSES_2XX);
        }
        else
        {
            counters.increment(SystemCounter.LOCAL_REFUSED);
        }
    }

    private void countError(final int status)
    {
        switch (status)
        {
            case 413 -> counters.increment(SystemCounter.HTTP_RESPONSES_413);
            case 414, 431 -> counters.increment(SystemCounter.HTTP_RESPONSES_414_431);
            case 501, 505 -> counters.increment(SystemCounter.HTTP_RESPONSES_501_505);
            default -> counters.increment(SystemCounter.HTTP_RESPONSES_400);
        }
    }

    private void release(final int connId)
    {
        final Session session = active.remove(connId);
        if (session != null)
        {
            session.stalled = false;
            if (session.exchangeId != NO_EXCHANGE && !session.completePending)
            {
                // The guest went away mid-exchange: drop the provider connection too.
                byExchange.remove(session.exchangeId);
                upstream.abort(session.exchangeId);
            }
            session.clearExchange(); // also returns a held body's slabs
            free.push(session);
            while (!free.isEmpty() && !waiting.isEmpty())
            {
                final int waiter = waiting.pollInt();
                waitingSet.remove(waiter);
                final int state = endpoint.state(waiter);
                if (state < 0)
                {
                    continue; // closed or reset while it waited
                }
                // A FIN that arrived while it waited was not remembered; the TCP state still tells.
                serve(waiter, state == TcpState.CLOSE_WAIT);
            }
        }
    }
}
