package io.vnicsigner.dataplane.port;

import io.vnicsigner.linux.dpdk.Dpdk;
import io.vnicsigner.linux.dpdk.DpdkEthDev;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

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
 * Forwarding rate from one {@code net_null} port to another in a Java loop, for each way of moving frames, and the
 * same through {@code dpdk-testpmd --forward-mode=io} in the same run. Not a test: run it by hand (see docs/dpdk.md).
 * <p>
 * Arguments: {@code [seconds per mode and round, default 1] [frame size, default 64] [testpmd: yes|no, default
 * yes]}.
 */
public final class DpdkForwardingBenchmark
{
    private static final Pattern RX_PPS = Pattern.compile("Rx-pps:\\s+(\\d+)");

    private DpdkForwardingBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        final int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        final boolean testpmd = args.length <= 2 || !"no".equals(args[2]);
        final int rounds = 3;
        if (!Dpdk.isAvailable())
        {
            throw new IllegalStateException(Dpdk.unavailableReason());
        }
        Dpdk.ensureInitialised();
        final long nanos = TimeUnit.SECONDS.toNanos(seconds);
        final String[] names = {
            "port, tx in place (default)", "port, tx staged + copied",
            "shim copy both ways (no Java copy)", "shim zero-copy refs (one Java copy)" };
        final double[] best = new double[names.length];
        final String null0 = "net_null60,size=" + size;
        final String null1 = "net_null61,size=" + size;
        final String null2 = "net_null62,size=" + size;
        final String null3 = "net_null63,size=" + size;
        // The machine is shared, so modes take turns for a few rounds and each keeps its best round.
        for (int round = 0; round < rounds; round++)
        {
            best[0] = Math.max(best[0], portLoop(null0, null1, false, nanos));
            best[1] = Math.max(best[1], portLoop(null2, null3, true, nanos));
            best[2] = Math.max(best[2], rawCopyLoop(null0, null1, nanos));
            best[3] = Math.max(best[3], rawZeroCopyLoop(null2, null3, nanos));
        }
        final double testpmdMpps = testpmd ? testpmd(Math.max(4, seconds * 3), size) : Double.NaN;
        System.out.println("net_null pair, " + size + "-byte frames, best of " + rounds + " x " + seconds +
            " s per mode, EAL " + Dpdk.ealArgs());
        for (int i = 0; i < names.length; i++)
        {
            System.out.printf("%-40s %8.2f Mpps  (%.2f of testpmd)%n", names[i], best[i], best[i] / testpmdMpps);
        }
        System.out.printf("%-40s %8.2f Mpps%n", "dpdk-testpmd io forward (both ways)", testpmdMpps);
    }

    private static double portLoop(final String rx, final String tx, final boolean copyTx, final long nanos)
        throws IOException
    {
        try (DpdkPort in = DpdkPort.open(rx);
            DpdkPort out = DpdkPort.open(tx, copyTx))
        {
            final FrameBatch batch = new FrameBatch();
            long forwarded = 0;
            final long start = System.nanoTime();
            final long end = start + nanos;
            long now = start;
            while (now < end)
            {
                for (int r = 0; r < 1024; r++)
                {
                    batch.clear();
                    final int n = in.receive(batch);
                    for (int i = 0; i < n; i++)
                    {
                        out.send(batch.buffer(), batch.offset(i), batch.length(i));
                    }
                    out.flush();
                    forwarded += n;
                }
                now = System.nanoTime();
            }
            return (forwarded - out.sendDrops()) * 1e3 / (now - start);
        }
    }

    private static double rawCopyLoop(final String rx, final String tx, final long nanos) throws IOException
    {
        try (DpdkEthDev in = DpdkEthDev.open(rx, 1024, 1024, 8191);
            DpdkEthDev out = DpdkEthDev.open(tx, 1024, 1024, 8191))
        {
            final FrameBatch batch = new FrameBatch();
            final UnsafeBuffer lengths = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4 * 32, 64));
            long forwarded = 0;
            final long start = System.nanoTime();
            final long end = start + nanos;
            long now = start;
            while (now < end)
            {
                for (int r = 0; r < 1024; r++)
                {
                    final int n = in.rxCopy(batch.buffer().addressOffset(), batch.slotSize(), batch.capacity());
                    for (int i = 0; i < n; i++)
                    {
                        lengths.putInt(4 * i, in.rxLength(i));
                    }
                    forwarded += Math.max(0, out.txCopy(
                        batch.buffer().addressOffset(), batch.slotSize(), lengths.addressOffset(), n));
                }
                now = System.nanoTime();
            }
            return forwarded * 1e3 / (now - start);
        }
    }

    private static double rawZeroCopyLoop(final String rx, final String tx, final long nanos) throws IOException
    {
        try (DpdkEthDev in = DpdkEthDev.open(rx, 1024, 1024, 8191);
            DpdkEthDev out = DpdkEthDev.open(tx, 1024, 1024, 8191))
        {
            final UnsafeBuffer from = new UnsafeBuffer(0, 0);
            final UnsafeBuffer to = new UnsafeBuffer(0, 0);
            long forwarded = 0;
            final long start = System.nanoTime();
            final long end = start + nanos;
            long now = start;
            while (now < end)
            {
                for (int r = 0; r < 1024; r++)
                {
                    final int n = in.rxRefs(32);
                    if (out.txReserved() < n)
                    {
                        out.txFlush(0, 32);
                    }
                    if (n > 0 && out.txReserved() >= n)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            final int length = in.rxLength(i);
                            from.wrap(in.rxAddress(i), length);
                            to.wrap(out.txAddress(i), length);
                            to.putBytes(0, from, 0, length);
                            out.txLength(i, length);
                        }
                        forwarded += out.txFlush(n, 32);
                    }
                }
                now = System.nanoTime();
            }
            return forwarded * 1e3 / (now - start);
        }
    }

    /** testpmd leaves its EAL runtime directory behind; the benchmark's prefixes are its own to remove. */
    static void removeRuntimeDir(final String prefix) throws IOException
    {
        final Path dir = Path.of("/var/run/dpdk", prefix);
        if (Files.isDirectory(dir))
        {
            try (var files = Files.list(dir))
            {
                for (final Path file : files.toList())
                {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Runs testpmd on its own pair of net_null vdevs and averages the packet rate it reports once running. */
    private static double testpmd(final int seconds, final int size) throws IOException, InterruptedException
    {
        final List<String> command = List.of("timeout", "-s", "INT", String.valueOf(seconds + 3), "dpdk-testpmd",
            "--no-huge", "-m", "512", "--no-pci", "--no-telemetry", "-l", "0-1",
            "--file-prefix", "tp-" + ProcessHandle.current().pid(),
            "--vdev", "net_null0,size=" + size, "--vdev", "net_null1,size=" + size,
            "--", "--forward-mode=io", "--auto-start", "--stats-period", "1", "--total-num-mbufs=16384");
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final List<Long> samples = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                final Matcher m = RX_PPS.matcher(line);
                if (m.find())
                {
                    samples.add(Long.parseLong(m.group(1)));
                }
            }
        }
        process.waitFor();
        removeRuntimeDir("tp-" + ProcessHandle.current().pid());
        // Each period prints one Rx-pps line per port. The io engine forwards both ways on its one core, so its
        // rate is the sum over the two ports; periods still at zero (start-up) are left out.
        double sum = 0;
        int count = 0;
        for (int i = 0; i + 1 < samples.size(); i += 2)
        {
            final long period = samples.get(i) + samples.get(i + 1);
            if (period > 0)
            {
                sum += period;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count / 1e6;
    }
}
