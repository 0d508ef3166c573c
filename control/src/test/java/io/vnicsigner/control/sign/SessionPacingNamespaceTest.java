package io.vnicsigner.control.sign;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.vnicsigner.control.testing.GuestLab;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.control.testing.SignedGuest;
import io.vnicsigner.dataplane.counters.SystemCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.vnicsigner.control.testing.GuestLab.SIGNING_IP;
import static io.vnicsigner.control.testing.SignedGuest.BASE;
import static io.vnicsigner.control.testing.SignedGuest.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a signed exchange is paced against a slow guest or a slow provider, with a scripted provider on loopback and
 * real clients (python sockets, curl) in the guest namespace: regression tests for a response head larger than the
 * guest's free send buffer, a pipelined request received before the guest's FIN, and an upload the provider stops
 * reading.
 */
class SessionPacingNamespaceTest
{
    private static final int BIG_BODY = 256 * 1024;
    private static final int PAD = 8000;
    private static final long STALL_MS = 1500;

    @TempDir
    File dir;

    private GuestLab guest;
    private SignedGuest curl;
    private ServerSocket listener;
    private Thread provider;
    private volatile long responseDelayMs;
    private volatile boolean stallUploads;
    private final AtomicLong stallCpuNs = new AtomicLong(-1);
    private final AtomicLong stallWallNs = new AtomicLong(-1);

    @BeforeEach
    void start() throws Exception
    {
        NetnsLab.assumeCapable();
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        provider = new Thread(this::acceptLoop, "scripted-provider");
        provider.setDaemon(true);
        provider.start();
        final Path credentials = SignedGuest.credentialsFile(dir.toPath(), "acme", "AKIDPACING", "pacing-secret");
        guest = new GuestLab(dir, "", """
            routes:
              - host: fake.local
                upstream: http://127.0.0.1:%d
                service: s3
                region: us-east-1
              - host: unsigned.local
                upstream: http://127.0.0.1:%d
                service: s3
                region: us-east-1
                payload: unsigned
            tenants:
              - id: acme
                credentialsFile: %s
            """.formatted(listener.getLocalPort(), listener.getLocalPort(), credentials));
        curl = new SignedGuest(guest);
    }

    @AfterEach
    void stop() throws Exception
    {
        listener.close();
        if (guest != null)
        {
            guest.close();
        }
        provider.join(5_000);
    }

    @Test
    void shouldHoldAResponseHeadLargerThanTheFreeSendBufferUntilTheSlowGuestMakesRoom() throws Exception
    {
        // The first response fills the send buffer while the guest sleeps; the second request is parsed with only
        // the headroom free, and its 8 KB head must wait for the guest to read, not reset it.
        final String out = python("""
            import socket, time
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("%s", 80))
            s.sendall(b"GET /big HTTP/1.1\\r\\nHost: fake.local\\r\\n\\r\\n"
                      b"GET /bighead HTTP/1.1\\r\\nHost: fake.local\\r\\nConnection: close\\r\\n\\r\\n")
            time.sleep(1)
            s.settimeout(20)
            data = b""
            while True:
                d = s.recv(2048)
                if not d:
                    break
                data += d
                time.sleep(0.01)
            print(data.count(b"HTTP/1.1 200"), data.count(b"X-Pad: "), len(data), data.endswith(b"bighead-body"))
            """.formatted(SIGNING_IP));

        final String[] fields = out.trim().split(" ");
        assertEquals("2", fields[0], "both responses: " + out + guest.stats());
        assertEquals("1", fields[1], "the big head relayed: " + out);
        assertEquals("True", fields[3], "the second body complete: " + out);
        assertEquals(0, guest.counter(SystemCounter.HTTP_RESPONSE_OVERFLOWS), guest.stats());
        assertEquals(0, guest.counter(SystemCounter.TCP_RST_SENT), guest.stats());
    }

    @Test
    void shouldAnswerAPipelinedRequestReceivedBeforeTheGuestsFin() throws Exception
    {
        responseDelayMs = 300;
        final String out = python("""
            import socket, time
            s = socket.create_connection(("%s", 80))
            s.sendall(b"GET /one HTTP/1.1\\r\\nHost: fake.local\\r\\n\\r\\nGET /two HTTP/1.1\\r\\nHost: fake.local\\r\\n\\r\\n")
            time.sleep(0.1)
            s.shutdown(socket.SHUT_WR)
            s.settimeout(10)
            data = b""
            try:
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    data += d
                end = "eof"
            except socket.timeout:
                end = "timeout"
            print(data.count(b"HTTP/1.1 200"), b"one-body" in data, b"two-body" in data, end)
            """.formatted(SIGNING_IP));

        assertEquals("2 True True eof", out.trim(), "both answered, then closed: " + guest.stats());
        assertEquals(2, guest.counter(SystemCounter.SIGNED_REQUESTS));
    }

