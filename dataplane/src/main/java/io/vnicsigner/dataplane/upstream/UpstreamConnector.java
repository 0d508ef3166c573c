package io.vnicsigner.dataplane.upstream;

import org.agrona.DirectBuffer;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.UnresolvedAddressException;
import java.util.function.Consumer;

/**
 * Non-blocking HTTP/1.1 client for provider routes, driven by an agent's duty cycle: one {@link Selector}
 * polled with {@code selectNow}, a fixed set of connection slots, keep-alive pooling per route, TLS through
 * {@code SSLEngine}, connect and response timeouts, and backpressure in both directions.
 * <p>
 * An exchange is {@link #begin}, then {@link #writeRequest} (head and body bytes, already framed by the
 * caller) until {@link #finishRequest}; the response arrives through {@link UpstreamHandler} during
 * {@link #doWork}. Each slot buffers at most {@code bufferLength} request bytes and {@code bufferLength}
 * response bytes (plus one TLS record when encrypted); when the consumer stops taking body bytes the slot
 * stops reading the socket, so a slow guest is throttled by TCP, not by memory. Not thread safe: everything
 * runs on the agent thread.
 */
public final class UpstreamConnector implements AutoCloseable
{
    /** Flag for {@link #begin}: the response answers HEAD and has no body. */
    public static final int HEAD_REQUEST = 1;
    /** Flag for {@link #begin}: the request may be sent again if a pooled connection turns out stale. */
    public static final int IDEMPOTENT = 2;

    public static final int POOL_EXHAUSTED = -1;
    public static final int NO_SUCH_ROUTE = -2;
    public static final int NO_SUCH_EXCHANGE = -3;
    public static final int REQUEST_FINISHED = -4;

    private final Selector selector;
    private final UpstreamHandler handler;
    private final ConnectionPool pool;
    private final UpstreamConnection[] slots;
    private final Consumer<SelectionKey> onReady = UpstreamConnector::onReady;
    private UpstreamRoute[] routes;
    private long connectionsOpened;
    private long connectionsReused;
    private long staleRetries;

    public UpstreamConnector(final UpstreamConfig config, final UpstreamRoute[] routes, final UpstreamHandler handler)
        throws IOException
    {
        this.handler = handler;
        selector = Selector.open();
        pool = new ConnectionPool(config, routes.length);
        slots = pool.slots();
        this.routes = routes.clone();
    }

    /**
     * Replaces the routes (indices change meaning); pooled connections are closed, exchanges in flight finish
     * on their old route and are then closed.
     */
    public void routes(final UpstreamRoute[] routes)
    {
        pool.resetRoutes(routes.length);
        this.routes = routes.clone();
    }

    /**
     * Starts an exchange on {@code routeIndex}, reusing the most recently pooled connection if any; returns
     * the exchange id, or {@link #POOL_EXHAUSTED} (answer 503) or {@link #NO_SUCH_ROUTE}. {@code flags}
     * combines {@link #HEAD_REQUEST} and {@link #IDEMPOTENT}.
     */
    public int begin(final int routeIndex, final int flags, final long nowNs)
    {
        if (routeIndex < 0 || routeIndex >= routes.length)
        {
            return NO_SUCH_ROUTE;
        }
        final boolean head = (flags & HEAD_REQUEST) != 0;
        final boolean idempotent = (flags & IDEMPOTENT) != 0;
        final UpstreamConnection pooled = pool.takeIdle(routeIndex);
        if (pooled != null)
        {
            connectionsReused++;
            pooled.startExchange(head, idempotent, nowNs);
            pooled.reused = true;
            return pooled.exchangeId();
        }
        final UpstreamConnection c = pool.takeFreeOrEvict();
        if (c == null)
        {
            return POOL_EXHAUSTED;
        }
        c.routeIndex = routeIndex;
        c.route = routes[routeIndex];
        c.startExchange(head, idempotent, nowNs);
        c.reused = false;
        open(c, nowNs);
        return c.exchangeId();
    }

    /**
     * Copies request bytes (head and body, framed by the caller) into the exchange's buffer; returns how many
     * were taken, possibly 0 when the buffer is full, or a negative code.
     */
    public int writeRequest(final int exchangeId, final DirectBuffer src, final int offset, final int length)
    {
        final UpstreamConnection c = pool.exchange(exchangeId);
        if (c == null)
        {
            return NO_SUCH_EXCHANGE;
        }
        if (c.requestFinished)
        {
            return REQUEST_FINISHED;
        }
        if (c.writeFailed)
        {
            // The provider stopped reading (it may already be answering); swallow the rest of the body.
            return length;
        }
        if (length > c.out.capacity() - c.outEnd)
        {
            c.compactRequest();
        }
        final int n = Math.min(length, c.out.capacity() - c.outEnd);
        src.getBytes(offset, c.out, c.outEnd, n);
        c.outEnd += n;
        return n;
    }

