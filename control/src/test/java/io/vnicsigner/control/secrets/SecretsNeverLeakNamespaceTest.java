package io.vnicsigner.control.secrets;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vnicsigner.control.cli.VnicSignerCli;
import io.vnicsigner.control.testing.GuestLab;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.dataplane.testing.S3ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the real CLI daemon as a child process, drives every kind of outcome from a guest namespace (signed
 * success, each local refusal, an unreachable provider, tokens, the identity document), runs {@code stats} and
 * {@code metrics}, and then greps everything the run produced for the tenant's secret and session token: the
 * daemon's stdout and stderr, every CLI output (the audit export included), every file in its directories (the
 * counters, the host key, the Chronicle Queue audit files), and every byte the guest received, headers included.
 */
class SecretsNeverLeakNamespaceTest
{
    private static final String ACCESS_KEY = "ASIALEAKTEST";
    private static final String SECRET = "Zq8leak-test-secret-4711";
    private static final String SESSION_TOKEN = "Zq8leak-test-session-token-0815";
    private static final String BASE = "http://" + GuestLab.SIGNING_IP;

    @TempDir
    File dir;

    @Test
    void shouldNeverShowTheSecretOrSessionTokenAnywhere() throws Exception
    {
        NetnsLab.assumeCapable();
        final Path runDir = dir.toPath().resolve("run");
        final Path credentials = dir.toPath().resolve("tenant.json");
        Files.writeString(credentials, "{\"accessKeyId\":\"" + ACCESS_KEY + "\",\"secretAccessKey\":\"" + SECRET +
            "\",\"sessionToken\":\"" + SESSION_TOKEN + "\",\"expiration\":\"2000-01-01T00:00:00Z\"}");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        final List<String> outputs = new ArrayList<>();

        try (S3ProxyFixture s3 = S3ProxyFixture.builder().credentials(ACCESS_KEY, SECRET).start();
            NetnsLab lab = new NetnsLab())
        {
            final String guestTap = lab.name("vsg");
            final String uplinkTap = lab.name("vsu");
            final int downPort;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0))
            {
                downPort = socket.getLocalPort();
            }
            final Path config = dir.toPath().resolve("vnic.yaml");
            Files.writeString(config, """
                signingIp: %s
                uplink: { port: "tap:%s" }
                instances:
                  - id: i-leak
                    tenant: acme
                    mac: "%s"
                    ip: %s
                    port: "tap:%s"
                routes:
                  - host: s3.local
                    upstream: %s
                    service: s3
                    region: us-east-1
                  - host: down.local
                    upstream: http://127.0.0.1:%d
                    service: s3
                    region: us-east-1
                tenants:
                  - id: acme
                    credentialsFile: %s
                audit:
                  dir: %s
                """.formatted(GuestLab.SIGNING_IP, uplinkTap, GuestLab.GUEST_MAC, GuestLab.GUEST_IP, guestTap,
                s3.endpoint(), downPort, credentials, dir.toPath().resolve("audit")));
            final Path daemonLog = dir.toPath().resolve("daemon.log");
            final Process daemon = cli("run", "--config", config.toString(), "--dir", runDir.toString())
                .redirectErrorStream(true).redirectOutput(daemonLog.toFile()).start();
            try
            {
                // A child JVM can take many seconds to start on a loaded machine: wait for its banner.
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!Files.readString(daemonLog).contains("vnic-signer: serving"))
                {
                    assertTrue(daemon.isAlive() && System.nanoTime() - deadline < 0,
                        "the daemon did not start:\n" + Files.readString(daemonLog));
                    Thread.sleep(100);
                }
                lab.awaitLink(guestTap);
                lab.awaitLink(uplinkTap);
                final String ns = lab.namespace("g");
                lab.run("ip", "link", "set", guestTap, "netns", ns).assertOk();
                lab.run("ip", "-n", ns, "link", "set", guestTap, "address", GuestLab.GUEST_MAC, "up").assertOk();
                lab.run("ip", "-n", ns, "addr", "add", GuestLab.GUEST_IP + "/24", "dev", guestTap).assertOk();
                lab.run("ip", "-n", ns, "route", "add", GuestLab.SIGNING_IP + "/32", "dev", guestTap).assertOk();

