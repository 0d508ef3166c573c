package io.vnicsigner.signer.verify;

/** Outcome of verifying one request. */
public enum ReasonCode
{
    OK,
    /** No {@code Authorization} header and no presign parameters (or no countersignature). */
    MISSING_AUTH,
    /** The access key id is not known to the credentials lookup. */
    UNKNOWN_KEY,
    /** The recomputed signature differs: the request was altered or signed with another secret. */
    BAD_SIGNATURE,
    /** {@code x-amz-date} is outside the clock-skew window. */
    SKEWED,
    /** A presigned request used after its {@code X-Amz-Expires}. */
    EXPIRED,
    /** The same signature was seen before, within its validity. */
    REPLAYED,
    /** The authorization data cannot be parsed, or names a header the request lacks. */
    MALFORMED
}
