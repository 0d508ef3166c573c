package io.vnicsigner.signer.sigv4;

/**
 * Canonical URI rules: {@link #DEFAULT} normalises dot segments and empty segments and encodes the wire
 * path again (double encoding), {@link #S3} does neither and only brings the wire path to strict encoding.
 */
public enum UriMode
{
    DEFAULT,
    S3
}
