package io.vnicsigner.control.intercept;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vnicsigner.control.testing.GuestLab;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.dataplane.counters.SystemCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.vnicsigner.control.testing.GuestLab.SIGNING_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The userspace TCP endpoint and HTTP codec at the signing IP, driven by real Linux clients (curl, wrk, Python
 * sockets) from a guest namespace through a TAP.
 */
class InterceptorNamespaceTest
{
    private static final String PING = "http://" + SIGNING_IP + "/vnic/v1/ping";
    private static final String ECHO = "http://" + SIGNING_IP + "/vnic/v1/echo";

    @TempDir
    File dir;

    private GuestLab guest;

    @AfterEach
    void stop()
    {
        if (guest != null)
        {
            guest.close();
        }
    }

    @Test
    void shouldServeACurlKeepAliveSequenceOnOneConnection() throws Exception
    {
        guest = new GuestLab(dir);
        final NetnsLab.Result curl = guest.inGuest("curl", "-sS", "-m", "10", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
            "-w", "%{http_code} %{num_connects}\\n", PING, PING, "http://" + SIGNING_IP + "/no/such/thing").assertOk();

        assertEquals("200 1\n200 0\n404 0\n", curl.output(), "three answers over one connection");
        assertEquals(3, guest.counter(SystemCounter.HTTP_REQUESTS));
        assertEquals(1, guest.counter(SystemCounter.TCP_CONNECTIONS_ACCEPTED));
    }

    @Test
    void shouldServeWrkWith64ConnectionsWithoutErrors() throws Exception
    {
        guest = new GuestLab(dir);
        final NetnsLab.Result wrk = guest.inGuest(60, "wrk", "-t2", "-c64", "-d10s", "--latency", PING).assertOk();
        System.out.println("wrk against the signing IP:\n" + wrk.output());

        assertFalse(wrk.output().contains("Socket errors"), wrk.output());
        assertFalse(wrk.output().contains("Non-2xx"), wrk.output());
        final Matcher requests = Pattern.compile("(\\d+) requests in").matcher(wrk.output());
        assertTrue(requests.find(), wrk.output());
        assertTrue(Long.parseLong(requests.group(1)) > 1000, "served real load: " + requests.group(1));
    }

    @Test
    void shouldEchoTenAndAHundredMebibytesByteExact() throws Exception
    {
        guest = new GuestLab(dir);
        assertEchoByteExact(10 << 20, 60);
        assertEchoByteExact(100 << 20, 120);
    }

    @Test
    void shouldEchoTenMebibytesByteExactThroughLossDuplicationAndReordering() throws Exception
    {
        guest = new GuestLab(dir, "    faults: { seed: 11, drop: 0.05, duplicate: 0.02, reorder: 0.05 }", "");
        assertEchoByteExact(10 << 20, 120);
    }

    @Test
    void shouldEchoAHundredMebibytesByteExactThroughLossDuplicationAndReordering() throws Exception
    {
        guest = new GuestLab(dir, "    faults: { seed: 7, drop: 0.05, duplicate: 0.02, reorder: 0.05 }", "");
        final long started = System.nanoTime();
        assertEchoByteExact(100 << 20, 400);
        System.out.printf("100 MiB echo under 5%% drop, 2%% duplicate, 5%% reorder: %.1f s%n",
            (System.nanoTime() - started) / 1e9);
    }

    @Test
    void shouldEchoAChunkedUploadByteExact() throws Exception
    {
        guest = new GuestLab(dir);
        final Path body = randomFile(3 << 20);
        final NetnsLab.Result curl = guest.inGuest(60, "sh", "-c",
            "curl -sS -m 50 -H 'Transfer-Encoding: chunked' --data-binary @" + body + " " + ECHO + " | sha256sum")
            .assertOk();
        assertEquals(sha256(body), curl.output().substring(0, 64));
    }

    @Test
    void shouldServe2000ConcurrentConnections() throws Exception
    {
        guest = new GuestLab(dir, "", "limits: { connectionsPerInstance: 4096 }");
        final NetnsLab.Result client = guest.inGuest(120, "python3", script("many_connections.py"), SIGNING_IP,
            "80", "2000", "serve").assertOk();

        assertTrue(client.output().contains("{\"connected\": 2000, \"ok\": 2000}"), client.output());
        assertTrue(guest.counter(SystemCounter.TCP_CONNECTIONS_ACCEPTED) >= 2000);
    }

