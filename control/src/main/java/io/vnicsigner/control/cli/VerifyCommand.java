package io.vnicsigner.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

import io.vnicsigner.signer.sigv4.RawHttpRequest;
import io.vnicsigner.signer.sigv4.SigningRequest;
import io.vnicsigner.signer.sigv4.UriMode;
import io.vnicsigner.signer.verify.ReasonCode;
import io.vnicsigner.signer.verify.SigV4Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verify}: reads a signed raw HTTP/1.1 request on stdin and checks it as the provider would, printing
 * {@code OK} (exit 0) or the reason code (exit 1).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verify a SigV4-signed raw HTTP/1.1 request read on stdin; prints OK or the reason.")
public final class VerifyCommand implements Callable<Integer>
{
    @Mixin
    SignCommand.CredentialOptions credentials = new SignCommand.CredentialOptions();

    @Option(names = "--region", description = "Accepted for symmetry with sign; the request's scope is what is checked.")
    String region;

    @Option(names = "--service", description = "Accepted for symmetry with sign; the request's scope is what is checked.")
    String service;

    @Option(names = "--time", description = "Verification time as yyyyMMdd'T'HHmmss'Z' (default: now).")
    String time;

    @Option(names = "--s3", description = "S3 path rules: no double encoding, no normalisation.")
    boolean s3;

    @Option(names = "--max-skew", paramLabel = "SECONDS", description = "Clock-skew window (default 300).")
    long maxSkewSeconds = 300;

    @Option(names = "--payload", hidden = true, description = "Accepted for symmetry with sign.")
    String payload;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    public VerifyCommand()
    {
        this(System.in, System.out, System.err);
    }

    public VerifyCommand(final InputStream in, final PrintStream out, final PrintStream err)
    {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public Integer call() throws IOException
    {
        final SignCommand.Input input = credentials.load(in.readAllBytes(), err);
        if (input == null)
        {
            return 2;
        }
        final long now = SignCommand.parseTime(time, err);
        if (now == Long.MIN_VALUE)
        {
            return 2;
        }
        final SigningRequest view = new SigningRequest();
        ReasonCode reason;
        try
        {
            reason = RawHttpRequest.parse(input.request()).fill(view) ? null : ReasonCode.MALFORMED;
        }
        catch (final IllegalArgumentException ex)
        {
            reason = ReasonCode.MALFORMED;
        }
        if (reason == null)
        {
            final SigV4Verifier verifier = new SigV4Verifier(
                key -> key.equals(input.credentials().accessKeyId()) ? input.credentials() : null,
                maxSkewSeconds * 1000L, null);
            reason = verifier.verify(view, s3 ? UriMode.S3 : UriMode.DEFAULT, now);
        }
        out.println(reason.name());
        out.flush();
        return reason == ReasonCode.OK ? 0 : 1;
    }
}
