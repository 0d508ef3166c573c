package io.vnicsigner.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

import io.vnicsigner.signer.sigv4.AmzDate;
import io.vnicsigner.signer.sigv4.Credentials;
import io.vnicsigner.signer.sigv4.PayloadMode;
import io.vnicsigner.signer.sigv4.RawHttpRequest;
import io.vnicsigner.signer.sigv4.SigV4Signer;
import io.vnicsigner.signer.sigv4.SignMode;
import io.vnicsigner.signer.sigv4.SignedOutput;
import io.vnicsigner.signer.sigv4.SigningRequest;
import io.vnicsigner.signer.sigv4.UriMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sign}: reads a raw HTTP/1.1 request on stdin and prints it signed with SigV4, for debugging routes
 * and credentials. The secret comes only from a file (or the first line of stdin), never from the command line.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
    description = "Sign a raw HTTP/1.1 request read on stdin with SigV4 and print the signed request.")
public final class SignCommand implements Callable<Integer>
{
    @Mixin
    CredentialOptions credentials = new CredentialOptions();

    @Option(names = "--region", required = true, description = "Signing region, e.g. us-east-1.")
    String region;

    @Option(names = "--service", required = true, description = "Signing service name, e.g. s3.")
    String service;

    @Option(names = "--time", description = "Signing time as yyyyMMdd'T'HHmmss'Z' (default: now).")
    String time;

    @Option(names = "--payload", description = "hash (default) or unsigned.")
    String payload;

    @Option(names = "--s3", description = "S3 path rules: no double encoding, no normalisation.")
    boolean s3;

    @Option(names = "--presign", paramLabel = "SECONDS", description = "Presign in the query string, valid 1 s to 7 days.")
    Integer presign;

    @Option(names = "--no-content-sha256", description = "Do not add x-amz-content-sha256 (AWS's test vectors omit it).")
    boolean noContentSha256;

    @Option(names = "--explain", description = "Also print the canonical request and the string to sign on stderr.")
    boolean explain;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    public SignCommand()
    {
        this(System.in, System.out, System.err);
    }

