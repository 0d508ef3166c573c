package io.vnicsigner.control.identity;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.vnicsigner.control.cli.VerifyIdentityCommand;
import io.vnicsigner.control.daemon.HostKey;
import io.vnicsigner.control.testing.GuestLab;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.testing.S3ProxyFixture;
import io.vnicsigner.signer.identity.InstanceIdentity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static io.vnicsigner.control.testing.GuestLab.GUEST_MAC;
import static io.vnicsigner.control.testing.GuestLab.SIGNING_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session tokens and the signed identity document, from a real curl in a guest namespace whose instance has
 * {@code tokens: required}, against a SigV4-verifying S3Proxy.
 */
class InstanceServicesNamespaceTest
{
    private static final String ACCESS_KEY = "AKIDTOKENTEST";
    private static final String SECRET = "token-test-secret-never-in-the-guest";
    private static final String BASE = "http://" + SIGNING_IP;

    private static S3ProxyFixture s3;

    @TempDir
    File dir;

    private GuestLab guest;

    @BeforeAll
    static void startS3Proxy() throws Exception
    {
        NetnsLab.assumeCapable();
        s3 = S3ProxyFixture.builder().credentials(ACCESS_KEY, SECRET).start();
        s3.createBucket("token-bucket");
    }

    @AfterAll
    static void stopS3Proxy()
    {
        if (s3 != null)
        {
            s3.close();
        }
    }

    @AfterEach
    void stopGuest()
    {
        if (guest != null)
        {
            guest.close();
        }
    }

    private void startGuest() throws Exception
    {
        final Path credentials = GuestLab.writeCredentials(dir.toPath().resolve("acme.json"), ACCESS_KEY, SECRET);
        guest = new GuestLab(dir, "    tokens: required", """
            routes:
              - host: s3.local
                upstream: %s
                service: s3
                region: us-east-1
            tenants:
              - id: acme
                credentialsFile: %s
            """.formatted(s3.endpoint(), credentials));
    }

    @Test
    void shouldRequireAValidTokenOnSignedRequestsWhenThePolicySaysSo() throws Exception
    {
        startGuest();
        final String object = BASE + "/token-bucket/a.txt";
        assertEquals("401", status("-X", "PUT", "--data-binary", "hi", "-H", "Host: s3.local", object));
        assertEquals(1, guest.counter(SystemCounter.TOKEN_REJECTED));

        final String token = curlBody("-X", "PUT", "-H", "X-Vnic-Token-TTL-Seconds: 60", BASE + "/vnic/v1/token");
        assertEquals(51, token.length(), token);
        assertEquals("200", status("-X", "PUT", "--data-binary", "hi", "-H", "Host: s3.local",
            "-H", "X-Vnic-Token: " + token, object));
        assertEquals("hi", Files.readString(s3.objectPath("token-bucket", "a.txt")));

        final char last = token.charAt(token.length() - 1);
        final String forged = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertEquals("401", status("-H", "Host: s3.local", "-H", "X-Vnic-Token: " + forged, object));
        assertEquals(2, guest.counter(SystemCounter.TOKEN_REJECTED));
        assertEquals(1, guest.counter(SystemCounter.SIGNED_REQUESTS), "refused requests never went upstream");
    }

    @Test
    void shouldRefuseTokenRequestsWithBadTtlsOrAForwardedFor() throws Exception
    {
        startGuest();
        final String url = BASE + "/vnic/v1/token";
        assertEquals("400", status("-X", "PUT", url));
        assertEquals("400", status("-X", "PUT", "-H", "X-Vnic-Token-TTL-Seconds: 0", url));
        assertEquals("400", status("-X", "PUT", "-H", "X-Vnic-Token-TTL-Seconds: 21601", url));
        assertEquals("400", status("-X", "PUT", "-H", "X-Vnic-Token-TTL-Seconds: 6x", url));
        assertEquals("403", status("-X", "PUT", "-H", "X-Vnic-Token-TTL-Seconds: 60",
            "-H", "x-FORWARDED-for: 10.0.0.9", url));
        assertEquals("200", status("-X", "PUT", "-H", "X-Vnic-Token-TTL-Seconds: 21600", url));
        assertEquals(4, guest.counter(SystemCounter.LOCAL_REFUSED));
        assertEquals(1, guest.counter(SystemCounter.FORWARDED_FOR_REFUSED));
    }

    @Test
    void shouldServeAnIdentityDocumentThatVerifiesUnderTheHostKey() throws Exception
    {
        startGuest();
        final Path headers = dir.toPath().resolve("identity.headers");
        final Path document = dir.toPath().resolve("identity.json");
        final NetnsLab.Result result = guest.inGuest(30, "curl", "-sS", "-m", "20", "-D", headers.toString(),
            "-o", document.toString(), "-w", "%{http_code}", BASE + "/vnic/v1/identity").assertOk();
        assertEquals("200", result.output());
        final String json = Files.readString(document);
        final String identity = InstanceIdentity.derive("acme", GUEST_MAC, "sha256:" + "0".repeat(64));
        assertTrue(json.startsWith("{\"instanceId\":\"i-demo1\",\"tenant\":\"acme\",\"mac\":\"" + GUEST_MAC + "\","),
            json);
        assertTrue(json.contains("\"identity\":\"" + identity + "\""), json);
        assertFalse(json.contains(SECRET) || json.contains(ACCESS_KEY), "no credentials in the document");
        final String signature = Files.readAllLines(headers).stream()
            .filter(line -> line.toLowerCase().startsWith("x-vnic-signature:"))
            .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElseThrow();

        final Path publicKey = dir.toPath().resolve(HostKey.PUBLIC_FILE);
        assertEquals(0, verify(document, signature, publicKey), "valid under the host key");
        Files.writeString(document, json.replace("i-demo1", "i-demo2"));
        assertEquals(1, verify(document, signature, publicKey), "an edited document fails");
    }

    private static int verify(final Path document, final String signature, final Path publicKey)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new CommandLine(new VerifyIdentityCommand(print, print)).execute(
            "--document", document.toString(), "--signature", signature, "--public-key", publicKey.toString());
    }

    private String status(final String... args)
    {
        return curl(java.util.List.of("-o", "/dev/null", "-w", "%{http_code}"), args);
    }

    private String curlBody(final String... args)
    {
        return curl(java.util.List.of(), args);
    }

    private String curl(final java.util.List<String> options, final String... args)
    {
        final java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "-m", "20"));
        command.addAll(options);
        command.addAll(java.util.List.of(args));
        return guest.inGuest(30, command.toArray(new String[0])).assertOk().output();
    }
}
