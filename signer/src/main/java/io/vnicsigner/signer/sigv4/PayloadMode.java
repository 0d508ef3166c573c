package io.vnicsigner.signer.sigv4;

/** What goes into {@code x-amz-content-sha256} and the last line of the canonical request. */
public enum PayloadMode
{
    /** SHA-256 of the body bytes (or of a precomputed hash, if one was given). */
    HASH,
    /** The literal {@code UNSIGNED-PAYLOAD}. */
    UNSIGNED,
    /** The hash of an empty body, whatever the view holds. */
    EMPTY
}