                final Path body = Files.writeString(dir.toPath().resolve("body.txt"), "leak test body");
                s3.createBucket("leak-bucket");
                final String object = BASE + "/leak-bucket/o.txt";
                final String[][] requests =
                {
                    {"-X", "PUT", "--data-binary", "@" + body, "-H", "Host: s3.local", object},
                    {"-H", "Host: s3.local", object},
                    {"-H", "Host: s3.local", BASE + "/leak-bucket"},
                    {"-H", "Host: nowhere.local", object},
                    {"-H", "Host: s3.local", "-H", "X-Vnic-Identity: forged", object},
                    {"-H", "Host: s3.local", "-H", "Authorization: AWS4-HMAC-SHA256 Credential=x", object},
                    {"-H", "Host: down.local", object},
                    {"-X", "PUT", "-H", "X-Vnic-Token-TTL-Seconds: 60", BASE + "/vnic/v1/token"},
                    {BASE + "/vnic/v1/identity"},
                    {"-H", "Host: s3.local", "-H", "Content-Length: x", object},
                };
                final List<String> statuses = new ArrayList<>();
                for (final String[] request : requests)
                {
                    final List<String> command = new ArrayList<>(
                        List.of("ip", "netns", "exec", ns, "curl", "-sS", "-v", "-m", "10", "-w", "\n%{http_code}"));
                    command.addAll(List.of(request));
                    final NetnsLab.Result result = lab.run(20, command.toArray(String[]::new));
                    outputs.add(result.output());
                    final String[] lines = result.output().strip().split("\n");
                    statuses.add(lines[lines.length - 1]);
                }
                // S3Proxy does not implement session tokens: it answers a correctly signed request that carries
                // x-amz-security-token with 501 NotImplemented, relayed here. The signed requests, token
                // included, did reach the provider, which is what this test is about.
                assertEquals(List.of("501", "501", "501", "404", "400", "403", "502", "200", "200", "400"), statuses,
                    String.join("\n---\n", outputs));
                assertTrue(outputs.get(0).contains("<Code>NotImplemented</Code>"), outputs.get(0));

                outputs.add(runCli("stats", "--all", "--dir", runDir.toString()));
                outputs.add(runCli("metrics", "--once", "--dir", runDir.toString()));
                outputs.add(runCli("audit", "export", "--dir", dir.toPath().resolve("audit").toString(),
                    "--since", "2000-01-01T00:00:00Z", "--until", "2100-01-01T00:00:00Z", "--format", "jsonl"));
                assertTrue(outputs.get(outputs.size() - 1).contains("leak-bucket"), "the audit trail has the requests");
                outputs.add(runCli("identity", "--tenant", "acme", "--mac", GuestLab.GUEST_MAC,
                    "--image-digest", "sha256:" + "0".repeat(64)));
            }
            finally
            {
                daemon.destroy(); // SIGTERM to the PID we started: the daemon shuts down cleanly
                if (!daemon.waitFor(20, TimeUnit.SECONDS))
                {
                    daemon.destroyForcibly();
                }
            }
            final String log = Files.readString(daemonLog);
            assertTrue(log.contains("credentials of tenant acme expired at 2000-01-01T00:00:00Z"), log);
            outputs.add(log);
        }
        try (Stream<Path> files = Files.walk(dir.toPath()))
        {
            for (final Path file : (Iterable<Path>)files.filter(Files::isRegularFile)::iterator)
            {
                if (!file.equals(credentials))
                {
                    outputs.add(file + ":\n" + new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                }
            }
        }
        for (final String output : outputs)
        {
            assertFalse(output.contains(SECRET), "secret leaked into: " + output.replace(SECRET, "<SECRET>"));
            assertFalse(output.contains(SESSION_TOKEN), "session token leaked into: " +
                output.replace(SESSION_TOKEN, "<TOKEN>"));
        }
        for (final String guestSaw : outputs.subList(0, 10))
        {
            assertFalse(guestSaw.contains(ACCESS_KEY), "the access key id reached the guest: " + guestSaw);
        }
    }

    /** The CLI in a child JVM with this test's class path and JVM flags. */
    private static ProcessBuilder cli(final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (flag.startsWith("--add-") || flag.startsWith("--enable-native-access") ||
                flag.startsWith("--sun-misc") || flag.startsWith("-Dchronicle") || flag.startsWith("-Dagrona"))
            {
                command.add(flag);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), VnicSignerCli.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String runCli(final String... args) throws Exception
    {
        final Process process = cli(args).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "vnic-signer " + String.join(" ", args) + " hung");
        assertEquals(0, process.exitValue(), "vnic-signer " + String.join(" ", args) + ":\n" + output);
        return output;
    }
}
