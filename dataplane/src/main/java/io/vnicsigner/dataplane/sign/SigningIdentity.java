package io.vnicsigner.dataplane.sign;

import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.sigv4.Credentials;

/**
 * What the dataplane signs one instance's requests with: its tenant, the tenant's credentials, and the instance's
 * identity headers (which carry the instance id).
 */
public record SigningIdentity(String tenant, Credentials credentials, IdentityHeaders identityHeaders)
{
    public String instanceId()
    {
        return identityHeaders.instanceId();
    }
}
