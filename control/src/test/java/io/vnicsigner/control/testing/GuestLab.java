package io.vnicsigner.control.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import io.vnicsigner.control.config.ConfigLoader;
import io.vnicsigner.control.daemon.Daemon;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.sign.RequestHooks;

/**
 * The daemon in this JVM between guest namespaces (the first 10.200.0.2; each with its TAP and a route to the signing
 * IP) and an uplink namespace (10.200.0.1), set up the way an operator would. Everything is removed on {@link #close()}.
 */
public final class GuestLab implements AutoCloseable
{
    public static final String SIGNING_IP = "169.254.169.250";
    public static final String SIGNING_MAC = "02:76:6e:69:63:01";
    public static final String GUEST_MAC = "52:54:00:00:00:01";
    public static final String GUEST_IP = "10.200.0.2";
    public static final String UPLINK_IP = "10.200.0.1";

    public final NetnsLab lab = new NetnsLab();
    /** The first guest's namespace and TAP. */
    public final String guestNs;
    public final String uplinkNs;
    public final String guestTap;
    public final String uplinkTap;
    public final Daemon daemon;
    private final List<String> guestNamespaces = new ArrayList<>();

    /** One guest instance: its namespace gets the TAP with this MAC and IP, and a route to the signing IP. */
    public record Guest(String id, String tenant, String mac, String ip, String instanceExtra)
    {
    }

    /**
     * @param instanceExtra YAML lines added to the instance (indented 4 spaces), e.g. fault injection.
     * @param topExtra      YAML added at the top level, e.g. {@code limits}.
     */
    public GuestLab(final File dir, final String instanceExtra, final String topExtra) throws Exception
    {
        this(dir, null, List.of(new Guest("i-demo1", "acme", GUEST_MAC, GUEST_IP, instanceExtra)), topExtra, null);
    }

    /**
     * Several guests, each in its own namespace on the same /24, and the daemon started with these hooks (null: the
     * control plane's, from the config).
     *
     * @param prefix a short stem for the TAPs and namespaces ({@code <prefix>g<i>}, {@code <prefix>u}), or null for
     *               the single-guest names.
     */
    public GuestLab(
        final File dir, final String prefix, final List<Guest> guests, final String topExtra, final RequestHooks hooks)
        throws Exception
    {
        NetnsLab.assumeCapable();
        boolean started = false;
        final List<String> taps = new ArrayList<>();
        for (int i = 0; i < guests.size(); i++)
        {
            taps.add(lab.name(prefix == null ? (i == 0 ? "vsg" : "vsg" + i) : prefix + "g" + i));
        }
        guestTap = taps.get(0);
        uplinkTap = lab.name(prefix == null ? "vsu" : prefix + "u");
        Daemon d = null;
        String firstNs = null;
        String uplink = null;
        try
        {
            final StringBuilder instances = new StringBuilder();
            for (int i = 0; i < guests.size(); i++)
            {
                final Guest guest = guests.get(i);
                instances.append("""
                      - id: %s
                        tenant: %s
                        mac: "%s"
                        ip: %s
                        port: "tap:%s"
                    %s
                    """.formatted(guest.id(), guest.tenant(), guest.mac(), guest.ip(), taps.get(i),
                    guest.instanceExtra()));
            }
            final String yaml = """
                signingIp: %s
                uplink: { port: "tap:%s" }
                instances:
                %s
                %s
                """.formatted(SIGNING_IP, uplinkTap, instances, topExtra);
            d = Daemon.start(ConfigLoader.parse(yaml), dir, null, hooks);
            for (int i = 0; i < guests.size(); i++)
            {
                final String ns = lab.namespace(prefix == null ? (i == 0 ? "g" : "g" + i) : prefix + i);
                guestNamespaces.add(ns);
                firstNs = firstNs == null ? ns : firstNs;
                final String tap = taps.get(i);
                lab.awaitLink(tap);
                lab.run("ip", "link", "set", tap, "netns", ns).assertOk();
                lab.run("ip", "-n", ns, "link", "set", tap, "address", guests.get(i).mac(), "up").assertOk();
                lab.run("ip", "-n", ns, "addr", "add", guests.get(i).ip() + "/24", "dev", tap).assertOk();
                lab.run("ip", "-n", ns, "route", "add", SIGNING_IP + "/32", "dev", tap).assertOk();
            }
            uplink = lab.namespace(prefix == null ? "u" : prefix + "u");
            lab.awaitLink(uplinkTap);
            lab.run("ip", "link", "set", uplinkTap, "netns", uplink).assertOk();
            lab.run("ip", "-n", uplink, "link", "set", uplinkTap, "up").assertOk();
            lab.run("ip", "-n", uplink, "addr", "add", UPLINK_IP + "/24", "dev", uplinkTap).assertOk();
            started = true;
        }
        finally
        {
            daemon = d;
            guestNs = firstNs;
            uplinkNs = uplink;
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

    /**
     * Writes a tenant credentials file (mode 0600) as the daemon reads it.
     */
    public static Path writeCredentials(final Path file, final String accessKeyId, final String secret)
        throws java.io.IOException
    {
        Files.writeString(file, "{\"accessKeyId\":\"" + accessKeyId + "\",\"secretAccessKey\":\"" + secret + "\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
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
        return inGuest(0, timeoutSeconds, command);
    }

    /** Runs a command in guest {@code index}'s namespace. */
    public NetnsLab.Result inGuest(final int index, final int timeoutSeconds, final String... command)
    {
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = guestNamespaces.get(index);
        System.arraycopy(command, 0, full, 4, command.length);
        return lab.run(timeoutSeconds, full);
    }

    /** Runs curl in guest {@code index}, the body to {@code output}, and returns the HTTP status it got. */
    public String curlTo(final int index, final String output, final String... args)
    {
        return curlTimed(index, 30, output, args);
    }

    /** As {@link #curlTo}, for transfers that may take up to {@code timeoutSeconds}. */
    public String curlTimed(final int index, final int timeoutSeconds, final String output, final String... args)
    {
        final String[] command = new String[args.length + 8];
        command[0] = "curl";
        command[1] = "-sS";
        command[2] = "-m";
        command[3] = Integer.toString(Math.max(1, timeoutSeconds - 10));
        command[4] = "-o";
        command[5] = output;
        command[6] = "-w";
        command[7] = "%{http_code}";
        System.arraycopy(args, 0, command, 8, args.length);
        return inGuest(index, timeoutSeconds, command).assertOk().output();
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
