package io.vnicsigner.dataplane.sign;

/**
 * A route's {@code payload:} key: how request bodies are signed. Bodies up to the buffered-body limit are held and
 * hashed; longer ones stream as {@code UNSIGNED-PAYLOAD} where the policy allows it. Chunked bodies are always held
 * (the provider needs a {@code Content-Length}), so they are bounded by the limit under every policy.
 */
public enum PayloadPolicy
{
    /** Always the body's SHA-256: a longer body gets 413, an exhausted body pool 503. */
    HASH,
    /** Always {@code UNSIGNED-PAYLOAD}; chunked bodies are still held to be de-chunked. */
    UNSIGNED,
    /** The SHA-256 up to the limit; beyond it, or when the body pool is exhausted, {@code UNSIGNED-PAYLOAD}. */
    AUTO;

    /** {@code hash}, {@code unsigned} or {@code auto}; null for anything else. */
    public static PayloadPolicy parse(final String name)
    {
        return switch (name)
        {
            case "hash" -> HASH;
            case "unsigned" -> UNSIGNED;
            case "auto" -> AUTO;
            default -> null;
        };
    }
}
