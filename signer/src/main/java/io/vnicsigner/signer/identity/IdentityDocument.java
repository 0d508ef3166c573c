package io.vnicsigner.signer.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * The instance identity document served at {@code GET /vnic/v1/identity}: compact JSON with the instance id, tenant,
 * MAC, image digest, identity and issue time, in that order, signed with the host's Ed25519 key. The signature
 * covers the document's exact bytes and travels beside it (base64), so a relying party verifies the bytes it
 * received and then parses them.
 */
public final class IdentityDocument
{
    public static final String ALGORITHM = "Ed25519";

    private IdentityDocument()
    {
    }

    /** The document's bytes for one instance. */
    public static byte[] render(final IdentityHeaders instance, final String tenant, final Instant issuedAt)
    {
        final StringBuilder json = new StringBuilder(320).append('{');
        field(json, "instanceId", instance.instanceId()).append(',');
        field(json, "tenant", tenant).append(',');
        field(json, "mac", instance.mac()).append(',');
        field(json, "imageDigest", instance.imageDigest()).append(',');
        field(json, "identity", instance.identity()).append(',');
        field(json, "issuedAt", issuedAt.toString()).append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The base64 Ed25519 signature of {@code document}. */
    public static String sign(final byte[] document, final PrivateKey hostKey)
    {
        try
        {
            final Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(hostKey);
            signature.update(document);
            return Base64.getEncoder().encodeToString(signature.sign());
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("cannot sign the identity document: " + e.getMessage(), e);
        }
    }

    /** Whether {@code signatureBase64} is the host key's signature of exactly {@code document}. */
    public static boolean verify(final byte[] document, final String signatureBase64, final PublicKey hostKey)
    {
        try
        {
            final Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(hostKey);
            signature.update(document);
            return signature.verify(Base64.getDecoder().decode(signatureBase64.strip()));
        }
        catch (final GeneralSecurityException | IllegalArgumentException e)
        {
            return false;
        }
    }

    private static StringBuilder field(final StringBuilder json, final String name, final String value)
    {
        json.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                json.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                json.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                json.append(c);
            }
        }
        return json.append('"');
    }
}
