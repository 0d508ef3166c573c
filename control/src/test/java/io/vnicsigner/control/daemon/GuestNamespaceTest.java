package io.vnicsigner.control.daemon;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.vnicsigner.control.cli.StatsCommand;
import io.vnicsigner.control.config.ConfigLoader;
import io.vnicsigner.control.testing.NetnsLab;
import io.vnicsigner.dataplane.counters.SystemCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon between a guest namespace and an uplink namespace, exercised with real Linux tools: arping, ping.
 */
class GuestNamespaceTest
{
    private static final String SIGNING_IP = "169.254.169.250";
    private static final String SIGNING_MAC = "02:76:6e:69:63:01";
    private static final String GUEST_MAC = "52:54:00:00:00:01";

    @TempDir
    File dir;

    private NetnsLab lab;
    private Daemon daemon;
    private String guestNs;
    private String uplinkNs;
    private String guestTap;
    private String uplinkTap;

    @BeforeEach
    void start() throws Exception
    {
        NetnsLab.assumeCapable();
        lab = new NetnsLab();
        guestTap = lab.name("vsg");
        uplinkTap = lab.name("vsu");
        final String yaml = """
            signingIp: %s
            uplink: { port: "tap:%s" }
            instances:
              - id: i-demo1
                tenant: acme
                mac: "%s"
                ip: 10.200.0.2
                port: "tap:%s"
            """.formatted(SIGNING_IP, uplinkTap, GUEST_MAC, guestTap);
        daemon = Daemon.start(ConfigLoader.parse(yaml), dir, null);

        guestNs = lab.namespace("g");
        uplinkNs = lab.namespace("u");
        lab.awaitLink(guestTap);
        lab.awaitLink(uplinkTap);
        lab.run("ip", "link", "set", guestTap, "netns", guestNs).assertOk();
        lab.run("ip", "link", "set", uplinkTap, "netns", uplinkNs).assertOk();
        lab.run("ip", "-n", guestNs, "link", "set", guestTap, "address", GUEST_MAC, "up").assertOk();
        lab.run("ip", "-n", guestNs, "addr", "add", "10.200.0.2/24", "dev", guestTap).assertOk();
        lab.run("ip", "-n", guestNs, "route", "add", SIGNING_IP + "/32", "dev", guestTap).assertOk();
        lab.run("ip", "-n", uplinkNs, "link", "set", uplinkTap, "up").assertOk();
        lab.run("ip", "-n", uplinkNs, "addr", "add", "10.200.0.1/24", "dev", uplinkTap).assertOk();
    }

    @AfterEach
    void stop()
    {
        if (daemon != null)
        {
            daemon.close();
        }
        if (lab != null)
        {
            lab.close();
        }
    }

    @Test
    void shouldAnswerArpingForTheSigningIpWithTheSigningMac()
    {
        final NetnsLab.Result arping = lab.exec(guestNs, "arping", "-c1", "-w5", "-I", guestTap, SIGNING_IP).assertOk();
        assertTrue(arping.output().toLowerCase().contains(SIGNING_MAC), arping.output());
        assertEquals(1, counter(SystemCounter.SIGNING_IP_ARP_REPLIES), "answered once, by the dataplane");
    }

    @Test
    void shouldAnswerPingOfTheSigningIpWithTtlOne()
    {
        final NetnsLab.Result ping = lab.exec(guestNs, "ping", "-c2", "-W3", SIGNING_IP).assertOk();
        assertTrue(ping.output().contains("ttl=1 "), ping.output());
        assertEquals(2, counter(SystemCounter.SIGNING_IP_ICMP_ECHO_REPLIES));
    }

    @Test
    void shouldSwitchGuestTrafficToTheUplinkNamespace()
    {
        lab.exec(guestNs, "ping", "-c2", "-W3", "10.200.0.1").assertOk();
        assertEquals(0, counter(SystemCounter.SPOOFED_SRC_MAC) + counter(SystemCounter.SPOOFED_SRC_IP));
    }

    @Test
    void shouldDropAndCountAGuestThatChangesItsMac()
    {
        lab.exec(guestNs, "ping", "-c1", "-W3", "10.200.0.1").assertOk();
        lab.run("ip", "-n", guestNs, "link", "set", guestTap, "address", "52:54:00:00:00:99").assertOk();

        assertFalse(lab.exec(guestNs, "ping", "-c1", "-W1", "10.200.0.1").ok(), "spoofed MAC must not get through");
        assertTrue(counter(SystemCounter.SPOOFED_SRC_MAC) > 0);
        assertTrue(stats().contains("spoofed-src-mac"), "stats shows the reason");
    }

    @Test
    void shouldDropAndCountAGuestThatUsesAnotherIp()
    {
        final String uplinkMac = lab.exec(uplinkNs, "cat", "/sys/class/net/" + uplinkTap + "/address")
            .assertOk().output().trim();
        lab.run("ip", "-n", guestNs, "addr", "add", "10.200.0.3/24", "dev", guestTap).assertOk();
        lab.run("ip", "-n", guestNs, "neigh", "replace", "10.200.0.1", "lladdr", uplinkMac, "dev", guestTap,
            "nud", "permanent").assertOk();

        assertFalse(lab.exec(guestNs, "ping", "-c1", "-W1", "-I", "10.200.0.3", "10.200.0.1").ok());
        assertTrue(counter(SystemCounter.SPOOFED_SRC_IP) > 0);
        lab.exec(guestNs, "ping", "-c1", "-W3", "-I", "10.200.0.2", "10.200.0.1").assertOk();
        assertTrue(stats().contains("spoofed-src-ip"));
    }

    @Test
    void shouldDropAndCountArpFromAnotherIp()
    {
        lab.run("ip", "-n", guestNs, "addr", "add", "10.200.0.3/24", "dev", guestTap).assertOk();
        final NetnsLab.Result arping =
            lab.exec(guestNs, "arping", "-c1", "-w2", "-S", "10.200.0.3", "-I", guestTap, "10.200.0.1");
        assertFalse(arping.ok(), arping.output());
        assertTrue(counter(SystemCounter.SPOOFED_ARP) > 0, arping.output());
    }

    private long counter(final SystemCounter counter)
    {
        return daemon.countersFile().reader().getCounterValue(counter.id());
    }

    private String stats()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StatsCommand.print(daemon.countersFile(), false, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
