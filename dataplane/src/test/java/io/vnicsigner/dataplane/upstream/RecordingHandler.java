package io.vnicsigner.dataplane.upstream;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Records what the connector reports for each exchange and drives it with the real clock; bodies are kept
 * (small ones) and hashed (all of them), and the consumer can be paused to exercise backpressure.
 */
final class RecordingHandler implements UpstreamHandler
{
    static final class Outcome
    {
        int status;
        String head = "";
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final MessageDigest sha256;
        long bodyLength;
        boolean complete;
        int failure;

        Outcome()
        {
            try
            {
                sha256 = MessageDigest.getInstance("SHA-256");
            }
            catch (final NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        boolean done()
        {
            return complete || failure != 0;
        }

        String bodyText()
        {
            return body.toString(StandardCharsets.ISO_8859_1);
        }
    }

    final Map<Integer, Outcome> outcomes = new HashMap<>();
    UpstreamConnector connector;
    boolean paused;
    boolean keepBodies = true;

    Outcome outcome(final int exchangeId)
    {
        return outcomes.computeIfAbsent(exchangeId, id -> new Outcome());
    }

    public void onResponseHead(final int exchangeId, final HttpResponseParser response)
    {
        final Outcome outcome = outcome(exchangeId);
        outcome.status = response.status();
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < response.headerCount(); i++)
        {
            s.append(text(response.buffer(), response.headerNameOffset(i), response.headerNameLength(i)))
                .append(": ")
                .append(text(response.buffer(), response.headerValueOffset(i), response.headerValueLength(i)))
                .append('\n');
        }
        outcome.head = s.toString();
    }

    public int onResponseBody(final int exchangeId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (paused)
        {
            return 0;
        }
        final Outcome outcome = outcome(exchangeId);
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        outcome.sha256.update(bytes);
        outcome.bodyLength += length;
        if (keepBodies)
        {
            outcome.body.writeBytes(bytes);
        }
        return length;
    }

    public void onResponseComplete(final int exchangeId)
    {
        outcome(exchangeId).complete = true;
    }

    public void onFailed(final int exchangeId, final int reason)
    {
        outcome(exchangeId).failure = reason;
    }

    /**
     * Begins an exchange and writes the whole request, driving the connector while its buffer is full.
     */
    int send(final int routeIndex, final int flags, final byte[] request, final long timeoutMs)
    {
        final int id = connector.begin(routeIndex, flags, System.nanoTime());
        assertTrue(id >= 0, "begin returned " + id);
        final UnsafeBuffer src = new UnsafeBuffer(request);
        int offset = 0;
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (offset < request.length)
        {
            final int n = connector.writeRequest(id, src, offset, request.length - offset);
            if (n < 0)
            {
                return id;
            }
            offset += n;
            connector.doWork(System.nanoTime());
            if (System.nanoTime() > deadline)
            {
                fail("request not accepted in time");
            }
        }
        connector.finishRequest(id);
        return id;
    }

    Outcome await(final int exchangeId, final long timeoutMs)
    {
        runUntil(() -> outcome(exchangeId).done(), timeoutMs);
        return outcome(exchangeId);
    }

    void runUntil(final BooleanSupplier condition, final long timeoutMs)
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (connector.doWork(System.nanoTime()) == 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail("condition not met within " + timeoutMs + " ms");
            }
        }
    }

    void runFor(final long millis)
    {
        final long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() - end < 0)
        {
            connector.doWork(System.nanoTime());
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
    }

    private static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
