package io.vnicsigner.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH entry point that passes the project's JVM flags (from {@code jvm.flags}, filtered in at build time)
 * to every fork, so benchmarks run with the same flags as Surefire and the launcher.
 */
public final class BenchMain
{
    private BenchMain()
    {
    }

    public static void main(final String[] args) throws IOException, RunnerException, CommandLineOptionException
    {
        final CommandLineOptions cli = new CommandLineOptions(args);
        final String[] flags = jvmFlags();
        new Runner(new OptionsBuilder().parent(cli).jvmArgsPrepend(flags).build()).run();
    }

    /** The project's JVM flags, split on whitespace. */
    public static String[] jvmFlags() throws IOException
    {
        try (InputStream in = BenchMain.class.getResourceAsStream("/vnic-jvm.flags"))
        {
            final String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? new String[0] : text.split("\\s+");
        }
    }
}
