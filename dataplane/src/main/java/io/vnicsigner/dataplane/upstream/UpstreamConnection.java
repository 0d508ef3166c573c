package io.vnicsigner.dataplane.upstream;

import org.agrona.concurrent.UnsafeBuffer;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * One preallocated connection slot: its socket, optional TLS engine, a request buffer, a response buffer
 * and a response parser. It moves bytes between the socket and the buffers and never blocks.
 * <p>
 * Request bytes live in {@code out[sent, end)}; they are only moved (losing the ability to replay) when the
 * request outgrows the buffer. Response bytes live in {@code in}: {@code [pendingOffset, +pendingLength)}
 * is body the consumer has not taken yet, {@code [parsePosition, inEnd)} is not parsed yet.
 */
final class UpstreamConnection
{
    static final int FREE = 0;
    static final int CONNECTING = 1;
    static final int HANDSHAKING = 2;
    static final int OPEN = 3;

    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    final int index;
    final ByteBuffer out;
    final ByteBuffer in;
    final UnsafeBuffer inView;
    final HttpResponseParser parser;

    int generation;
    int state = FREE;
    boolean inFreeList;
    boolean active;
    int routeIndex;
    UpstreamRoute route;
    SocketChannel channel;
    SelectionKey key;
    SSLEngine engine;
    ByteBuffer netIn;
    ByteBuffer netOut;

    int outSent;
    int outEnd;
    boolean replayable;
    boolean requestFinished;
    boolean writeFailed;
    boolean writeBlocked;

    int inEnd;
    int parsePosition;
    int pendingOffset;
    int pendingLength;
    boolean eof;
    boolean consumerBlocked;

    boolean headRequest;
    boolean idempotent;
    boolean reused;
    boolean retried;
    boolean responseBytesSeen;
    int readyOps;
    int pendingFailure;
    long deadlineNs;
    long lastProgressNs;
    long idleSinceNs;

    UpstreamConnection(final int index, final UpstreamConfig config)
    {
        this.index = index;
        out = ByteBuffer.allocateDirect(config.bufferLength());
        in = ByteBuffer.allocateDirect(config.bufferLength());
        inView = new UnsafeBuffer(in);
        parser = new HttpResponseParser(config.maxResponseHeadLength(), config.maxResponseHeaderCount());
    }

    int exchangeId()
    {
        return ((generation & 0x7FFF) << 16) | index;
    }

    boolean matches(final int exchangeId)
    {
        return active && (generation & 0x7FFF) == (exchangeId >>> 16);
    }

    void startExchange(final boolean headRequest, final boolean idempotent, final long nowNs)
    {
        active = true;
        this.headRequest = headRequest;
        this.idempotent = idempotent;
        outSent = 0;
        outEnd = 0;
        replayable = true;
        requestFinished = false;
        writeFailed = false;
        retried = false;
        responseBytesSeen = false;
        pendingFailure = 0;
        lastProgressNs = nowNs;
        resetResponse();
    }

    void resetResponse()
    {
        inEnd = 0;
        parsePosition = 0;
        pendingOffset = 0;
        pendingLength = 0;
        eof = false;
        consumerBlocked = false;
        parser.start(headRequest);
    }

    /**
     * Opens a non-blocking connection; true if it completed at once (possible on loopback).
     */
    boolean connect(final Selector selector) throws IOException
    {
        channel = SocketChannel.open();
        state = CONNECTING;
        writeBlocked = false;
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        key = channel.register(selector, SelectionKey.OP_CONNECT, this);
        return channel.connect(route.address());
    }

