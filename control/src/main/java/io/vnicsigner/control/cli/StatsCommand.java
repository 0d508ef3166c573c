package io.vnicsigner.control.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;

import io.vnicsigner.control.daemon.Daemon;
import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.counters.LatencySnapshots;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the daemon's counters straight from its counters file, and its sign, upstream and end-to-end latencies from
 * the snapshot file beside it, without asking the daemon anything.
 */
@Command(name = "stats",
    description = "Print the running daemon's counters and stage latencies (read from its counters and latency files).")
public final class StatsCommand implements Callable<Integer>
{
    @Option(names = "--dir", description = "Runtime directory of the daemon (default: ${DEFAULT-VALUE}).",
        defaultValue = "${env:VNIC_SIGNER_DIR:-" + Daemon.DEFAULT_DIR + "}")
    File dir;

    @Option(names = "--all", description = "Also print counters that are zero.")
    boolean all;

    public Integer call()
    {
        final CountersFile file;
        try
        {
            file = CountersFile.open(dir);
        }
        catch (final IllegalStateException e)
        {
            System.err.println("vnic-signer stats: " + e.getMessage());
            return 1;
        }
        try (file)
        {
            print(file, all, System.out);
        }
        printLatencies(dir, System.out);
        return 0;
    }

    public static void print(final CountersFile file, final boolean all, final PrintStream out)
    {
        final boolean alive = ProcessHandle.of(file.pid()).map(ProcessHandle::isAlive).orElse(false);
        out.println("vnic-signer daemon pid " + file.pid() + (alive ? "" : " (not running: counters are stale)"));
        final CountersReader reader = file.reader();
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            final long value = reader.getCounterValue(counterId);
            if (typeId != io.vnicsigner.dataplane.counters.CounterTypes.RESERVED && (all || value != 0))
            {
                out.printf("%14d  %s%n", value, label);
            }
        });
    }

    /**
     * Prints the stage latencies from the daemon's latency snapshot (rewritten every second), in microseconds.
     */
    public static void printLatencies(final File dir, final PrintStream out)
    {
        final Map<String, Histogram> stages;
        try
        {
            stages = LatencySnapshots.read(dir);
        }
        catch (final IOException | RuntimeException e)
        {
            out.println("latency snapshot unreadable: " + e.getMessage());
            return;
        }
        if (stages.isEmpty())
        {
            out.println("no latency snapshot in " + dir);
            return;
        }
        out.printf("%nlatency (us)    %10s %10s %10s %10s %10s %10s%n", "count", "p50", "p90", "p99", "p99.9", "max");
        stages.forEach((stage, h) -> out.printf("  %-13s %10d %10.1f %10.1f %10.1f %10.1f %10.1f%n", stage,
            h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
            us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue())));
    }

    private static double us(final long ns)
    {
        return ns / 1000.0;
    }
}
