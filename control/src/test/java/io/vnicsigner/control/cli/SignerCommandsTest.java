package io.vnicsigner.control.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vnicsigner.signer.identity.ImageDigest;
import io.vnicsigner.signer.identity.InstanceIdentity;
import io.vnicsigner.signer.sigv4.HmacSha256;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class SignerCommandsTest
{
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String TIME = "20150830T123600Z";
    private static final String PUT = "PUT /my-bucket/photos/cat%20picture.jpg?x-id=PutObject HTTP/1.1\r\n" +
        "Host: my-bucket.s3.us-east-1.amazonaws.com\r\n" +
        "Content-Type: image/jpeg\r\n" +
        "Content-Length: 11\r\n" +
        "\r\n" +
        "hello world";

    @TempDir
    Path dir;

    /** Output of one command run. */
    record Run(int code, String out, String err)
    {
    }

    private Run sign(final String stdin, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = new CommandLine(new SignCommand(in(stdin), new PrintStream(out, true), new PrintStream(err, true)))
            .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run verify(final String stdin, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = new CommandLine(new VerifyCommand(in(stdin), new PrintStream(out, true), new PrintStream(err, true)))
            .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run identity(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = new CommandLine(new IdentityCommand(new PrintStream(out, true), new PrintStream(err, true)))
            .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String secretFile() throws IOException
    {
        final Path file = dir.resolve("secret");
        Files.writeString(file, SECRET + "\n");
        return file.toString();
    }

    private String[] creds(final String... more) throws IOException
    {
        final String[] base = {"--access-key", "AKIDEXAMPLE", "--secret-file", secretFile(), "--region", "us-east-1",
            "--service", "s3", "--time", TIME};
        final String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void shouldSignAnAwsVectorToItsPublishedAuthorization() throws IOException
    {
        final Path vector = suite().resolve("get-vanilla-query-order-key-case");
        final String req = Files.readString(vector.resolve("get-vanilla-query-order-key-case.req"));
        final Run signed = sign(req, "--access-key", "AKIDEXAMPLE", "--secret-file", secretFile(), "--region", "us-east-1",
            "--service", "service", "--time", TIME, "--no-content-sha256", "--explain");

        assertEquals(0, signed.code(), signed.err());
        final String authz = Files.readString(vector.resolve("get-vanilla-query-order-key-case.authz"));
        assertTrue(signed.out().contains("\r\nAuthorization: " + authz + "\r\n"), signed.out());
        assertTrue(signed.err().contains(Files.readString(vector.resolve("get-vanilla-query-order-key-case.creq"))));
        assertTrue(signed.err().contains(Files.readString(vector.resolve("get-vanilla-query-order-key-case.sts"))));
    }

    @Test
    void shouldRoundTripSignAndVerifyAndRejectAnAlteredRequest() throws IOException
    {
        final Run signed = sign(PUT, creds("--s3"));
        assertEquals(0, signed.code(), signed.err());
        assertTrue(signed.out().contains("X-Amz-Content-Sha256: b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"));

        final Run ok = verify(signed.out(), creds("--s3"));
        assertEquals(0, ok.code());
        assertEquals("OK", ok.out().strip());

        final Run header = verify(signed.out().replace("image/jpeg", "image/png"), creds("--s3"));
        assertEquals(1, header.code());
        assertEquals("BAD_SIGNATURE", header.out().strip());

        final Run body = verify(signed.out().replace("hello world", "HELLO WORLD"), creds("--s3"));
        assertEquals("BAD_SIGNATURE", body.out().strip());

        final Run late = verify(signed.out(), "--access-key", "AKIDEXAMPLE", "--secret-file", secretFile(), "--s3",
            "--time", "20150830T124200Z");
        assertEquals("SKEWED", late.out().strip());

        assertEquals("MISSING_AUTH", verify(PUT, creds("--s3")).out().strip());
    }

    @Test
    void shouldRoundTripAPresignedRequestUntilItExpires() throws IOException
    {
        final String get = "GET /my-bucket/report.csv HTTP/1.1\r\nHost: my-bucket.s3.amazonaws.com\r\n\r\n";
        final Run signed = sign(get, creds("--s3", "--presign", "60"));
        assertEquals(0, signed.code(), signed.err());
        assertTrue(signed.out().startsWith("GET /my-bucket/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&"), signed.out());
        assertFalse(signed.out().contains("Authorization"));

        assertEquals("OK", verify(signed.out(), creds("--s3")).out().strip());
        final String[] later = {"--access-key", "AKIDEXAMPLE", "--secret-file", secretFile(), "--s3", "--time", "20150830T123701Z"};
        assertEquals("EXPIRED", verify(signed.out(), later).out().strip());
        assertEquals("BAD_SIGNATURE", verify(signed.out().replace("report.csv", "secret.csv"), creds("--s3")).out().strip());
        assertEquals(1, sign(get, creds("--s3", "--presign", "604801")).code());
    }

    @Test
    void shouldTakeTheSecretFromAFileOrStdinButNeverFromTheCommandLineNorShowIt() throws IOException
    {
        final Run signed = sign(PUT, creds("--s3", "--explain"));
        assertFalse(signed.out().contains(SECRET));
        assertFalse(signed.err().contains(SECRET));

        final Run fromStdin = sign(SECRET + "\n" + PUT, "--access-key", "AKIDEXAMPLE", "--secret-file", "-",
            "--region", "us-east-1", "--service", "s3", "--time", TIME, "--s3");
        assertEquals(signed.out(), fromStdin.out());

        final Run onCommandLine = sign(PUT, creds("--secret", SECRET));
        assertEquals(2, onCommandLine.code());
        assertTrue(onCommandLine.err().contains("never accepted on the command line"), onCommandLine.err());
        assertFalse(onCommandLine.err().contains(SECRET));
        assertEquals("", onCommandLine.out());

        final Run withoutFile = sign(PUT, "--access-key", "AKIDEXAMPLE", "--secret", SECRET, "--region", "us-east-1",
            "--service", "s3");
        assertEquals(2, withoutFile.code());
        assertFalse(withoutFile.err().contains(SECRET), withoutFile.err());

        final Run missing = sign(PUT, "--access-key", "AKIDEXAMPLE", "--secret-file", dir.resolve("nope").toString(),
            "--region", "us-east-1", "--service", "s3");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("cannot read credentials file"));
    }

    @Test
    void shouldSignWithASessionToken() throws IOException
    {
        final Path token = dir.resolve("token");
        Files.writeString(token, "FwoGZXIvYXdzEXAMPLETOKEN\n");
        final Run signed = sign(PUT, creds("--s3", "--session-token-file", token.toString()));
        assertTrue(signed.out().contains("\r\nX-Amz-Security-Token: FwoGZXIvYXdzEXAMPLETOKEN\r\n"));
        assertTrue(signed.out().contains("x-amz-security-token, Signature="));
        assertEquals("OK", verify(signed.out(), creds("--s3", "--session-token-file", token.toString())).out().strip());
        assertEquals("BAD_SIGNATURE", verify(signed.out().replace("EXAMPLETOKEN", "EXAMPLETOKEX"),
            creds("--s3", "--session-token-file", token.toString())).out().strip());
    }

    @Test
    void shouldPrintIdentityFromADigestOrAnImageFile() throws IOException
    {
        final String digest = "sha256:" + "0".repeat(64);
        final Run fromDigest = identity("--tenant", "acme", "--mac", "52-54-00-12-34-56", "--image-digest", digest);
        assertEquals(0, fromDigest.code());
        assertEquals("identity " + InstanceIdentity.derive("acme", "52:54:00:12:34:56", digest) + "\nimage-digest " +
            digest + "\n", fromDigest.out().replace("\r\n", "\n"));

        final Path image = dir.resolve("disk.qcow2");
        Files.write(image, "QFI\u00fbnot really a qcow2".getBytes(StandardCharsets.UTF_8));
        final Run fromFile = identity("--tenant", "acme", "--mac", "52:54:00:12:34:56", "--image", image.toString());
        final String fileDigest = ImageDigest.of(HmacSha256.newSha256().digest(Files.readAllBytes(image)));
        assertTrue(fromFile.out().contains("image-digest " + fileDigest));
        assertTrue(fromFile.out().contains(InstanceIdentity.derive("acme", "52:54:00:12:34:56", fileDigest)));
        assertEquals("", fromFile.err(), "no progress bar for small files");

        assertEquals(2, identity("--tenant", "acme", "--mac", "zz", "--image-digest", digest).code());
        assertEquals(2, identity("--tenant", "acme", "--mac", "52:54:00:12:34:56").code());
    }

    @Test
    void shouldShowProgressWhileHashingALargeImage() throws IOException
    {
        final Path image = dir.resolve("big.raw");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.setLength(IdentityCommand.PROGRESS_THRESHOLD + 1);
        }
        final Run run = identity("--tenant", "acme", "--mac", "52:54:00:12:34:56", "--image", image.toString());
        assertEquals(0, run.code());
        assertTrue(run.err().contains("hashing [") && run.err().contains("] 100% 64/64 MiB"), run.err());
    }

    @Test
    void shouldBeRegisteredOnTheLauncher()
    {
        final PrintStream saved = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try
        {
            assertEquals(0, VnicSignerCli.execute("identity", "--tenant", "acme", "--mac", "52:54:00:12:34:56",
                "--image-digest", "sha256:" + "0".repeat(64)));
            assertEquals(0, VnicSignerCli.execute("sign", "--help"));
            assertEquals(0, VnicSignerCli.execute("verify", "--help"));
        }
        finally
        {
            System.setOut(saved);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("identity vni-fr73evjquuooujml7modvnrabo"));
    }

    private static InputStream in(final String text)
    {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Path suite()
    {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
        {
            if (Files.isDirectory(p.resolve("shared/sigv4-testsuite")))
            {
                return p.resolve("shared/sigv4-testsuite");
            }
        }
        throw new IllegalStateException("AWS SigV4 test suite not found");
    }
}
