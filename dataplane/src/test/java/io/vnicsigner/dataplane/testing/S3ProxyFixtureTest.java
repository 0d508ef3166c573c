package io.vnicsigner.dataplane.testing;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3ProxyFixtureTest
{
    @Test
    void shouldStartEnforceSignaturesAndLeaveNoProcessBehind() throws Exception
    {
        final long pid;
        final S3ProxyFixture s3 = S3ProxyFixture.builder().credentials("AKIDFIXTURE", "fixture-secret").start();
        try (s3)
        {
            pid = s3.pid();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertTrue(Files.isDirectory(s3.createBucket("fixture-bucket")));

            final String response = exchange(s3.port(), "PUT /fixture-bucket/hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
            assertTrue(response.startsWith("HTTP/1.1 403 "), response);
            assertTrue(response.contains("AccessDenied") || response.contains("SignatureDoesNotMatch"), response);
            assertFalse(Files.exists(s3.objectPath("fixture-bucket", "hello.txt")));
            assertTrue(s3.log().contains("/fixture-bucket/hello.txt"), s3.log());
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "S3Proxy still running");
        assertFalse(Files.exists(s3.logFile()));
    }

    static String exchange(final int port, final String request) throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