    /**
     * Request bytes the exchange can take now, or a negative code.
     */
    public int requestSpace(final int exchangeId)
    {
        final UpstreamConnection c = pool.exchange(exchangeId);
        if (c == null)
        {
            return NO_SUCH_EXCHANGE;
        }
        return c.requestFinished ? REQUEST_FINISHED : c.requestSpace();
    }

    /**
     * Marks the end of the request; returns 0 or {@link #NO_SUCH_EXCHANGE}.
     */
    public int finishRequest(final int exchangeId)
    {
        final UpstreamConnection c = pool.exchange(exchangeId);
        if (c == null)
        {
            return NO_SUCH_EXCHANGE;
        }
        c.requestFinished = true;
        return 0;
    }

    /**
     * Drops an exchange (for example when the guest went away) and closes its connection, without a callback.
     */
    public void abort(final int exchangeId)
    {
        final UpstreamConnection c = pool.exchange(exchangeId);
        if (c != null)
        {
            endExchange(c);
            pool.release(c);
        }
    }

    /**
     * Response bytes the exchange holds in memory, for tests and gauges; a negative code if unknown.
     */
    public int bufferedResponseBytes(final int exchangeId)
    {
        final UpstreamConnection c = pool.exchange(exchangeId);
        return c == null ? NO_SUCH_EXCHANGE : c.bufferedResponseBytes();
    }

    /**
     * One duty cycle: polls the sockets, moves bytes, delivers events, enforces timeouts.
     */
    public int doWork(final long nowNs)
    {
        int work = 0;
        try
        {
            if (selector.keys().size() > 0)
            {
                work += selector.selectNow(onReady);
            }
        }
        catch (final IOException ex)
        {
            // selectNow fails only if the selector itself broke; every slot still gets polled below.
            work++;
        }
        for (final UpstreamConnection c : slots)
        {
            if (c.state != UpstreamConnection.FREE || c.pendingFailure != 0)
            {
                work += poll(c, nowNs);
            }
        }
        return work;
    }

    /**
     * The selector the connector polls; the interceptor agent's idle strategy sleeps in it, so a provider's bytes
     * wake the agent at once. Only that agent's thread may select on it.
     */
    public Selector selector()
    {
        return selector;
    }

    public int openConnections()
    {
        return pool.openConnections();
    }

    public int idleConnections(final int routeIndex)
    {
        return pool.idleConnections(routeIndex);
    }

    public long connectionsOpened()
    {
        return connectionsOpened;
    }

    public long connectionsReused()
    {
        return connectionsReused;
    }

    public long staleRetries()
    {
        return staleRetries;
    }

    public void close()
    {
        for (final UpstreamConnection c : slots)
        {
            c.close();
        }
        try
        {
            selector.close();
        }
        catch (final IOException ignore)
        {
            // Nothing left to release.
        }
    }

    private static void onReady(final SelectionKey key)
    {
        final UpstreamConnection c = (UpstreamConnection)key.attachment();
        if (c.key == key)
        {
            c.readyOps |= key.readyOps();
        }
    }

    private void open(final UpstreamConnection c, final long nowNs)
    {
        connectionsOpened++;
        c.deadlineNs = nowNs + c.route.connectTimeoutNs();
        try
        {
            if (c.connect(selector))
            {
                onConnected(c, nowNs);
            }
        }
        catch (final UnresolvedAddressException ex)
        {
            c.close();
            c.pendingFailure = UpstreamFailure.UNREACHABLE;
        }
        catch (final IOException ex)
        {
            c.close();
            c.pendingFailure = failureOf(ex, UpstreamFailure.UNREACHABLE);
        }
    }

    private void onConnected(final UpstreamConnection c, final long nowNs) throws IOException
    {
        c.lastProgressNs = nowNs;
        if (c.route.isTls())
        {
            c.startTls();
            if (c.handshake())
            {
                c.lastProgressNs = nowNs;
            }
        }
        else
        {
            c.state = UpstreamConnection.OPEN;
        }
    }

