package io.vnicsigner.control.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One boot of the vm-images test guest through {@code scripts/launch-guest.sh}: QEMU (KVM when it can run the
 * guest, TCG otherwise) runs the guest's scripted client, which reports one {@code VNIC-RESULT} line per step on
 * the serial console and powers off. The image comes from {@code vm-images/build.sh}, cached outside git.
 */
final class GuestVm
{
    static final Path ROOT = findRoot();
    private static final Pattern RESULT = Pattern.compile("^VNIC-RESULT seq=(\\d+) status=(ok|fail) (.*)$");

    private GuestVm()
    {
    }

    /**
     * Skips the calling test class when QEMU or the guest kernel cannot be provided, and builds the image
     * otherwise (a no-op when it is cached). A build failure for any other reason fails the test.
     */
    static void assumeImage() throws IOException, InterruptedException
    {
        final boolean qemu = Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64"));
        if (!qemu)
        {
            System.err.println("VM end-to-end tests skipped: no qemu-system-x86_64 (scripts/test.sh installs qemu-system-x86)");
        }
        assumeTrue(qemu, "no qemu-system-x86_64 (scripts/test.sh installs qemu-system-x86)");
        final Path log = Files.createTempFile("vnic-vm-build", ".log");
        try
        {
            final Process build = new ProcessBuilder(ROOT.resolve("vm-images/build.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!build.waitFor(10, TimeUnit.MINUTES))
            {
                build.destroyForcibly();
                throw new AssertionError("vm-images/build.sh did not finish in 10 minutes");
            }
            final String output = Files.readString(log);
            if (build.exitValue() != 0)
            {
                final boolean noKernel = output.contains("needs these Debian packages") ||
                    output.contains("cannot tell which kernel") || output.contains("is missing; reinstall");
                if (noKernel)
                {
                    System.err.println("VM end-to-end tests skipped: the guest kernel cannot be provided:\n" + output);
                }
                assumeTrue(!noKernel, "the guest kernel cannot be provided: " + output);
                throw new AssertionError("vm-images/build.sh failed:\n" + output);
            }
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Boots the guest and waits for it to power off.
     *
     * @param attach  {@code --tap IFNAME}, {@code --stream PATH} or {@code --vhost-user PATH}, plus any further
     *                launcher options.
     * @param serial  where the serial console goes.
     */
    static Boot boot(final Path serial, final int timeoutSeconds, final String... attach)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/launch-guest.sh").toString(),
            "--log", serial.toString(), "--timeout", Integer.toString(timeoutSeconds)));
        command.addAll(List.of(attach));
        final Path out = Path.of(serial + ".launch");
        final Process launch = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
            .start();
        final long startNs = System.nanoTime();
        try
        {
            if (!launch.waitFor(timeoutSeconds + 30L, TimeUnit.SECONDS))
            {
                throw new AssertionError("launch-guest.sh did not return:\n" + Files.readString(out));
            }
        }
        finally
        {
            // launch-guest.sh kills its QEMU on TERM; the descendants are only ours.
            launch.descendants().forEach(ProcessHandle::destroy);
            launch.destroy();
        }
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        final String console = Files.exists(serial) ? Files.readString(serial, StandardCharsets.UTF_8)
            .replace("\r", "") : "";
        final String qemuLog = Path.of(serial + ".qemu").toFile().exists() ?
            Files.readString(Path.of(serial + ".qemu")) : "";
        return new Boot(launch.exitValue(), Files.readString(out), console, qemuLog, elapsedMs);
    }

    /** What one boot printed. */
    record Boot(int exitCode, String launcher, String console, String qemuLog, long elapsedMs)
    {
        /** The step result whose fields contain {@code fields}, e.g. {@code op=put via=nc path=/b/k}. */
        Step step(final String fields)
        {
            for (final String line : console.split("\n"))
            {
                final Matcher m = RESULT.matcher(line.trim());
                if (m.matches() && (m.group(3) + " ").contains(fields + " "))
                {
                    return new Step(Integer.parseInt(m.group(1)), "ok".equals(m.group(2)), m.group(3));
                }
            }
            throw new AssertionError("no step '" + fields + "' in the guest's console:\n" + describe());
        }

        boolean done()
        {
            return console.contains("VNIC-DONE ");
        }

        String accel()
        {
            final Matcher m = Pattern.compile("accel=(\\w+)").matcher(launcher);
            return m.find() ? m.group(1) : "unknown";
        }

        String describe()
        {
            return "launcher (exit " + exitCode + "):\n" + launcher + "\nconsole:\n" + console + "\nqemu:\n" + qemuLog;
        }
    }

    /** One {@code VNIC-RESULT} line. */
    record Step(int seq, boolean ok, String fields)
    {
        String field(final String name)
        {
            final Matcher m = Pattern.compile("(?:^| )" + name + "=(\\S+)").matcher(fields);
            return m.find() ? m.group(1) : null;
        }
    }

    private static Path findRoot()
    {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/launch-guest.sh")))
        {
            dir = dir.getParent();
        }
        if (dir == null)
        {
            throw new IllegalStateException("cannot find the repository root (scripts/launch-guest.sh) above " +
                System.getProperty("user.dir"));
        }
        return dir;
    }
}