    @Test
    void shouldFinishUploadsTheProviderStopsReadingWithoutSpinning() throws Exception
    {
        // Chunked: held, then sent from the body pool; known length on an unsigned route: streamed by the parser.
        // Both stall on the connector's full request buffer while the provider does not read.
        final byte[] body = new byte[1024 * 1024];
        new Random(11).nextBytes(body);
        final Path file = Files.write(dir.toPath().resolve("upload"), body);
        stallUploads = true;

        for (final String[] variant : new String[][] {
            {"fake.local", "-H", "Transfer-Encoding: chunked"}, {"unsigned.local", "-H", "X-Variant: streamed"}})
        {
            stallCpuNs.set(-1);
            final Path answer = dir.toPath().resolve("answer");
            assertEquals("200", curl.curlTo(answer.toString(), "-X", "PUT", variant[1], variant[2], "--data-binary",
                "@" + file, "-H", "Host: " + variant[0], BASE + "/upload"), variant[0] + " " + guest.stats());
            assertEquals(sha256(body), Files.readString(answer), variant[0] + ": the provider got the bytes sent");
            final double cores = (double)stallCpuNs.get() / stallWallNs.get();
            assertTrue(stallCpuNs.get() >= 0 && cores < 0.35,
                variant[0] + ": the daemon idles while the upload is stalled, used " + cores + " cores");
        }
    }

    private String python(final String script)
    {
        final NetnsLab.Result result = guest.inGuest(40, "/usr/bin/python3", "-c", script.stripIndent());
        return result.assertOk().output();
    }

    private void acceptLoop()
    {
        while (!listener.isClosed())
        {
            try
            {
                final Socket socket = listener.accept();
                final Thread t = new Thread(() -> serve(socket), "scripted-connection");
                t.setDaemon(true);
                t.start();
            }
            catch (final IOException e)
            {
                return; // closed
            }
        }
    }

    /** Answers keep-alive requests on one provider connection: /big, /bighead, uploads (with their SHA-256), others. */
    private void serve(final Socket socket)
    {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream())
        {
            while (true)
            {
                final String head = readHead(in);
                if (head == null)
                {
                    return;
                }
                final String lower = head.toLowerCase(Locale.ROOT);
                final String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                final int lengthAt = lower.indexOf("\r\ncontent-length: ");
                final long length = lengthAt < 0 ? 0 :
                    Long.parseLong(lower.substring(lengthAt + 18, lower.indexOf("\r\n", lengthAt + 2)).trim());
                if (stallUploads && length > 0)
                {
                    final long cpu0 = processCpuNs();
                    final long wall0 = System.nanoTime();
                    Thread.sleep(STALL_MS);
                    stallCpuNs.set(processCpuNs() - cpu0);
                    stallWallNs.set(System.nanoTime() - wall0);
                }
                final java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
                final byte[] buffer = new byte[16 * 1024];
                for (long left = length; left > 0; )
                {
                    final int n = in.read(buffer, 0, (int)Math.min(buffer.length, left));
                    if (n < 0)
                    {
                        return;
                    }
                    digest.update(buffer, 0, n);
                    left -= n;
                }
                if (responseDelayMs > 0)
                {
                    Thread.sleep(responseDelayMs);
                }
                final byte[] responseBody;
                final String extra;
                switch (path)
                {
                    case "/big" ->
                    {
                        responseBody = new byte[BIG_BODY];
                        extra = "";
                    }
                    case "/bighead" ->
                    {
                        responseBody = "bighead-body".getBytes(StandardCharsets.US_ASCII);
                        extra = "X-Pad: " + "p".repeat(PAD) + "\r\n";
                    }
                    case "/upload" ->
                    {
                        responseBody = java.util.HexFormat.of().formatHex(digest.digest())
                            .getBytes(StandardCharsets.US_ASCII);
                        extra = "";
                    }
                    default ->
                    {
                        responseBody = (path.substring(1) + "-body").getBytes(StandardCharsets.US_ASCII);
                        extra = "";
                    }
                }
                out.write(("HTTP/1.1 200 OK\r\n" + extra + "Content-Length: " + responseBody.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.write(responseBody);
                out.flush();
            }
        }
        catch (final Exception e)
        {
            // the test asserts on what the guest saw
        }
    }

    private static String readHead(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = in.read();
            if (b < 0)
            {
                return null;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }
}
