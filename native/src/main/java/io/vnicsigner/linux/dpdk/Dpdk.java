package io.vnicsigner.linux.dpdk;

import io.vnicsigner.linux.LinuxException;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The process-wide DPDK environment: loads {@code libvnicdpdk.so} ({@value #LIBRARY_PROPERTY}, else beside the jar
 * or in the build's {@code target/native}) and runs the EAL once per process, from {@link #init(List)}, else
 * {@value #EAL_PROPERTY} (split on whitespace), else {@link #defaultEalArgs()}.
 */
public final class Dpdk
{
    public static final String LIBRARY_PROPERTY = "vnic.dpdk.lib";
    public static final String EAL_PROPERTY = "vnic.dpdk.eal";
    public static final String LIBRARY_FILE = "libvnicdpdk.so";

    private static final String LOAD_FAILURE;
    private static List<String> ealArgs;
    private static String ealFailure;

    static
    {
        String failure = null;
        try
        {
            System.load(locateLibrary().toString());
        }
        catch (final IOException | UnsatisfiedLinkError | SecurityException ex)
        {
            failure = ex.getMessage();
        }
        LOAD_FAILURE = failure;
    }

    private Dpdk()
    {
    }

    /** True when the JNI shim was found and loaded, so DPDK ports can be opened. */
    public static boolean isAvailable()
    {
        return LOAD_FAILURE == null;
    }

    /** Why DPDK ports cannot be used, or null when they can. */
    public static String unavailableReason()
    {
        return LOAD_FAILURE;
    }

    /**
     * Arguments that work without hugepages, PCI devices or root-only features: a private file prefix so that
     * several processes can run, and the main lcore allowed on every CPU the calling thread may use, so that
     * the EAL does not need to pin anything.
     */
    public static List<String> defaultEalArgs()
    {
        return List.of(
            "--no-huge", "-m", "512", "--no-pci", "--no-telemetry",
            "--file-prefix", "vnic-" + ProcessHandle.current().pid(),
            "--lcores", "0@(" + allowedCpus() + ")");
    }

    /**
     * Runs the EAL with these arguments (without the program name) unless it has run already in this process.
     * The calling thread's CPU affinity is the same afterwards.
     *
     * @return true if this call initialised the EAL, false if it had been initialised before (nothing changes).
     * @throws LinuxException if {@code rte_eal_init} fails; the EAL cannot be retried in the same process.
     */
    public static synchronized boolean init(final List<String> args) throws LinuxException
    {
        requireAvailable();
        if (ealFailure != null)
        {
            throw new IllegalStateException("the EAL failed earlier in this process and cannot be retried: " +
                ealFailure);
        }
        if (ealArgs != null)
        {
            return false;
        }
        final String[] argv = new String[args.size() + 1];
        argv[0] = "vnic-signer";
        for (int i = 0; i < args.size(); i++)
        {
            argv[i + 1] = args.get(i);
        }
        // Recorded before the call: rte_eal_init may only be called once even when it fails.
        ealArgs = List.copyOf(args);
        final int rc = DpdkNative.ealInit(argv);
        if (rc < 0)
        {
            final LinuxException failure = new LinuxException("rte_eal_init " + String.join(" ", args), -rc);
            ealFailure = failure.getMessage();
            throw failure;
        }
        removeRuntimeDirAtExit(Path.of(DpdkNative.runtimeDir()));
        return true;
    }

    /** Initialises the EAL from {@value #EAL_PROPERTY} or the defaults, unless it has run already. */
    public static void ensureInitialised() throws LinuxException
    {
        final String configured = System.getProperty(EAL_PROPERTY);
        init(configured == null || configured.isBlank() ?
            defaultEalArgs() : Arrays.asList(configured.trim().split("\\s+")));
    }

    /** The arguments the EAL ran with, or null before {@link #init}. */
    public static synchronized List<String> ealArgs()
    {
        return ealArgs;
    }

    /**
     * Gives the calling thread an lcore id, so that mempool operations on it use a per-lcore cache. Its CPU
     * affinity is not changed.
     *
     * @return the thread's lcore id.
     */
    public static int registerThread() throws LinuxException
    {
        final int rc = DpdkNative.threadRegister();
        if (rc < 0)
        {
            throw new LinuxException("rte_thread_register", -rc);
        }
        return rc;
    }

    /** The calling thread's lcore id, or -1 for a thread DPDK does not know. */
    public static int lcoreId()
    {
        return DpdkNative.lcoreId();
    }

    /**
     * The EAL leaves its runtime directory (config file, multi-process socket) behind; one named after our own
     * default prefix is ours alone, so it is removed when the JVM exits.
     */
    private static void removeRuntimeDirAtExit(final Path dir)
    {
        if (!dir.getFileName().toString().equals("vnic-" + ProcessHandle.current().pid()))
        {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try (var files = Files.list(dir))
            {
                for (final Path file : files.toList())
                {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(dir);
            }
            catch (final IOException ex)
            {
                // Best effort: a leftover directory only costs a few bytes under /var/run/dpdk.
            }
        }, "vnic-dpdk-cleanup"));
    }

    static void requireAvailable()
    {
        if (LOAD_FAILURE != null)
        {
            throw new IllegalStateException("DPDK ports are not available: " + LOAD_FAILURE);
        }
    }

    /** The calling thread's allowed CPUs as Linux prints them ({@code 0-1}, {@code 0,2-5}). */
    public static String allowedCpus()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/thread-self/status")))
            {
                if (line.startsWith("Cpus_allowed_list:"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException ex)
        {
            // Fall through to the one CPU every machine has.
        }
        return "0";
    }

    private static Path locateLibrary() throws IOException
    {
        final String configured = System.getProperty(LIBRARY_PROPERTY);
        if (configured != null && !configured.isBlank())
        {
            final Path path = Path.of(configured).toAbsolutePath();
            if (!Files.isRegularFile(path))
            {
                throw new IOException(LIBRARY_PROPERTY + "=" + configured + " does not exist");
            }
            return path;
        }
        final List<Path> tried = new ArrayList<>();
        final CodeSource codeSource = Dpdk.class.getProtectionDomain().getCodeSource();
        if (codeSource != null)
        {
            try
            {
                final Path source = Path.of(codeSource.getLocation().toURI());
                final Path dir = Files.isDirectory(source) ? source : source.getParent();
                // target/classes/../native when run from the build, or beside the jar when installed.
                tried.add(dir.resolve(LIBRARY_FILE));
                tried.add(dir.resolveSibling("native").resolve(LIBRARY_FILE));
                tried.add(dir.resolve("native").resolve(LIBRARY_FILE));
            }
            catch (final URISyntaxException | IllegalArgumentException ex)
            {
                // Not a file location (a custom class loader): only the system property can help.
            }
        }
        for (final Path candidate : tried)
        {
            if (Files.isRegularFile(candidate))
            {
                return candidate.toAbsolutePath();
            }
        }
        throw new IOException(LIBRARY_FILE + " not found (looked at " + tried + "); build with libdpdk-dev " +
            "installed (DPDK ports are not built without it) or set -D" + LIBRARY_PROPERTY + "=PATH");
    }
}