    void startTls() throws SSLException
    {
        engine = route.sslContext().createSSLEngine(route.host(), route.port());
        engine.setUseClientMode(true);
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(route.host()))
        {
            parameters.setServerNames(List.of(new SNIHostName(route.host())));
        }
        engine.setSSLParameters(parameters);
        final int packetLength = engine.getSession().getPacketBufferSize();
        if (netIn == null || netIn.capacity() < packetLength)
        {
            // Once per slot (or if a provider negotiates larger records); kept for later TLS connections.
            netIn = ByteBuffer.allocateDirect(packetLength);
            netOut = ByteBuffer.allocateDirect(packetLength);
        }
        netIn.clear();
        netOut.clear().limit(0);
        state = HANDSHAKING;
        engine.beginHandshake();
    }

    /**
     * Advances the TLS handshake as far as the socket allows; true once it is finished.
     */
    boolean handshake() throws IOException
    {
        while (true)
        {
            switch (engine.getHandshakeStatus())
            {
                case NEED_TASK:
                    runTasks();
                    break;
                case NEED_WRAP:
                    if (!flushNetOut())
                    {
                        return false;
                    }
                    netOut.clear();
                    final SSLEngineResult wrapped = engine.wrap(EMPTY, netOut);
                    netOut.flip();
                    if (wrapped.getStatus() == SSLEngineResult.Status.CLOSED)
                    {
                        throw new SSLException("TLS closed during handshake");
                    }
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    if (!flushNetOut())
                    {
                        return false;
                    }
                    if (!unwrapForHandshake())
                    {
                        return false;
                    }
                    break;
                default:
                    if (!flushNetOut())
                    {
                        return false;
                    }
                    state = OPEN;
                    return true;
            }
        }
    }

    /**
     * Writes pending request bytes; returns how many request bytes left the buffer.
     */
    int flush() throws IOException
    {
        if (engine == null)
        {
            if (outSent == outEnd)
            {
                writeBlocked = false;
                return 0;
            }
            out.limit(outEnd).position(outSent);
            final int written = channel.write(out);
            outSent += written;
            writeBlocked = outSent < outEnd;
            return written;
        }
        int taken = 0;
        while (true)
        {
            if (!flushNetOut())
            {
                return taken;
            }
            if (outSent == outEnd)
            {
                return taken;
            }
            netOut.clear();
            out.limit(outEnd).position(outSent);
            final SSLEngineResult result = engine.wrap(out, netOut);
            netOut.flip();
            outSent = out.position();
            taken += result.bytesConsumed();
            if (result.getStatus() != SSLEngineResult.Status.OK)
            {
                throw new SSLException("TLS wrap " + result.getStatus());
            }
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0)
            {
                // The engine wants to read first (a post-handshake message); try again on a later cycle.
                return taken;
            }
        }
    }

    boolean hasOutput()
    {
        return outSent < outEnd || (netOut != null && engine != null && netOut.hasRemaining());
    }

    /**
     * Reads what fits into the response buffer; returns the response bytes added and sets {@link #eof}.
     */
    int fill() throws IOException
    {
        if (engine == null)
        {
            if (inEnd == in.capacity())
            {
                return 0;
            }
            in.limit(in.capacity()).position(inEnd);
            final int read = channel.read(in);
            if (read < 0)
            {
                eof = true;
                return 0;
            }
            inEnd += read;
            return read;
        }
        if (netIn.hasRemaining() && channel.read(netIn) < 0)
        {
            eof = true;
        }
        int produced = 0;
        netIn.flip();
        try
        {
            while (netIn.hasRemaining())
            {
                in.limit(in.capacity()).position(inEnd);
                final SSLEngineResult result = engine.unwrap(netIn, in);
                inEnd = in.position();
                produced += result.bytesProduced();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED)
                {
                    eof = true;
                    break;
                }
                if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK)
                {
                    runTasks();
                }
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && eof)
                {
                    // A partial record after the peer closed can never complete: drop it.
                    netIn.position(netIn.limit());
                    break;
                }
                if (result.getStatus() != SSLEngineResult.Status.OK ||
                    (result.bytesConsumed() == 0 && result.bytesProduced() == 0))
                {
                    break;
                }
            }
        }
        finally
        {
            netIn.compact();
        }
        return produced;
    }

    /**
     * True when another read could make progress: there is room to read into and the peer has not closed.
     */
    boolean canRead()
    {
        if (eof)
        {
            return false;
        }
        return engine == null ? inEnd < in.capacity() : netIn.hasRemaining();
    }

    /**
     * True once the peer closed and every byte it sent has reached the response buffer.
     */
    boolean isDrained()
    {
        return eof && (engine == null || netIn.position() == 0);
    }

    /**
     * True when TLS bytes already read are waiting for room in the response buffer.
     */
    boolean hasUndecrypted()
    {
        return engine != null && netIn.position() > 0 && inEnd < in.capacity();
    }

    /**
     * Moves unconsumed response bytes to the front when less than a quarter of the buffer is free.
     */
    void compactResponse()
    {
        final int start = pendingLength > 0 ? pendingOffset : parsePosition;
        if (start == 0 || in.capacity() - inEnd >= in.capacity() / 4)
        {
            return;
        }
        in.limit(inEnd).position(start);
        in.compact();
        inEnd -= start;
        parsePosition -= start;
        pendingOffset = pendingLength > 0 ? pendingOffset - start : 0;
    }

    /**
     * Bytes of response held by this slot (parsed or not), decrypted or not.
     */
    int bufferedResponseBytes()
    {
        final int start = pendingLength > 0 ? pendingOffset : parsePosition;
        return inEnd - start + (engine == null ? 0 : netIn.position());
    }

    /**
     * Makes room for and copies request bytes; returns how many were taken.
     */
    int requestSpace()
    {
        return out.capacity() - outEnd + outSent;
    }

    void compactRequest()
    {
        if (outSent > 0)
        {
            out.limit(outEnd).position(outSent);
            out.compact();
            outEnd -= outSent;
            outSent = 0;
            replayable = false;
        }
    }

    void close()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Closing a socket we are done with cannot fail in a way we could act on.
            }
        }
        channel = null;
        key = null;
        engine = null;
        state = FREE;
        readyOps = 0;
        writeBlocked = false;
    }

    private boolean flushNetOut() throws IOException
    {
        if (netOut.hasRemaining())
        {
            channel.write(netOut);
        }
        writeBlocked = netOut.hasRemaining();
        return !writeBlocked;
    }

    private boolean unwrapForHandshake() throws IOException
    {
        netIn.flip();
        final SSLEngineResult result;
        try
        {
            in.limit(in.capacity()).position(inEnd);
            result = engine.unwrap(netIn, in);
            inEnd = in.position();
        }
        finally
        {
            netIn.compact();
        }
        switch (result.getStatus())
        {
            case OK:
                return true;
            case BUFFER_UNDERFLOW:
                final int read = channel.read(netIn);
                if (read < 0)
                {
                    throw new SSLException("peer closed during TLS handshake");
                }
                return read > 0;
            default:
                throw new SSLException("TLS handshake unwrap " + result.getStatus());
        }
    }

    private void runTasks()
    {
        // Certificate checks run inline: they are CPU work, once per new TLS connection.
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null)
        {
            task.run();
        }
    }

    private static boolean isIpLiteral(final String host)
    {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }
}
