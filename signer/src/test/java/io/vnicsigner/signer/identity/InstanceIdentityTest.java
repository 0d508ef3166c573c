package io.vnicsigner.signer.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vnicsigner.signer.sigv4.HmacSha256;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

final class InstanceIdentityTest
{
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void shouldMatchAnIndependentReadingOfTheFormula() throws Exception
    {
        final String tenant = "acme-prod";
        final String mac = "52:54:00:12:34:56";
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        final byte[] input = ("vnic-signer/identity/v1\0" + tenant + "\0" + mac + "\0" + DIGEST).getBytes(StandardCharsets.UTF_8);
        final byte[] hash = sha.digest(input);
        // Base32 via big-integer digits: 256 bits padded to 260, read 5 bits at a time from the top.
        final BigInteger value = new BigInteger(1, hash).shiftLeft(4);
        final StringBuilder expected = new StringBuilder();
        for (int i = 51; i >= 0 && expected.length() < 26; i--)
        {
            expected.append("abcdefghijklmnopqrstuvwxyz234567".charAt(value.shiftRight(i * 5).intValue() & 31));
        }
        assertEquals("vni-" + expected, InstanceIdentity.derive(tenant, mac, DIGEST));
        assertEquals(30, InstanceIdentity.derive(tenant, mac, DIGEST).length());
    }

    @Test
    void shouldNormaliseMacSpellingsAndDigestCase()
    {
        final String id = InstanceIdentity.derive("t", "52:54:00:ab:cd:ef", DIGEST);
        assertEquals(id, InstanceIdentity.derive("t", "52-54-00-AB-CD-EF", DIGEST));
        assertEquals(id, InstanceIdentity.derive("t", "5254.00ab.cdef", DIGEST));
        assertEquals(id, InstanceIdentity.derive("t", "525400ABCDEF", DIGEST.toUpperCase().replace("SHA256", "sha256")));
        assertNotEquals(id, InstanceIdentity.derive("u", "52:54:00:ab:cd:ef", DIGEST));
        assertNotEquals(id, InstanceIdentity.derive("t", "52:54:00:ab:cd:ee", DIGEST));
        assertNotEquals(id, InstanceIdentity.derive("t", "52:54:00:ab:cd:ef", "sha256:" + "cd".repeat(32)));
    }

    @Test
    void shouldRejectBadInputs()
    {
        assertThrows(IllegalArgumentException.class, () -> InstanceIdentity.derive("t", "52:54:00:ab:cd", DIGEST));
        assertThrows(IllegalArgumentException.class, () -> InstanceIdentity.derive("t", "52:54:00:ab:cd:eg", DIGEST));
        assertThrows(IllegalArgumentException.class, () -> InstanceIdentity.derive("t", "52:54:00:ab:cd:ef", "md5:00"));
        assertThrows(IllegalArgumentException.class, () -> InstanceIdentity.derive("a\0b", "52:54:00:ab:cd:ef", DIGEST));
        assertThrows(IllegalArgumentException.class, () -> InstanceIdentity.derive("", "52:54:00:ab:cd:ef", DIGEST));
    }

    @Test
    void shouldMatchThePublishedVectorsInDocs() throws IOException
    {
        final Path doc = docs().resolve("identity.md");
        final Pattern row = Pattern.compile(
            "^\\| `([^`]*)` \\| `([^`]*)` \\| `(sha256:[0-9a-f]{64})` \\| `(vni-[a-z2-7]{26})` \\|$");
        final List<String> checked = new ArrayList<>();
        for (final String line : Files.readAllLines(doc))
        {
            final Matcher m = row.matcher(line);
            if (m.matches())
            {
                assertEquals(m.group(4), InstanceIdentity.derive(m.group(1), m.group(2), m.group(3)), line);
                checked.add(m.group(4));
            }
        }
        assertTrue(checked.size() >= 4, "vectors found in docs/identity.md: " + checked.size());
    }

    @Test
    void shouldDigestAFileInChunksAndReportProgress(@TempDir final Path dir) throws Exception
    {
        final byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        final Path file = dir.resolve("image.qcow2");
        Files.write(file, data);
        final List<long[]> calls = new ArrayList<>();

        final String digest = ImageDigest.compute(file, (done, total) -> calls.add(new long[] {done, total}));

        assertEquals(ImageDigest.of(HmacSha256.newSha256().digest(data)), digest);
        assertTrue(calls.size() >= 4, "one call per chunk");
        for (int i = 1; i < calls.size(); i++)
        {
            assertTrue(calls.get(i)[0] > calls.get(i - 1)[0]);
        }
        assertEquals(data.length, calls.get(calls.size() - 1)[0]);
        assertEquals(data.length, calls.get(calls.size() - 1)[1]);
    }

    static Path docs()
    {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
        {
            if (Files.isDirectory(p.resolve("docs")) && Files.isRegularFile(p.resolve("pom.xml")))
            {
                return p.resolve("docs");
            }
        }
        throw new IllegalStateException("docs folder not found");
    }
}
