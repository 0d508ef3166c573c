package io.vnicsigner.control.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.vnicsigner.signer.identity.ImageDigest;
import io.vnicsigner.signer.identity.InstanceIdentity;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code identity}: prints the instance identity and image digest for a tenant, a MAC and an image. */
@Command(name = "identity", mixinStandardHelpOptions = true,
    description = "Print the instance identity (vni-...) for a tenant, NIC MAC and image.")
public final class IdentityCommand implements Callable<Integer>
{
    /** Files above this size get a progress bar while they are hashed. */
    static final long PROGRESS_THRESHOLD = 64L * 1024 * 1024;

    @Option(names = "--tenant", required = true, description = "Tenant name.")
    String tenant;

    @Option(names = "--mac", required = true, description = "Guest NIC MAC address.")
    String mac;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Image image;

    static final class Image
    {
        @Option(names = "--image", paramLabel = "FILE", description = "Guest image file (raw or qcow2), hashed as bytes.")
        Path file;

        @Option(names = "--image-digest", paramLabel = "sha256:HEX", description = "Image digest computed before.")
        String digest;
    }

    private final PrintStream out;
    private final PrintStream err;

    public IdentityCommand()
    {
        this(System.out, System.err);
    }

    public IdentityCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    public Integer call()
    {
        try
        {
            final String digest = image.file != null ? digest(image.file) : InstanceIdentity.normalizeImageDigest(image.digest);
            final String identity = InstanceIdentity.derive(tenant, mac, digest);
            out.println("identity " + identity);
            out.println("image-digest " + digest);
            out.flush();
            return 0;
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("identity: " + ex.getMessage());
            return 2;
        }
        catch (final IOException ex)
        {
            err.println("identity: cannot read image: " + ex.getMessage());
            return 1;
        }
    }

    private String digest(final Path file) throws IOException
    {
        if (Files.size(file) <= PROGRESS_THRESHOLD)
        {
            return ImageDigest.compute(file, null);
        }
        final ProgressBar bar = new ProgressBar(err);
        final String digest = ImageDigest.compute(file, bar);
        err.println();
        return digest;
    }

    /** A one-line text bar on stderr, redrawn only when the whole percentage changes. */
    static final class ProgressBar implements ImageDigest.ProgressListener
    {
        private static final int WIDTH = 40;
        private final PrintStream err;
        private int lastPercent = -1;

        ProgressBar(final PrintStream err)
        {
            this.err = err;
        }

        public void onProgress(final long bytesDone, final long bytesTotal)
        {
            final int percent = bytesTotal == 0 ? 100 : (int)(bytesDone * 100 / bytesTotal);
            if (percent == lastPercent)
            {
                return;
            }
            lastPercent = percent;
            final int filled = percent * WIDTH / 100;
            err.print("\rhashing [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + percent + "% " +
                (bytesDone >> 20) + "/" + (bytesTotal >> 20) + " MiB");
            err.flush();
        }
    }
}
