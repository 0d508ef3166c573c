package io.vnicsigner.signer.verify;

import io.vnicsigner.signer.sigv4.Credentials;

/** Finds the credentials for an access key id, or returns null when the key is unknown. */
@FunctionalInterface
public interface CredentialsLookup
{
    Credentials lookup(String accessKeyId);
}
