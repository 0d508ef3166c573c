package io.vnicsigner.control.vm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;

import io.vnicsigner.control.config.ConfigLoader;
import io.vnicsigner.control.daemon.Daemon;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.testing.S3ProxyFixture;
import io.vnicsigner.linux.dpdk.Dpdk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real QEMU guest (the vm-images kernel and busybox initramfs) attached to the daemon in this JVM over each
 * attach type, against a SigV4-verifying S3Proxy. The guest's client sends unsigned requests to the signing IP:
 * creates a bucket and PUTs an object (raw HTTP through busybox {@code nc}: busybox 1.35 {@code wget} can only GET
 * and POST), GETs it back with busybox {@code wget}, then changes its MAC and pings, which the dataplane must drop
 * and count. The same PUT sent straight to the provider, unsigned, is refused with 403.
 */
class VmEndToEndTest
{
    private static final String ACCESS_KEY = "AKIDVMTEST";
    private static final String SECRET = "vm-secret-never-in-the-guest";
    private static final String SIGNING_IP = "169.254.169.250";
    private static final String GUEST_MAC = "52:54:00:00:46:02";
    private static final String SPOOFED_MAC = "52:54:00:de:ad:46";
    private static final String GUEST_IP = "10.207.70.2";
    private static final String UPLINK_IP = "10.207.70.1";
    private static final int RELAY_PORT = 9070;
    private static final String BODY = "hello-from-a-real-vm";
    private static final int BOOT_TIMEOUT_S = 90;

    private static S3ProxyFixture s3;

    @TempDir
    File dir;

    private final NetnsLab lab = new NetnsLab();
    private Daemon daemon;
    private ProviderRelay relay;
    private String uplinkNs;

