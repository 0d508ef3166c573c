package io.vnicsigner.control.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.vnicsigner.signer.sigv4.Credentials;

/**
 * A tenant and the credentials read from its file; {@link Credentials#toString()} never shows the secret.
 *
 * @param expiration when temporary credentials stop working; null for long-term ones.
 */
public record TenantConfig(String id, Path credentialsFile, Credentials credentials, Instant expiration)
{
    /** How long until the credentials expire, negative once they have; null for long-term ones. */
    public Duration timeLeft(final Instant now)
    {
        return expiration == null ? null : Duration.between(now, expiration);
    }
}
