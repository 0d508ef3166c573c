package io.vnicsigner.signer.sigv4;

/** Where the signature goes: the {@code Authorization} header or a presigned query string. */
public enum SignMode
{
    HEADER,
    PRESIGN
}
