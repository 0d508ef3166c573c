package io.vnicsigner.control.cli;

import java.io.File;
import java.io.PrintStream;
import java.util.concurrent.Callable;

import io.vnicsigner.control.daemon.Daemon;
import io.vnicsigner.dataplane.counters.CountersFile;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the daemon's counters straight from its counters file, without asking the daemon anything.
 */
@Command(name = "stats", description = "Print the running daemon's counters (read from its counters file).")
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
}