    private int poll(final UpstreamConnection c, final long nowNs)
    {
        final int ready = c.readyOps;
        c.readyOps = 0;
        if (c.pendingFailure != 0)
        {
            fail(c, c.pendingFailure);
            return 1;
        }
        int work = 0;
        try
        {
            switch (c.state)
            {
                case UpstreamConnection.CONNECTING:
                    if ((ready & SelectionKey.OP_CONNECT) != 0 && c.channel.finishConnect())
                    {
                        onConnected(c, nowNs);
                        work++;
                    }
                    break;
                case UpstreamConnection.HANDSHAKING:
                    if (c.handshake())
                    {
                        c.lastProgressNs = nowNs;
                        work++;
                    }
                    break;
                default:
                    break;
            }
            if (c.state == UpstreamConnection.OPEN)
            {
                work += c.active ? exchangeWork(c, ready, nowNs) : idleWork(c, ready, nowNs);
            }
            else if (c.state != UpstreamConnection.FREE && c.deadlineNs - nowNs <= 0)
            {
                fail(c, UpstreamFailure.CONNECT_TIMEOUT);
                return work + 1;
            }
        }
        catch (final IOException ex)
        {
            onIoFailure(c, ex, nowNs);
            return work + 1;
        }
        updateInterest(c);
        return work;
    }

    private int exchangeWork(final UpstreamConnection c, final int ready, final long nowNs) throws IOException
    {
        final int id = c.exchangeId();
        int progress = 0;
        if (!c.writeFailed && c.hasOutput() && (!c.writeBlocked || (ready & SelectionKey.OP_WRITE) != 0))
        {
            try
            {
                progress += c.flush();
            }
            catch (final SSLException ex)
            {
                throw ex;
            }
            catch (final IOException ex)
            {
                // The provider may have answered early and closed its read side; keep reading its response.
                c.writeFailed = true;
                c.writeBlocked = false;
            }
        }
        if ((ready & SelectionKey.OP_READ) != 0 || c.hasUndecrypted())
        {
            try
            {
                final int read = c.fill();
                if (read > 0)
                {
                    c.responseBytesSeen = true;
                    progress += read;
                }
            }
            catch (final SSLException ex)
            {
                throw ex;
            }
            catch (final IOException ex)
            {
                // A reset ends the stream like a close: bytes already read are still parsed and delivered.
                c.eof = true;
            }
        }
        deliver(c, nowNs);
        if (!c.matches(id))
        {
            return progress + 1;
        }
        c.compactResponse();
        final boolean waitingOnCaller = c.consumerBlocked || (!c.requestFinished && !c.hasOutput());
        if (progress > 0 || waitingOnCaller)
        {
            c.lastProgressNs = nowNs;
        }
        else if (nowNs - c.lastProgressNs - c.route.responseTimeoutNs() >= 0)
        {
            fail(c, UpstreamFailure.RESPONSE_TIMEOUT);
            return 1;
        }
        return progress;
    }

    private void deliver(final UpstreamConnection c, final long nowNs)
    {
        final int id = c.exchangeId();
        final HttpResponseParser parser = c.parser;
        while (true)
        {
            if (c.pendingLength > 0)
            {
                final int taken = handler.onResponseBody(id, c.inView, c.pendingOffset, c.pendingLength);
                if (!c.matches(id))
                {
                    return;
                }
                final int n = Math.max(0, Math.min(taken, c.pendingLength));
                c.pendingOffset += n;
                c.pendingLength -= n;
                if (c.pendingLength > 0)
                {
                    c.consumerBlocked = true;
                    return;
                }
            }
            c.consumerBlocked = false;
            // Called even with nothing left: the parser reports the end of a body on an empty call.
            int event = parser.onBytes(c.inView, c.parsePosition, c.inEnd - c.parsePosition);
            c.parsePosition += parser.consumed();
            if (event == HttpResponseParser.NEED_MORE)
            {
                c.parsePosition = 0;
                c.inEnd = 0;
                if (!c.isDrained())
                {
                    return;
                }
                event = parser.onEndOfStream();
            }
            switch (event)
            {
                case HttpResponseParser.HEADERS_COMPLETE:
                    handler.onResponseHead(id, parser);
                    if (!c.matches(id))
                    {
                        return;
                    }
                    break;
                case HttpResponseParser.BODY_DATA:
                    c.pendingOffset = parser.bodyOffset();
                    c.pendingLength = parser.bodyLength();
                    break;
                case HttpResponseParser.MESSAGE_COMPLETE:
                    complete(c, nowNs);
                    return;
                case HttpResponseParser.ERROR:
                    if (parser.errorCode() == HttpResponseParser.UNEXPECTED_END)
                    {
                        onPeerClosed(c, nowNs);
                    }
                    else
                    {
                        fail(c, UpstreamFailure.MALFORMED_RESPONSE);
                    }
                    return;
                default:
                    break;
            }
        }
    }

