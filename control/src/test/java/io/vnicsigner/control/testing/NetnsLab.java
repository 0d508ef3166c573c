package io.vnicsigner.control.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Network namespaces, links and processes that one test creates, removed again on {@link #close()} (and by a
 * shutdown hook if the JVM dies first). Names carry a per-run suffix so parallel or stale runs never collide, and
 * only what this lab created is ever deleted or killed.
 */
public final class NetnsLab implements AutoCloseable
{
    /** Prefix of every namespace the tests create; scripts/test.sh removes stale ones left by a killed run. */
    public static final String NS_PREFIX = "vst-";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String suffix;
    private final Deque<String> namespaces = new ArrayDeque<>();
    private final Deque<Process> processes = new ArrayDeque<>();
    private final Thread hook = new Thread(this::cleanup, "netns-lab-cleanup");

    public NetnsLab()
    {
        suffix = Long.toString(ProcessHandle.current().pid() % 46656, 36) + SEQUENCE.incrementAndGet();
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Skips the test unless it runs as root with iproute2 and /dev/net/tun. */
    public static void assumeCapable()
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for TAPs and namespaces");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
            "needs iproute2");
        assumeTrue(Files.isWritable(Path.of("/dev/net/tun")), "needs /dev/net/tun");
    }

    /** A short unique name with the given stem, at most 15 characters (a Linux interface name limit). */
    public String name(final String stem)
    {
        final String name = stem + suffix;
        if (name.length() > 15)
        {
            throw new IllegalArgumentException("name too long for an interface: " + name);
        }
        return name;
    }

    public String namespace(final String stem)
    {
        final String ns = NS_PREFIX + name(stem);
        run("ip", "netns", "add", ns).assertOk();
        namespaces.push(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up").assertOk();
        return ns;
    }

    public Result run(final String... command)
    {
        return run(30, command);
    }

    public Result run(final int timeoutSeconds, final String... command)
    {
        try
        {
            // Output goes to a file, not a pipe, so a chatty command cannot block on a full pipe buffer.
            final Path log = Files.createTempFile("netns-lab", ".out");
            try
            {
                final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
                final boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
                if (!done)
                {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                }
                final String output = Files.readString(log, StandardCharsets.UTF_8);
                return new Result(String.join(" ", command), done ? process.exitValue() : -1, output);
            }
            finally
            {
                Files.deleteIfExists(log);
            }
        }
        catch (final IOException e)
        {
            return new Result(String.join(" ", command), -2, e.toString());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return new Result(String.join(" ", command), -3, "interrupted");
        }
    }

    public Result exec(final String ns, final String... command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Starts a long-running process in a namespace; it is killed (by its PID) on close. */
    public Process start(final String ns, final Path log, final String... command) throws IOException
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        final Process process = new ProcessBuilder(full).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        processes.push(process);
        return process;
    }

    /** Waits until a network device exists in the current namespace (the daemon creates TAPs asynchronously). */
    public void awaitLink(final String name)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(Path.of("/sys/class/net", name)))
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("network device " + name + " did not appear");
            }
            Thread.onSpinWait();
        }
    }

    public void close()
    {
        cleanup();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // Already shutting down: the hook is running or has run.
        }
    }

    private synchronized void cleanup()
    {
        while (!processes.isEmpty())
        {
            final Process process = processes.pop();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        while (!namespaces.isEmpty())
        {
            run("ip", "netns", "del", namespaces.pop());
        }
    }

    /** The outcome of a command: exit status and combined output. */
    public record Result(String command, int exitCode, String output)
    {
        public Result assertOk()
        {
            if (exitCode != 0)
            {
                throw new AssertionError("'" + command + "' exited " + exitCode + ":\n" + output);
            }
            return this;
        }

        public boolean ok()
        {
            return exitCode == 0;
        }
    }
}
