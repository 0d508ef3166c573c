package io.vnicsigner.dataplane.sign;

import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.sigv4.Credentials;

/**
 * What the dataplane signs one instance's requests with: its tenant's credentials and its identity headers.
 */
public record SigningIdentity(Credentials credentials, IdentityHeaders identityHeaders)
{
}
