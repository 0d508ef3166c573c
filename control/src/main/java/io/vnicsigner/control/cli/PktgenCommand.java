package io.vnicsigner.control.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.pktgen.PacketGenerator;
import io.vnicsigner.dataplane.pktgen.TrafficSpec;
import io.vnicsigner.dataplane.port.Port;
import io.vnicsigner.dataplane.port.PortSpecs;
import io.vnicsigner.dataplane.switching.SigningIp;
import io.vnicsigner.linux.LinuxException;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pktgen}: sends stamped frames into any port type and counts and times what comes back, so a user without
 * {@code dpdk-testpmd} can measure a dataplane too.
 */
@Command(name = "pktgen", mixinStandardHelpOptions = true,
    description = "Send UDP frames (and a share of ICMP echo requests to the signing IP) into a port at a rate; " +
        "count what comes back and report rates, loss and latency.")
public final class PktgenCommand implements Callable<Integer>
{
    @Option(names = "--port", required = true, paramLabel = "SPEC",
        description = "Port to send on (tap:NAME, dpdk:..., qemu-stream:...); echo replies are read back here.")
    String port;

    @Option(names = "--rx-port", paramLabel = "SPEC", description = "Port the forwarded UDP frames arrive on " +
        "(default: none; only echo replies are received).")
    String rxPort;

    @Option(names = "--size", defaultValue = "64", description = "Frame size on the wire with its FCS, 64..1518 " +
        "(default: ${DEFAULT-VALUE}); the port is handed 4 bytes less.")
    int size;

    @Option(names = "--rate", defaultValue = "0", description = "Frames per second; 0 sends as fast as the port " +
        "takes them (default: ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--flows", defaultValue = "1", description = "Distinct UDP source ports (default: ${DEFAULT-VALUE}).")
    int flows;

    @Option(names = "--signing-share", defaultValue = "0", description = "Fraction 0..1 of frames that are echo " +
        "requests to the signing IP (default: ${DEFAULT-VALUE}).")
    double signingShare;

    @Option(names = "--duration", defaultValue = "10", description = "Seconds to send (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--src-mac", defaultValue = "52:54:00:00:00:01", description = "Default: ${DEFAULT-VALUE}.")
    String srcMac;

    @Option(names = "--dst-mac", defaultValue = "52:54:00:00:00:fe", description = "Default: ${DEFAULT-VALUE}.")
    String dstMac;

    @Option(names = "--src-ip", defaultValue = "10.200.0.2", description = "Default: ${DEFAULT-VALUE}.")
    String srcIp;

    @Option(names = "--dst-ip", defaultValue = "10.200.0.1", description = "Default: ${DEFAULT-VALUE}.")
    String dstIp;

    @Option(names = "--signing-ip", defaultValue = SigningIp.DEFAULT_IP, description = "Default: ${DEFAULT-VALUE}.")
    String signingIp;

    @Option(names = "--signing-mac", defaultValue = SigningIp.DEFAULT_MAC, description = "Default: ${DEFAULT-VALUE}.")
    String signingMac;

    private final PrintStream out;
    private final PrintStream err;

    public PktgenCommand()
    {
        this(System.out, System.err);
    }

    public PktgenCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    public Integer call()
    {
        final TrafficSpec spec;
        try
        {
            spec = new TrafficSpec(MacAddress.parse(srcMac), MacAddress.parse(dstMac), Ipv4Address.parse(srcIp),
                Ipv4Address.parse(dstIp), Ipv4Address.parse(signingIp), MacAddress.parse(signingMac), size - 4, flows,
                signingShare, rate);
        }
        catch (final IllegalArgumentException e)
        {
            err.println("pktgen: " + e.getMessage());
            return 2;
        }
        Port tx = null;
        Port rx = null;
        try
        {
            tx = PortSpecs.open(port);
            rx = rxPort == null ? tx : PortSpecs.open(rxPort);
            final PacketGenerator generator = new PacketGenerator(spec, tx, rx);
            final long start = System.nanoTime();
            final long end = start + (long)(durationSeconds * 1e9);
            long now = start;
            while (now - end < 0)
            {
                if (generator.doWork(now) == 0)
                {
                    Thread.onSpinWait();
                }
                now = System.nanoTime();
            }
            // Let what is in flight arrive before counting loss.
            final long drainEnd = now + TimeUnit.MILLISECONDS.toNanos(200);
            while (now - drainEnd < 0)
            {
                generator.receive(now);
                now = System.nanoTime();
            }
            report(generator, (end - start) / 1e9);
            return 0;
        }
        catch (final LinuxException | IllegalArgumentException e)
        {
            err.println("pktgen: cannot open port: " + e.getMessage());
            return 1;
        }
        finally
        {
            if (rx != null && rx != tx)
            {
                rx.close();
            }
            if (tx != null)
            {
                tx.close();
            }
        }
    }

    private void report(final PacketGenerator generator, final double seconds)
    {
        final long udpSent = generator.sent() - generator.sentEcho();
        out.printf("sent        %,d frames (%,d echo to the signing IP), %,d refused by the port%n",
            generator.sent(), generator.sentEcho(), generator.txDropped());
        out.printf("tx rate     %.3f Mpps%n", generator.sent() / seconds / 1e6);
        if (rxPort != null)
        {
            out.printf("forwarded   %,d of %,d UDP frames (%.3f%% lost), %.3f Mpps%n", generator.received(), udpSent,
                udpSent == 0 ? 0.0 : 100.0 * (udpSent - generator.received()) / udpSent,
                generator.received() / seconds / 1e6);
        }
        out.printf("echo        %,d of %,d answered%n", generator.receivedEcho(), generator.sentEcho());
        out.printf("other rx    %,d frames without a pktgen stamp%n", generator.receivedOther());
        final Histogram latency = generator.latencyNs();
        if (latency.getTotalCount() > 0)
        {
            out.printf("latency µs  p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (%,d samples)%n",
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3, latency.getTotalCount());
        }
        out.flush();
    }
}
