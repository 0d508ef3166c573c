package io.vnicsigner.control.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.Callable;

import io.vnicsigner.control.daemon.HostKey;
import io.vnicsigner.signer.identity.IdentityDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verify-identity}: checks an instance identity document (as served at {@code GET /vnic/v1/identity}) against
 * its {@code X-Vnic-Signature} and the host's public key.
 */
@Command(name = "verify-identity", mixinStandardHelpOptions = true,
    description = "Check an instance identity document's Ed25519 signature against the host public key. " +
        "Exit 0 when valid, 1 when not, 2 on bad input.")
public final class VerifyIdentityCommand implements Callable<Integer>
{
    @Option(names = "--document", required = true, paramLabel = "FILE",
        description = "The document's exact bytes, as received.")
    Path document;

    @Option(names = "--signature", required = true, paramLabel = "BASE64",
        description = "The X-Vnic-Signature header's value.")
    String signature;

    @Option(names = "--public-key", required = true, paramLabel = "PEM",
        description = "The host's public key (host-ed25519.pub in the daemon's directory).")
    Path publicKey;

    private final PrintStream out;
    private final PrintStream err;

    public VerifyIdentityCommand()
    {
        this(System.out, System.err);
    }

    public VerifyIdentityCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    public Integer call()
    {
        final byte[] bytes;
        final java.security.PublicKey key;
        try
        {
            bytes = Files.readAllBytes(document);
            key = HostKey.readPem(publicKey.toFile());
        }
        catch (final IOException | GeneralSecurityException | IllegalArgumentException e)
        {
            err.println("verify-identity: " + e.getMessage());
            return 2;
        }
        if (IdentityDocument.verify(bytes, signature, key))
        {
            out.println("valid: " + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            return 0;
        }
        out.println("INVALID: the signature does not match this document under this host key");
        return 1;
    }
}