    @Test
    void shouldHoldTenThousandIdleConnectionsWithinTheMemoryBounds() throws Exception
    {
        guest = new GuestLab(dir, "", "limits: { connectionsPerInstance: 12000 }");
        final MemorySample before = MemorySample.take();
        final Process client = new ProcessBuilder("ip", "netns", "exec", guest.guestNs, "python3",
            script("many_connections.py"), SIGNING_IP, "80", "10000", "idle").redirectErrorStream(true).start();
        try
        {
            final String ready = readLine(client.getInputStream(), 180);
            assertEquals("READY 10000", ready);
            final MemorySample held = MemorySample.take();
            System.out.printf("10,000 idle connections: heap in use %.1f MiB before, %.1f MiB held; direct buffers " +
                "%.1f MiB before, %.1f MiB held%n", before.heap / 1048576.0, held.heap / 1048576.0,
                before.direct / 1048576.0, held.direct / 1048576.0);
            assertTrue(guest.counter(SystemCounter.TCP_CONNECTIONS_ACCEPTED) >= 10_000);
            assertTrue(held.heap - before.heap < 64L << 20, "idle connections must not grow the heap much");
            assertTrue(held.direct - before.direct < 1L << 20, "TCP buffers are pooled and preallocated");
        }
        finally
        {
            client.getOutputStream().close();
            client.waitFor(30, TimeUnit.SECONDS);
            client.destroyForcibly();
        }
    }

    @Test
    void shouldAnswer400AndCloseOnABareLineFeed() throws Exception
    {
        guest = new GuestLab(dir);
        final NetnsLab.Result raw = guest.inGuest(30, "python3", script("raw_request.py"), SIGNING_IP, "80",
            "GET /vnic/v1/ping HTTP/1.1\\nHost: x\\n\\n").assertOk();

        assertTrue(raw.output().startsWith("HTTP/1.1 400 "), raw.output());
        assertTrue(raw.output().contains("\nCLOSED"), raw.output());
        assertEquals(1, guest.counter(SystemCounter.HTTP_RESPONSES_400));
    }

    @Test
    void shouldResetASlowlorisClientAtTheHeaderReadTimeout() throws Exception
    {
        guest = new GuestLab(dir, "", "limits: { headerReadTimeoutSeconds: 1 }");
        final NetnsLab.Result raw = guest.inGuest(30, "python3", script("raw_request.py"), SIGNING_IP, "80",
            "GET /vnic/v1/ping HTTP/1.1\\r\\nHost: x\\r\\n", "3", "X-Late: 1\\r\\n\\r\\n").assertOk();

        assertTrue(raw.output().contains("RESET") || raw.output().contains("SEND-FAILED"), raw.output());
        assertEquals(1, guest.counter(SystemCounter.HTTP_HEADER_TIMEOUTS));
        guest.inGuest("curl", "-sS", "-m", "5", PING).assertOk();
    }

    private void assertEchoByteExact(final int size, final int timeoutSeconds) throws Exception
    {
        final Path body = randomFile(size);
        final NetnsLab.Result curl = guest.inGuest(timeoutSeconds, "sh", "-c", "curl -sS -m " + (timeoutSeconds - 5) +
            " --data-binary @" + body + " -H 'Content-Type: application/octet-stream' " + ECHO + " | sha256sum")
            .assertOk();
        assertEquals(sha256(body), curl.output().substring(0, 64), () -> "echoed body must be byte-exact\n" + guest.stats());
    }

    private Path randomFile(final int size) throws IOException
    {
        final Path file = dir.toPath().resolve("body-" + size + ".bin");
        final byte[] block = new byte[1 << 20];
        final Random random = new Random(size);
        try (var out = Files.newOutputStream(file))
        {
            for (int written = 0; written < size; written += block.length)
            {
                random.nextBytes(block);
                out.write(block, 0, Math.min(block.length, size - written));
            }
        }
        return file;
    }

    private static String sha256(final Path file) throws Exception
    {
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file))
        {
            final byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; )
            {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private String script(final String name) throws IOException
    {
        final Path target = dir.toPath().resolve(name);
        if (!Files.exists(target))
        {
            try (InputStream in = InterceptorNamespaceTest.class.getResourceAsStream("/clients/" + name))
            {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target.toString();
    }

    private static String readLine(final InputStream in, final int timeoutSeconds) throws Exception
    {
        final StringBuilder line = new StringBuilder();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() - deadline < 0)
        {
            if (in.available() > 0)
            {
                final int c = in.read();
                if (c < 0 || c == '\n')
                {
                    return line.toString();
                }
                line.append((char)c);
            }
            else
            {
                Thread.sleep(20);
            }
        }
        return "timed out: " + line;
    }

    private record MemorySample(long heap, long direct)
    {
        static MemorySample take()
        {
            System.gc();
            final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long direct = 0;
            for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
            {
                direct += pool.getMemoryUsed();
            }
            return new MemorySample(heap, direct);
        }
    }
}
