package io.vnicsigner.control.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What the signing-path namespace tests share: the tenant's credentials file, curl in the guest against the
 * signing IP, and SHA-256 of what was sent and fetched.
 */
public final class SignedGuest
{
    public static final String BASE = "http://" + GuestLab.SIGNING_IP;

    private final GuestLab guest;

    public SignedGuest(final GuestLab guest)
    {
        this.guest = guest;
    }

    /** Writes {@code dir/name.json} with mode 0600, as the daemon requires, and returns it. */
    public static Path credentialsFile(final Path dir, final String name, final String accessKey, final String secret)
        throws java.io.IOException
    {
        return GuestLab.writeCredentials(dir.resolve(name + ".json"), accessKey, secret);
    }

    /** Runs curl in the guest, discarding the body, and returns the status code it got. */
    public String curl(final String... args)
    {
        return curlTo("/dev/null", args);
    }

    /** Runs curl in the guest with the body written to {@code output} and returns the status code it got. */
    public String curlTo(final String output, final String... args)
    {
        return curlTimed(30, output, args);
    }

    /** As {@link #curlTo}, for transfers that may take up to {@code timeoutSeconds}. */
    public String curlTimed(final int timeoutSeconds, final String output, final String... args)
    {
        return guest.curlTimed(0, timeoutSeconds, output, args);
    }

    public static String sha256(final byte[] bytes) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Streams the file through the digest, for files too big to read at once. */
    public static String sha256(final Path file) throws Exception
    {
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        final byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file))
        {
            for (int n; (n = in.read(buffer)) > 0; )
            {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