    @BeforeAll
    static void prepare() throws Exception
    {
        NetnsLab.assumeCapable();
        GuestVm.assumeImage();
        s3 = S3ProxyFixture.builder().credentials(ACCESS_KEY, SECRET).start();
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
    void tearDown()
    {
        if (daemon != null)
        {
            daemon.close();
        }
        lab.close();
        if (relay != null)
        {
            relay.close();
        }
    }

    @Test
    void shouldSignAGuestsRequestsOverQemuStream() throws Exception
    {
        final Path socket = dir.toPath().resolve("vm.sock");
        // The port listens from the daemon's start, before QEMU, which connects only once.
        startDaemon("qemu-stream:" + socket);
        assertTrue(Files.exists(socket), "the daemon listens before QEMU starts");
        runScenario("vm-stream", "--stream", socket.toString());
    }

    @Test
    void shouldSignAGuestsRequestsOverTap() throws Exception
    {
        // libvirt's <interface type='ethernet'>: QEMU owns its TAP; a bridge joins it to the daemon's TAP.
        final String daemonTap = lab.name("qmg");
        final String qemuTap = lab.name("qmv");
        final String bridge = lab.name("qmb");
        startDaemon("tap:" + daemonTap);
        final String ns = lab.namespace("qmt");
        lab.awaitLink(daemonTap);
        lab.run("ip", "link", "set", daemonTap, "netns", ns).assertOk();
        lab.run("ip", "-n", ns, "tuntap", "add", "dev", qemuTap, "mode", "tap").assertOk();
        lab.run("ip", "-n", ns, "link", "add", bridge, "type", "bridge").assertOk();
        for (final String link : new String[] {daemonTap, qemuTap})
        {
            lab.run("ip", "-n", ns, "link", "set", link, "master", bridge, "up").assertOk();
        }
        lab.run("ip", "-n", ns, "link", "set", bridge, "up").assertOk();
        runScenario("vm-tap", "--netns", ns, "--tap", qemuTap);
    }

    @Test
    void shouldSignAGuestsRequestsOverVhostUser() throws Exception
    {
        if (!Dpdk.isAvailable())
        {
            System.err.println("VmEndToEndTest vhost-user skipped: " + Dpdk.unavailableReason());
        }
        assumeTrue(Dpdk.isAvailable(), "vhost-user needs the DPDK shim: " + Dpdk.unavailableReason());
        final Path socket = dir.toPath().resolve("vhost.sock");
        startDaemon("dpdk:net_vhost70,iface=" + socket);
        assertTrue(Files.exists(socket), "net_vhost listens before QEMU starts");
        // The dataplane reads frames as they are, so the guest must not hand it partial checksums or GSO frames.
        runScenario("vm-vhost", "--vhost-user", socket.toString(), "--offloads", "off");
    }

    private void startDaemon(final String instancePort) throws Exception
    {
        final Path credentials = dir.toPath().resolve("acme.json");
        Files.writeString(credentials, "{\"accessKeyId\":\"" + ACCESS_KEY + "\",\"secretAccessKey\":\"" + SECRET + "\"}");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        final String uplinkTap = lab.name("qmu");
        final String yaml = """
            signingIp: %s
            uplink: { port: "tap:%s" }
            instances:
              - id: i-vm1
                tenant: acme
                mac: "%s"
                ip: %s
                port: "%s"
            routes:
              - host: s3.local
                upstream: %s
                service: s3
                region: us-east-1
            tenants:
              - id: acme
                credentialsFile: %s
            """.formatted(SIGNING_IP, uplinkTap, GUEST_MAC, GUEST_IP, instancePort, s3.endpoint(), credentials);
        daemon = Daemon.start(ConfigLoader.parse(yaml), dir, null);
        // The uplink TAP goes into a namespace of its own, so nothing the guest sends reaches the host's stack.
        uplinkNs = lab.namespace("qmu");
        lab.awaitLink(uplinkTap);
        lab.run("ip", "link", "set", uplinkTap, "netns", uplinkNs).assertOk();
        lab.run("ip", "-n", uplinkNs, "link", "set", uplinkTap, "up").assertOk();
        lab.run("ip", "-n", uplinkNs, "addr", "add", UPLINK_IP + "/24", "dev", uplinkTap).assertOk();
        // The provider listens on the host's loopback, which no guest can reach; this relay makes it reachable
        // from the guest's subnet, past the dataplane's switch, like a provider on the uplink's network.
        relay = ProviderRelay.start(lab, uplinkNs, UPLINK_IP, RELAY_PORT, dir.toPath().resolve("provider.sock"),
            s3.port());
    }

    private void runScenario(final String bucket, final String... attach) throws Exception
    {
        final String object = "/" + bucket + "/object.txt";
        final String direct = "/" + bucket + "/direct.txt";
        final String steps = String.join(",", "put0:/" + bucket, "put:" + object, "get:" + object,
            "target:" + UPLINK_IP + ":" + RELAY_PORT, "put:" + direct, "target:" + SIGNING_IP + ":80",
            "mac:" + SPOOFED_MAC, "ping");
        final String[] launch = concat(attach, "--mac", GUEST_MAC, "--ip", GUEST_IP + "/24", "--host", "s3.local",
            "--body", BODY, "--steps", steps);
        final GuestVm.Boot boot = GuestVm.boot(dir.toPath().resolve("serial.log"), BOOT_TIMEOUT_S, launch);
        System.out.println("VmEndToEndTest " + bucket + ": accel=" + boot.accel() + ", launch to poweroff " +
            boot.elapsedMs() + " ms");
        // On failure: the console, the counters, and the uplink side's neighbours, sockets and relay log.
        final String context = boot.describe() + "\ncounters: " + counters() + "\nuplink: " + lab.run("sh", "-c",
            "ip -n " + uplinkNs + " neigh; ip netns exec " + uplinkNs + " ss -tan; cat " + dir + "/relay*.log").output();
        assertEquals(0, boot.exitCode(), context);
        assertTrue(boot.done(), context);

        final GuestVm.Step create = boot.step("op=put via=nc path=/" + bucket);
        assertTrue(create.ok(), context);
        assertEquals("200", create.field("http"), context);
        final GuestVm.Step put = boot.step("op=put via=nc path=" + object);
        assertEquals("200", put.field("http"), context);
        assertEquals(Integer.toString(BODY.length()), put.field("sent"), context);
        final GuestVm.Step get = boot.step("op=get via=wget path=" + object);
        assertEquals("200", get.field("http"), context);
        assertEquals(md5(BODY), get.field("md5"), "the guest read back what it stored\n" + context);
        assertEquals(BODY, Files.readString(s3.objectPath(bucket, "object.txt")), "stored by the provider");
        assertEquals(3, counter(SystemCounter.SIGNED_REQUESTS), context);

        final GuestVm.Step refused = boot.step("op=put via=nc path=" + direct);
        assertEquals("403", refused.field("http"),
            "the same unsigned PUT from the guest straight to the provider is refused\n" + context);
        assertTrue(boot.console().contains("VNIC-BODY seq=" + refused.seq() + " ") &&
            boot.console().contains("AccessDenied"), "S3Proxy's own refusal\n" + context);
        assertFalse(Files.exists(s3.objectPath(bucket, "direct.txt")), "nothing stored by the direct PUT");
        assertEquals(3, counter(SystemCounter.SIGNED_REQUESTS), "the direct PUT bypassed the signer\n" + context);
        assertEquals("403", directPut(bucket + "/object.txt"), "and from the host, too");

        final GuestVm.Step mac = boot.step("op=mac");
        assertTrue(mac.ok() && SPOOFED_MAC.equals(mac.field("mac")), context);
        final GuestVm.Step ping = boot.step("op=ping dst=" + SIGNING_IP);
        assertFalse(ping.ok(), "a guest with a changed MAC gets no answer\n" + context);
        assertTrue(counter(SystemCounter.SPOOFED_SRC_MAC) >= 1, "its frames are dropped and counted\n" + context);
    }

    /**
     * The guest's PUT, sent unsigned from the host straight to the provider's address (the guest has no route to
     * the host's loopback).
     */
    private static String directPut(final String key) throws IOException, InterruptedException
    {
        final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        final java.net.http.HttpRequest request = java.net.http.HttpRequest
            .newBuilder(java.net.URI.create(s3.endpoint() + "/" + key))
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(BODY))
            .timeout(java.time.Duration.ofSeconds(10))
            .build();
        return Integer.toString(client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    private long counter(final SystemCounter counter)
    {
        return daemon.countersFile().reader().getCounterValue(counter.id());
    }

    private String counters()
    {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        io.vnicsigner.control.cli.StatsCommand.print(daemon.countersFile(), false,
            new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String md5(final String text) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String[] concat(final String[] first, final String... rest)
    {
        final String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
