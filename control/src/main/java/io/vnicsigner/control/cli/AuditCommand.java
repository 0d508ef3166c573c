package io.vnicsigner.control.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import io.vnicsigner.control.audit.AuditReader;
import io.vnicsigner.control.audit.AuditRecord;
import io.vnicsigner.control.config.ConfigException;
import io.vnicsigner.control.config.ConfigLoader;
import io.vnicsigner.control.config.VnicConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reads the audit queue (the daemon may be running): {@code tail} prints the last records and can follow,
 * {@code export} prints a time range as JSON Lines.
 */
@Command(name = "audit", description = "Read the audit trail (Chronicle Queue).",
    subcommands = {AuditCommand.Tail.class, AuditCommand.Export.class})
public final class AuditCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    /** Where the queue is: {@code --dir}, or {@code audit.dir} of {@code --config}. */
    static final class Source
    {
        @Option(names = "--dir", description = "Audit queue directory.")
        Path dir;

        @Option(names = "--config", description = "Daemon config file; its audit.dir is read.")
        Path config;

        Path resolve() throws ConfigException
        {
            if (dir != null)
            {
                return dir;
            }
            if (config == null)
            {
                throw new ConfigException("give --dir or --config");
            }
            final VnicConfig cfg = ConfigLoader.load(config);
            if (cfg.control().audit() == null)
            {
                throw new ConfigException("audit: is not configured in " + config);
            }
            return cfg.control().audit().dir();
        }
    }

    @Command(name = "tail", description = "Print the last records, one JSON object a line; --follow keeps going.")
    static final class Tail implements Callable<Integer>
    {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Source source;

        @Option(names = {"-n", "--lines"}, defaultValue = "10", description = "Records to print first (default 10).")
        int lines;

        @Option(names = {"-f", "--follow"}, description = "Keep printing records as they are appended.")
        boolean follow;

        @Option(names = "--instance", description = "Only this instance id.")
        String instance;

        @Option(names = "--tenant", description = "Only this tenant.")
        String tenant;

        @Option(names = "--poll-ms", defaultValue = "200", hidden = true)
        long pollMs;

        @Option(names = "--max-records", defaultValue = "-1", hidden = true,
            description = "Stop following after this many records (tests).")
        long maxRecords;

        public Integer call() throws Exception
        {
            final Path dir;
            try
            {
                dir = source.resolve();
            }
            catch (final ConfigException e)
            {
                spec.commandLine().getErr().println("vnic-signer audit tail: " + e.getMessage());
                return 2;
            }
            final PrintWriter out = spec.commandLine().getOut();
            try (AuditReader reader = open(dir, "tail", spec.commandLine().getErr()))
            {
                if (reader == null)
                {
                    return 1;
                }
                final ArrayDeque<AuditRecord> last = new ArrayDeque<>();
                final Consumer<AuditRecord> keep = r ->
                {
                    if (matches(r))
                    {
                        last.addLast(r);
                        if (last.size() > lines)
                        {
                            last.removeFirst();
                        }
                    }
                };
                reader.poll(keep);
                if (!follow)
                {
                    reader.drainPending(keep);
                }
                last.forEach(r -> out.println(r.toJson()));
                out.flush();
                long printed = last.size();
                while (follow && (maxRecords < 0 || printed < maxRecords))
                {
                    final long[] count = {0};
                    if (reader.poll(r ->
                    {
                        if (matches(r))
                        {
                            out.println(r.toJson());
                            count[0]++;
                        }
                    }) == 0)
                    {
                        Thread.sleep(pollMs);
                    }
                    out.flush();
                    printed += count[0];
                }
            }
            return 0;
        }

        private boolean matches(final AuditRecord r)
        {
            return (instance == null || instance.equals(r.instance())) && (tenant == null || tenant.equals(r.tenant()));
        }
    }

    @Command(name = "export", description = "Print the records in [--since, --until) as JSON Lines.")
    static final class Export implements Callable<Integer>
    {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Source source;

        @Option(names = "--since", description = "ISO-8601 instant, inclusive (e.g. 2026-11-25T00:00:00Z).")
        String since;

        @Option(names = "--until", description = "ISO-8601 instant, exclusive.")
        String until;

        @Option(names = "--format", defaultValue = "jsonl", description = "Output format: jsonl (the only one).")
        String format;

        public Integer call()
        {
            final Path dir;
            final long sinceNs;
            final long untilNs;
            try
            {
                if (!"jsonl".equals(format))
                {
                    throw new ConfigException("--format must be jsonl, not '" + format + "'");
                }
                sinceNs = since == null ? Long.MIN_VALUE : epochNs(since, "--since");
                untilNs = until == null ? Long.MAX_VALUE : epochNs(until, "--until");
                dir = source.resolve();
            }
            catch (final ConfigException e)
            {
                spec.commandLine().getErr().println("vnic-signer audit export: " + e.getMessage());
                return 2;
            }
            final PrintWriter out = spec.commandLine().getOut();
            try (AuditReader reader = open(dir, "export", spec.commandLine().getErr()))
            {
                if (reader == null)
                {
                    return 1;
                }
                final Consumer<AuditRecord> print = r ->
                {
                    if (r.timeNs() >= sinceNs && r.timeNs() < untilNs)
                    {
                        out.println(r.toJson());
                    }
                };
                reader.poll(print);
                reader.drainPending(print);
            }
            out.flush();
            return 0;
        }

        private static long epochNs(final String text, final String option) throws ConfigException
        {
            try
            {
                final Instant instant = Instant.parse(text);
                return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
            }
            catch (final DateTimeParseException | ArithmeticException e)
            {
                throw new ConfigException(option + " must be an ISO-8601 instant like 2026-11-25T00:00:00Z, not '" +
                    text + "'");
            }
        }
    }

    private static AuditReader open(final Path dir, final String command, final PrintWriter err)
    {
        try
        {
            return new AuditReader(dir);
        }
        catch (final RuntimeException e)
        {
            err.println("vnic-signer audit " + command + ": cannot read the audit queue in " + dir + ": " +
                e.getMessage());
            return null;
        }
    }
}
