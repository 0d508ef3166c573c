package io.vnicsigner.control.daemon;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.vnicsigner.control.cli.StatsCommand;
import io.vnicsigner.control.testing.GuestLab;
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
    private static final String SIGNING_IP = GuestLab.SIGNING_IP;
    private static final String SIGNING_MAC = GuestLab.SIGNING_MAC;

    @TempDir
    File dir;

    private GuestLab guest;
    private NetnsLab lab;
    private Daemon daemon;
    private String guestNs;
    private String uplinkNs;
    private String guestTap;
    private String uplinkTap;

    @BeforeEach
    void start() throws Exception
    {
        guest = new GuestLab(dir);
        lab = guest.lab;
        daemon = guest.daemon;
        guestNs = guest.guestNs;
        uplinkNs = guest.uplinkNs;
        guestTap = guest.guestTap;
        uplinkTap = guest.uplinkTap;
    }

    @AfterEach
    void stop()
    {
        if (guest != null)
        {
            guest.close();
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
