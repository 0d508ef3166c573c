package io.vnicsigner.signer.sigv4;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case of AWS's published SigV4 suite ({@code ../shared/sigv4-testsuite}): canonical request, string
 * to sign and {@code Authorization} must match byte for byte. No case is skipped.
 */
final class AwsTestSuiteTest
{
    static final String ACCESS_KEY = "AKIDEXAMPLE";
    static final byte[] SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".getBytes(StandardCharsets.US_ASCII);
    static final long TIME = AmzDate.parse("20150830T123600Z".getBytes(StandardCharsets.US_ASCII), 0, 16);

    static Path suite()
    {
        final String configured = System.getProperty("vnic.sigv4.testsuite");
        if (configured != null)
        {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
        {
            final Path candidate = p.resolve("shared/sigv4-testsuite");
            if (Files.isDirectory(candidate))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("AWS SigV4 test suite not found: set -Dvnic.sigv4.testsuite");
    }

    static List<Path> cases() throws IOException
    {
        final List<Path> cases = new ArrayList<>();
        try (Stream<Path> files = Files.walk(suite()))
        {
            files.filter(f -> f.getFileName().toString().endsWith(".req")).sorted().forEach(f -> cases.add(f.getParent()));
        }
        return cases;
    }

    @Test
    void shouldFindTheWholeSuite() throws IOException
    {
        assertTrue(cases().size() >= 31, "cases found: " + cases().size());
    }

    @TestFactory
    Stream<DynamicTest> shouldMatchEveryAwsVectorByteForByte() throws IOException
    {
        final SigV4Signer signer = new SigV4Signer();
        final SigningRequest view = new SigningRequest();
        final SignedOutput out = new SignedOutput();
        return cases().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () ->
        {
            final String name = dir.getFileName().toString();
            final RawHttpRequest raw = RawHttpRequest.parse(Files.readAllBytes(dir.resolve(name + ".req")));
            final String creq = read(dir, name + ".creq");
            final Credentials credentials = Credentials.of(ACCESS_KEY, SECRET, tokenToAdd(raw, creq));

            assertTrue(raw.fill(view));
            view.contentSha256Header(false);
            final int code = signer.sign(
                view, credentials, "us-east-1", "service", SignMode.HEADER, UriMode.DEFAULT, TIME, out);

            assertEquals(SigV4Signer.OK, code);
            assertEquals(creq, signer.canonicalRequestAsString(), "canonical request");
            assertEquals(read(dir, name + ".sts"), signer.stringToSignAsString(), "string to sign");
            assertEquals(read(dir, name + ".authz"), out.authorizationAsString(), "authorization");
        }));
    }

    /** The session token the case signs with: present in the canonical request but not in the raw request. */
    private static String tokenToAdd(final RawHttpRequest raw, final String creq)
    {
        if (raw.header("x-amz-security-token") != null)
        {
            return null;
        }
        for (final String line : creq.split("\n"))
        {
            if (line.startsWith("x-amz-security-token:"))
            {
                return line.substring("x-amz-security-token:".length());
            }
        }
        return null;
    }

    private static String read(final Path dir, final String file) throws IOException
    {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    }
}
