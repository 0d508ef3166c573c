package io.vnicsigner.control.testing;

import java.io.File;

import io.vnicsigner.control.config.ConfigLoader;
import io.vnicsigner.control.daemon.Daemon;
import io.vnicsigner.dataplane.counters.SystemCounter;

/**
 * The daemon in this JVM between a guest namespace (10.200.0.2, its TAP, a route to the signing IP) and an uplink
 * namespace (10.200.0.1), set up the way an operator would. Everything is removed on {@link #close()}.
 */
public final class GuestLab implements AutoCloseable
{
    public static final String SIGNING_IP = "169.254.169.250";
    public static final String SIGNING_MAC = "02:76:6e:69:63:01";
    public static final String GUEST_MAC = "52:54:00:00:00:01";
    public static final String GUEST_IP = "10.200.0.2";
    public static final String UPLINK_IP = "10.200.0.1";

    public final NetnsLab lab = new NetnsLab();
    public final String guestNs;
    public final String uplinkNs;
    public final String guestTap;
    public final String uplinkTap;
    public final Daemon daemon;

    /**
     * @param instanceExtra YAML lines added to the instance (indented 4 spaces), e.g. fault injection.
     * @param topExtra      YAML added at the top level, e.g. {@code limits}.
     */
    public GuestLab(final File dir, final String instanceExtra, final String topExtra) throws Exception
    {
        NetnsLab.assumeCapable();
        boolean started = false;
        guestTap = lab.name("vsg");
        uplinkTap = lab.name("vsu");
        Daemon d = null;
        try
        {
            final String yaml = """
                signingIp: %s
                uplink: { port: "tap:%s" }
                instances:
                  - id: i-demo1
                    tenant: acme
                    mac: "%s"
                    ip: %s
                    port: "tap:%s"
                %s
                %s
                """.formatted(SIGNING_IP, uplinkTap, GUEST_MAC, GUEST_IP, guestTap, instanceExtra, topExtra);
            d = Daemon.start(ConfigLoader.parse(yaml), dir, null);
            guestNs = lab.namespace("g");
            uplinkNs = lab.namespace("u");
            lab.awaitLink(guestTap);
            lab.awaitLink(uplinkTap);
            lab.run("ip", "link", "set", guestTap, "netns", guestNs).assertOk();
            lab.run("ip", "link", "set", uplinkTap, "netns", uplinkNs).assertOk();
            lab.run("ip", "-n", guestNs, "link", "set", guestTap, "address", GUEST_MAC, "up").assertOk();
            lab.run("ip", "-n", guestNs, "addr", "add", GUEST_IP + "/24", "dev", guestTap).assertOk();
            lab.run("ip", "-n", guestNs, "route", "add", SIGNING_IP + "/32", "dev", guestTap).assertOk();
            lab.run("ip", "-n", uplinkNs, "link", "set", uplinkTap, "up").assertOk();
            lab.run("ip", "-n", uplinkNs, "addr", "add", UPLINK_IP + "/24", "dev", uplinkTap).assertOk();
            started = true;
        }
        finally
        {
            daemon = d;
            if (!started)
            {
                close();
            }
        }
    }

    public GuestLab(final File dir) throws Exception
    {
        this(dir, "", "");
    }

    public long counter(final SystemCounter counter)
    {
        return daemon.countersFile().reader().getCounterValue(counter.id());
    }

    /** The non-zero counters, as {@code vnic-signer stats} prints them, for failure messages. */
    public String stats()
    {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        io.vnicsigner.control.cli.StatsCommand.print(daemon.countersFile(), false,
            new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    public NetnsLab.Result inGuest(final String... command)
    {
        return lab.exec(guestNs, command);
    }

    public NetnsLab.Result inGuest(final int timeoutSeconds, final String... command)
    {
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = guestNs;
        System.arraycopy(command, 0, full, 4, command.length);
        return lab.run(timeoutSeconds, full);
    }

    public void close()
    {
        if (daemon != null)
        {
            daemon.close();
        }
        lab.close();
    }
}
