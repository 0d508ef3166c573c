package io.vnicsigner.dataplane.intercept;

import java.util.ArrayDeque;

import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.counters.SystemCounters;
import io.vnicsigner.dataplane.http.HttpLimits;
import io.vnicsigner.dataplane.http.HttpRequestParser;
import io.vnicsigner.dataplane.http.HttpResponseWriter;
import io.vnicsigner.dataplane.http.LocalEndpoints;
import io.vnicsigner.dataplane.tcp.TcpEndpoint;
import io.vnicsigner.dataplane.tcp.TcpEvent;
import io.vnicsigner.dataplane.tcp.TcpEventHandler;
import org.agrona.BufferUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * HTTP/1.1 over the userspace TCP endpoint: parses each connection's requests and answers them with the
 * {@link LocalEndpoints} (ping, echo, 404) until requests are routed upstream.
 * <p>
 * A parser holds up to the request-line and header-block limits (about 41 KiB), so parsers live in a bounded pool
 * and a connection holds one only while a request is in progress; idle keep-alive connections hold none. When the
 * pool is empty a connection waits in a queue, its bytes held in the TCP receive buffer (its window closes).
 * <p>
 * Bytes are peeked from the endpoint and consumed only once acted on, and only as much input is parsed as the
 * send buffer can answer, so a guest that does not read its responses stops its own requests, never the
 * dataplane; the endpoint's per-connection buffers bound everything.
 */
public final class HttpSessions implements TcpEventHandler
{
    /** Room kept in the send buffer for one response head or error (the largest local one is under 1 KiB). */
    private static final int HEADROOM = 2048;
    private static final int CHUNK = 64 * 1024;

    private final TcpEndpoint endpoint;
    private final SystemCounters counters;
    private final LocalEndpoints local = new LocalEndpoints();
    private final HttpResponseWriter writer = new HttpResponseWriter();
    private final UnsafeBuffer in = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CHUNK, 64));
    private final UnsafeBuffer out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CHUNK + HEADROOM, 64));
    private final Int2ObjectHashMap<Session> active = new Int2ObjectHashMap<>();
    private final ArrayDeque<Session> free;
    private final IntArrayQueue waiting;
    private final long headerReadTimeoutNs;
    private long nowNs;

    private static final class Session
    {
        final HttpRequestParser parser;
        int route;

        Session(final HttpRequestParser parser)
        {
            this.parser = parser;
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
        this.endpoint = endpoint;
        this.counters = counters;
        this.headerReadTimeoutNs = headerReadTimeoutNs;
        this.free = new ArrayDeque<>(sessions);
        for (int i = 0; i < sessions; i++)
        {
            free.add(new Session(new HttpRequestParser(limits, local)));
        }
        // IntArrayQueue refuses capacities below its minimum (8), which small test configs ask for.
        this.waiting = new IntArrayQueue(Math.max(8, maxConnections), IntArrayQueue.DEFAULT_NULL_VALUE);
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
                waiting.offerInt(connId);
                return;
            }
            session.parser.reset();
            active.put(connId, session);
        }
        if (!pump(connId, session))
        {
            release(connId);
            return;
        }
        if (session.parser.isIdle() && endpoint.readable(connId) <= 0)
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
            final int budget = Math.min(Math.min(readable, writable - HEADROOM), CHUNK);
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
                final int event = parser.onBytes(in, position, n - position, nowNs);
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
                session.route = local.route(parser.request());
                local.onHeaders(parser.request(), session.route, parser.shouldClose(), writer);
                counters.increment(session.route == LocalEndpoints.ROUTE_NOT_FOUND ?
                    SystemCounter.HTTP_RESPONSES_404 : SystemCounter.HTTP_RESPONSES_2XX);
                return true;
            }
            case HttpRequestParser.BODY_DATA ->
            {
                local.onBodyData(parser.request(), session.route, in, parser.bodyOffset(), parser.bodyLength(), writer);
                return true;
            }
            case HttpRequestParser.MESSAGE_COMPLETE ->
            {
                local.onMessageComplete(parser.request(), session.route, writer);
                return !parser.shouldClose();
            }
            case HttpRequestParser.ERROR ->
            {
                countError(parser.errorStatus());
                writer.parseErrorResponse(parser);
                return false;
            }
            default ->
            {
                return true;
            }
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
            free.push(session);
            while (!free.isEmpty() && !waiting.isEmpty())
            {
                serve(waiting.pollInt(), false);
            }
        }
    }
}
