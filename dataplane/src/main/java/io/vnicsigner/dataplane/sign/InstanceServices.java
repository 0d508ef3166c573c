package io.vnicsigner.dataplane.sign;

import java.util.Map;
import java.util.Set;

import io.vnicsigner.signer.token.SessionTokens;

/**
 * What the signing IP serves each instance itself: session tokens ({@code PUT /vnic/v1/token}), which instances
 * must present one on every signed request, and each instance's signed identity document
 * ({@code GET /vnic/v1/identity}). {@link #NONE} serves neither.
 *
 * @param tokens         mints and checks tokens; null when tokens are not offered.
 * @param tokensRequired the instance ids whose requests need a valid {@code X-Vnic-Token}.
 * @param documents      each instance's identity document and its signature, by instance id.
 */
public record InstanceServices(SessionTokens tokens, Set<String> tokensRequired, Map<String, SignedDocument> documents)
{
    public static final InstanceServices NONE = new InstanceServices(null, Set.of(), Map.of());

    /** An identity document's exact bytes and the base64 Ed25519 signature over them. */
    public record SignedDocument(byte[] json, String signature)
    {
    }
}
