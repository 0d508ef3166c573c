package io.vnicsigner.signer.identity;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityDocumentTest
{
    private static final IdentityHeaders INSTANCE =
        IdentityHeaders.of("i-1", "acme", "52:54:00:00:00:01", "sha256:" + "ab".repeat(32));

    @Test
    void shouldRenderTheFieldsInOrder()
    {
        final String json = new String(
            IdentityDocument.render(INSTANCE, "acme", Instant.parse("2026-11-25T02:00:00Z")), StandardCharsets.UTF_8);
        assertEquals("{\"instanceId\":\"i-1\",\"tenant\":\"acme\",\"mac\":\"52:54:00:00:00:01\"," +
            "\"imageDigest\":\"sha256:" + "ab".repeat(32) + "\",\"identity\":\"" + INSTANCE.identity() + "\"," +
            "\"issuedAt\":\"2026-11-25T02:00:00Z\"}", json);
    }

    @Test
    void shouldVerifyOnlyTheSignedBytesUnderTheHostKey() throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance(IdentityDocument.ALGORITHM);
        final KeyPair host = generator.generateKeyPair();
        final KeyPair other = generator.generateKeyPair();
        final byte[] document = IdentityDocument.render(INSTANCE, "acme", Instant.EPOCH);
        final String signature = IdentityDocument.sign(document, host.getPrivate());

        assertTrue(IdentityDocument.verify(document, signature, host.getPublic()));
        assertFalse(IdentityDocument.verify(document, signature, other.getPublic()));
        final byte[] altered = document.clone();
        altered[altered.length - 3] ^= 1;
        assertFalse(IdentityDocument.verify(altered, signature, host.getPublic()));
        assertFalse(IdentityDocument.verify(document, "not base64!", host.getPublic()));
    }
}
