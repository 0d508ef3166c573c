package io.vnicsigner.dataplane.port;

import io.vnicsigner.linux.dpdk.Dpdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receive rate through a vhost-user port, with {@code dpdk-testpmd --forward-mode=txonly} on {@code net_virtio_user}
 * as the guest in another process: the Java loop forwards from {@code net_vhost} to {@code net_null}, then
 * {@code dpdk-testpmd --forward-mode=rxonly} on {@code net_vhost} takes the same generator as the C baseline. Not a
 * test: run it by hand (see docs/dpdk.md). Arguments: {@code [seconds, default 3] [frame size, default 64]}.
 */
public final class DpdkVhostBenchmark
{
    private static final Pattern RX_PPS = Pattern.compile("Rx-pps:\\s+(\\d+)");

    private DpdkVhostBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        final int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        if (!Dpdk.isAvailable())
        {
            throw new IllegalStateException(Dpdk.unavailableReason());
        }
        Dpdk.ensureInitialised();
        final Path dir = Files.createTempDirectory("vnic-vhost-bench");
        final Path javaSocket = dir.resolve("java.sock");
        final Path cSocket = dir.resolve("c.sock");
        final long pid = ProcessHandle.current().pid();

        final double javaMpps;
        try (DpdkPort vhost = DpdkPort.open("net_vhost70,iface=" + javaSocket);
            DpdkPort sink = DpdkPort.open("net_null71"))
        {
            final Process generator = testpmd("gen-j" + pid, "net_virtio_user0,path=" + javaSocket, "txonly", size);
            try
            {
                final FrameBatch batch = new FrameBatch();
                final long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < warmUpEnd)
                {
                    batch.clear();
                    forward(vhost, sink, batch);
                }
                long frames = 0;
                final long start = System.nanoTime();
                final long end = start + TimeUnit.SECONDS.toNanos(seconds);
                long now = start;
                while (now < end)
                {
                    for (int r = 0; r < 256; r++)
                    {
                        batch.clear();
                        frames += forward(vhost, sink, batch);
                    }
                    now = System.nanoTime();
                }
                javaMpps = frames * 1e3 / (now - start);
            }
            finally
            {
                generator.destroy();
                generator.waitFor(5, TimeUnit.SECONDS);
            }
        }

        final Process receiver = testpmd("rx-c" + pid, "net_vhost0,iface=" + cSocket, "rxonly", size);
        final List<Long> samples = new ArrayList<>();
        final Thread collector = Thread.ofPlatform().start(() -> collectRxPps(receiver, samples));
        final long socketDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(cSocket) && System.nanoTime() < socketDeadline)
        {
            Thread.sleep(50);
        }
        final Process generator = testpmd("gen-c" + pid, "net_virtio_user0,path=" + cSocket, "txonly", size);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds + 3));
        generator.destroy();
        generator.waitFor(5, TimeUnit.SECONDS);
        // SIGTERM makes testpmd print its last stats and exit, which ends the collector's stream.
        receiver.destroy();
        receiver.waitFor(5, TimeUnit.SECONDS);
        collector.join(TimeUnit.SECONDS.toMillis(5));
        final double cMpps = mean(samples);
        for (final String prefix : List.of("gen-j" + pid, "gen-c" + pid, "rx-c" + pid))
        {
            DpdkForwardingBenchmark.removeRuntimeDir(prefix);
        }
        Files.deleteIfExists(javaSocket);
        Files.deleteIfExists(cSocket);
        Files.deleteIfExists(dir);

        System.out.printf("vhost-user rx, %d-byte frames from testpmd txonly over net_virtio_user, %d s%n", size, seconds);
        System.out.printf("%-45s %8.2f Mpps  (%.2f of testpmd)%n", "Java: net_vhost -> net_null (DpdkPort)", javaMpps,
            javaMpps / cMpps);
        System.out.printf("%-45s %8.2f Mpps%n", "dpdk-testpmd rxonly on net_vhost", cMpps);
    }

    private static int forward(final DpdkPort from, final DpdkPort to, final FrameBatch batch)
    {
        final int n = from.receive(batch);
        for (int i = 0; i < n; i++)
        {
            to.send(batch.buffer(), batch.offset(i), batch.length(i));
        }
        to.flush();
        return n;
    }

    private static Process testpmd(final String prefix, final String vdev, final String mode, final int size)
        throws IOException
    {
        final List<String> command = List.of("dpdk-testpmd", "--no-huge", "-m", "512", "--no-pci",
            "--no-telemetry", "--lcores", "0@(0-1),1@(0-1)", "--file-prefix", prefix, "--vdev", vdev,
            "--log-level", "lib.vhost.*:warning",
            "--", "--forward-mode=" + mode, "--auto-start", "--stats-period", "1", "--total-num-mbufs=16384",
            "--txpkts=" + size);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (!"rxonly".equals(mode))
        {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return builder.start();
    }

    /** Collects the non-zero Rx-pps lines testpmd prints, until it exits. */
    private static void collectRxPps(final Process process, final List<Long> samples)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                final Matcher m = RX_PPS.matcher(line);
                if (m.find() && Long.parseLong(m.group(1)) > 0)
                {
                    synchronized (samples)
                    {
                        samples.add(Long.parseLong(m.group(1)));
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            // The stream ends with the process either way.
        }
    }

    /** Mean in Mpps, leaving out the first period with traffic (it is partial) when there are others. */
    private static double mean(final List<Long> samples)
    {
        synchronized (samples)
        {
            final List<Long> steady = samples.size() > 1 ? samples.subList(1, samples.size()) : samples;
            return steady.stream().mapToLong(Long::longValue).average().orElse(Double.NaN) / 1e6;
        }
    }
}