    private void complete(final UpstreamConnection c, final long nowNs)
    {
        final int id = c.exchangeId();
        final int routeIndex = c.routeIndex;
        final boolean reusable = c.parser.isKeepAlive() && c.requestFinished && !c.hasOutput() && !c.writeFailed &&
            !c.eof && c.parsePosition == c.inEnd && (c.engine == null || c.netIn.position() == 0) &&
            routeIndex < routes.length && routes[routeIndex] == c.route &&
            pool.hasRoomForIdle(routeIndex, c.route.maxIdleConnections());
        endExchange(c);
        if (reusable)
        {
            pool.park(c, nowNs);
            c.inEnd = 0;
            c.parsePosition = 0;
        }
        else
        {
            pool.release(c);
        }
        handler.onResponseComplete(id);
    }

    private int idleWork(final UpstreamConnection c, final int ready, final long nowNs) throws IOException
    {
        if ((ready & SelectionKey.OP_READ) != 0)
        {
            // An idle connection has nothing to read: data or EOF means the provider closed or misbehaved.
            c.inEnd = 0;
            if (c.fill() > 0 || c.eof)
            {
                pool.closeIdle(c);
                return 1;
            }
        }
        if (nowNs - c.idleSinceNs - c.route.idleKeepAliveNs() >= 0)
        {
            pool.closeIdle(c);
            return 1;
        }
        return 0;
    }

    private void onIoFailure(final UpstreamConnection c, final IOException ex, final long nowNs)
    {
        if (!c.active)
        {
            pool.closeIdle(c);
            return;
        }
        if (c.state == UpstreamConnection.OPEN && !(ex instanceof SSLException))
        {
            c.eof = true;
            onPeerClosed(c, nowNs);
            return;
        }
        final int otherwise =
            c.state == UpstreamConnection.HANDSHAKING ? UpstreamFailure.TLS_FAILURE : UpstreamFailure.UNREACHABLE;
        fail(c, failureOf(ex, otherwise));
    }

    private void onPeerClosed(final UpstreamConnection c, final long nowNs)
    {
        if (c.parser.hasHead())
        {
            fail(c, UpstreamFailure.PREMATURE_CLOSE);
        }
        else if (c.reused && c.idempotent && !c.retried && c.replayable && !c.responseBytesSeen)
        {
            // A pooled connection the provider had already closed: the request never reached it, send it again.
            staleRetries++;
            c.close();
            c.retried = true;
            c.reused = false;
            c.outSent = 0;
            c.writeFailed = false;
            c.resetResponse();
            open(c, nowNs);
        }
        else
        {
            fail(c, c.responseBytesSeen ? UpstreamFailure.MALFORMED_RESPONSE : UpstreamFailure.CLOSED_BEFORE_RESPONSE);
        }
    }

    private void fail(final UpstreamConnection c, final int reason)
    {
        final boolean wasActive = c.active;
        final int id = c.exchangeId();
        c.pendingFailure = 0;
        if (wasActive)
        {
            endExchange(c);
        }
        pool.release(c);
        if (wasActive)
        {
            handler.onFailed(id, reason);
        }
    }

    private void updateInterest(final UpstreamConnection c)
    {
        if (c.key == null || !c.key.isValid())
        {
            return;
        }
        int ops = 0;
        if (c.state == UpstreamConnection.CONNECTING)
        {
            ops = SelectionKey.OP_CONNECT;
        }
        else
        {
            if (c.canRead())
            {
                ops |= SelectionKey.OP_READ;
            }
            if (c.writeBlocked)
            {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        if (c.key.interestOps() != ops)
        {
            c.key.interestOps(ops);
        }
    }

    private void endExchange(final UpstreamConnection c)
    {
        c.active = false;
        c.generation++;
        c.pendingLength = 0;
    }

    private static int failureOf(final IOException ex, final int otherwise)
    {
        if (ex instanceof SSLException)
        {
            return UpstreamFailure.TLS_FAILURE;
        }
        if (ex instanceof ConnectException)
        {
            return UpstreamFailure.CONNECT_REFUSED;
        }
        if (ex instanceof NoRouteToHostException)
        {
            return UpstreamFailure.UNREACHABLE;
        }
        return otherwise;
    }
}
