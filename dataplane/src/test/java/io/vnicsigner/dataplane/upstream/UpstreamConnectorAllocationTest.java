package io.vnicsigner.dataplane.upstream;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;

import static io.vnicsigner.dataplane.upstream.ScriptedServer.ascii;
import static io.vnicsigner.dataplane.upstream.ScriptedServer.readRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamConnectorAllocationTest
{
    @Test
    void shouldNotAllocateForExchangesOnAPooledConnection() throws Exception
    {
        final String body = "x".repeat(10_000);
        try (ScriptedServer server = new ScriptedServer((socket, n) ->
        {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            final byte[] response = ascii("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            while (readRequest(in) != null)
            {
                out.write(response);
                out.flush();
            }
        }))
        {
            final CountingHandler handler = new CountingHandler();
            try (UpstreamConnector connector = new UpstreamConnector(UpstreamConfig.defaults(),
                new UpstreamRoute[] {UpstreamRoute.http("127.0.0.1", server.port())}, handler))
            {
                final UnsafeBuffer request = new UnsafeBuffer(ascii("GET /k HTTP/1.1\r\nHost: a\r\n\r\n"));
                final com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
                boolean clean = false;
                for (int round = 0; round < 6 && !clean; round++)
                {
                    final long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 200; i++)
                    {
                        roundTrip(connector, handler, request);
                    }
                    clean = threads.getCurrentThreadAllocatedBytes() - before == 0;
                }
                assertEquals(1, connector.connectionsOpened());
                assertEquals(body.length(), handler.bodyBytes);
                assertTrue(clean, "every round of 200 pooled exchanges allocated");
            }
        }
    }

    private static void roundTrip(final UpstreamConnector connector, final CountingHandler handler, final UnsafeBuffer request)
    {
        final int id = connector.begin(0, UpstreamConnector.IDEMPOTENT, System.nanoTime());
        assertTrue(id >= 0);
        assertEquals(request.capacity(), connector.writeRequest(id, request, 0, request.capacity()));
        connector.finishRequest(id);
        handler.done = false;
        handler.bodyBytes = 0;
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (!handler.done)
        {
            connector.doWork(System.nanoTime());
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("exchange did not finish");
            }
        }
        if (handler.failure != 0)
        {
            throw new AssertionError("failed: " + handler.failure);
        }
    }

    private static final class CountingHandler implements UpstreamHandler
    {
        boolean done;
        int failure;
        long bodyBytes;

        public void onResponseHead(final int exchangeId, final HttpResponseParser response)
        {
        }

        public int onResponseBody(final int exchangeId, final DirectBuffer buffer, final int offset, final int length)
        {
            bodyBytes += length;
            return length;
        }

        public void onResponseComplete(final int exchangeId)
        {
            done = true;
        }

        public void onFailed(final int exchangeId, final int reason)
        {
            failure = reason;
            done = true;
        }
    }
}