    public SignCommand(final InputStream in, final PrintStream out, final PrintStream err)
    {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public Integer call() throws IOException
    {
        final byte[] stdin = in.readAllBytes();
        final Input input = credentials.load(stdin, err);
        if (input == null)
        {
            return 2;
        }
        final long millis = parseTime(time, err);
        if (millis == Long.MIN_VALUE)
        {
            return 2;
        }
        final PayloadMode mode = payloadMode(payload, presign != null && s3, err);
        if (mode == null)
        {
            return 2;
        }
        final RawHttpRequest request;
        try
        {
            request = RawHttpRequest.parse(input.request);
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("sign: " + ex.getMessage());
            return 1;
        }
        final SigningRequest view = new SigningRequest();
        if (!request.fill(view))
        {
            err.println("sign: request exceeds the signer's bounds (headers, target or header bytes)");
            return 1;
        }
        view.payloadMode(mode).contentSha256Header(!noContentSha256);
        if (presign != null)
        {
            view.presignExpirySeconds(presign);
        }
        final SigV4Signer signer = new SigV4Signer();
        final SignedOutput signed = new SignedOutput();
        final int code = signer.sign(view, input.credentials, region, service,
            presign != null ? SignMode.PRESIGN : SignMode.HEADER, s3 ? UriMode.S3 : UriMode.DEFAULT, millis, signed);
        if (code != SigV4Signer.OK)
        {
            err.println("sign: " + describe(code));
            return 1;
        }
        if (explain)
        {
            err.println("--- canonical request");
            // The session token is a credential: keep its value out of the explanation.
            err.println(signer.canonicalRequestAsString()
                .replaceAll("(?m)^(x-amz-security-token:).*$", "$1<redacted>"));
            err.println("--- string to sign");
            err.println(signer.stringToSignAsString());
        }
        if (presign != null)
        {
            request.target(signed.presignedTargetAsString());
        }
        else
        {
            for (final String name : new String[] {"Authorization", "X-Amz-Date", "X-Amz-Content-Sha256", "X-Amz-Security-Token"})
            {
                request.removeHeader(name);
            }
            request.addHeader("X-Amz-Date", " " + new String(signed.amzDate(), StandardCharsets.US_ASCII));
            if (signed.contentSha256Length() > 0)
            {
                request.addHeader("X-Amz-Content-Sha256",
                    " " + new String(signed.contentSha256(), 0, signed.contentSha256Length(), StandardCharsets.US_ASCII));
            }
            if (signed.securityToken() != null)
            {
                request.addHeader("X-Amz-Security-Token", " " + new String(signed.securityToken(), StandardCharsets.UTF_8));
            }
            request.addHeader("Authorization", " " + signed.authorizationAsString());
        }
        out.write(request.toBytes());
        out.flush();
        return 0;
    }

    static String describe(final int code)
    {
        return switch (code)
        {
            case SigV4Signer.ERR_EXPIRY -> "presign expiry must be 1 to 604800 seconds";
            case SigV4Signer.ERR_NO_METHOD -> "request has no method";
            case SigV4Signer.ERR_TOO_MANY_HEADERS -> "too many headers";
            default -> "request exceeds the signer's bounds";
        };
    }

    static long parseTime(final String time, final PrintStream err)
    {
        if (time == null)
        {
            return System.currentTimeMillis();
        }
        final long millis = AmzDate.parse(time.getBytes(StandardCharsets.US_ASCII), 0, time.length());
        if (millis == Long.MIN_VALUE)
        {
            err.println("--time must look like 20150830T123600Z");
        }
        return millis;
    }

    private static PayloadMode payloadMode(final String payload, final boolean presignS3, final PrintStream err)
    {
        if (payload == null)
        {
            return presignS3 ? PayloadMode.UNSIGNED : PayloadMode.HASH;
        }
        return switch (payload)
        {
            case "hash" -> PayloadMode.HASH;
            case "unsigned" -> PayloadMode.UNSIGNED;
            default ->
            {
                err.println("--payload must be hash or unsigned");
                yield null;
            }
        };
    }

    /** Credentials and the request bytes left on stdin once a secret given as {@code -} is taken off. */
    record Input(Credentials credentials, byte[] request)
    {
    }

    /** Credential flags shared by {@code sign} and {@code verify}; the secret is read, never passed as a value. */
    public static final class CredentialOptions
    {
        @Option(names = "--access-key", required = true, paramLabel = "AK", description = "Access key id.")
        String accessKey;

        @Option(names = "--secret-file", required = true, paramLabel = "FILE",
            description = "File holding the secret access key; - reads it from the first line of stdin.")
        String secretFile;

        @Option(names = "--session-token-file", paramLabel = "FILE", description = "File holding a session token.")
        Path sessionTokenFile;

        // Declared only so a secret typed on the command line is swallowed, refused and never echoed back.
        @Option(names = {"--secret", "--secret-key", "--secret-access-key"}, hidden = true)
        String refusedSecret;

        /** Reads the secret and token; returns null (after a message without secret material) on failure. */
        Input load(final byte[] stdin, final PrintStream err)
        {
            if (refusedSecret != null)
            {
                refusedSecret = null;
                err.println("a secret is never accepted on the command line: use --secret-file FILE, or - for stdin");
                return null;
            }
            byte[] request = stdin;
            byte[] secret;
            try
            {
                if ("-".equals(secretFile))
                {
                    int eol = 0;
                    while (eol < stdin.length && stdin[eol] != '\n')
                    {
                        eol++;
                    }
                    secret = Arrays.copyOf(stdin, eol);
                    request = Arrays.copyOfRange(stdin, Math.min(eol + 1, stdin.length), stdin.length);
                }
                else
                {
                    secret = Files.readAllBytes(Path.of(secretFile));
                }
                secret = trim(secret);
                final String token = sessionTokenFile == null ? null :
                    new String(trim(Files.readAllBytes(sessionTokenFile)), StandardCharsets.UTF_8);
                if (secret.length == 0)
                {
                    err.println("the secret file is empty");
                    return null;
                }
                final Credentials credentials = Credentials.of(accessKey, secret, token);
                Arrays.fill(secret, (byte)0);
                return new Input(credentials, request);
            }
            catch (final IOException ex)
            {
                err.println("cannot read credentials file: " + ex.getClass().getSimpleName() + " " + ex.getMessage());
                return null;
            }
            catch (final IllegalArgumentException ex)
            {
                err.println("bad credentials: access key must be non-empty");
                return null;
            }
        }

        private static byte[] trim(final byte[] b)
        {
            int end = b.length;
            while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == ' ' || b[end - 1] == '\t'))
            {
                end--;
            }
            final byte[] trimmed = Arrays.copyOf(b, end);
            Arrays.fill(b, (byte)0);
            return trimmed;
        }
    }
}
