package io.vnicsigner.control.config;

import java.nio.file.Path;

import io.vnicsigner.signer.sigv4.Credentials;

/**
 * A tenant and the credentials read from its file; {@link Credentials#toString()} never shows the secret.
 */
public record TenantConfig(String id, Path credentialsFile, Credentials credentials)
{
}
