package io.vnicsigner.dataplane.sign;

import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.sigv4.Credentials;

/**
 * What the dataplane signs one instance's requests with: its tenant, the tenant's credentials, the instance's
 * identity headers (which carry the instance id), and what it does with requests the guest signed itself.
 */
public record SigningIdentity(
    String tenant, Credentials credentials, IdentityHeaders identityHeaders, SignedRequests signedRequests)
{
    public SigningIdentity
    {
        if (signedRequests == null)
        {
            throw new IllegalArgumentException("signedRequests");
        }
    }

    /** An identity whose instance refuses requests that arrive signed (the default). */
    public SigningIdentity(final String tenant, final Credentials credentials, final IdentityHeaders identityHeaders)
    {
        this(tenant, credentials, identityHeaders, SignedRequests.REJECT);
    }

    public String instanceId()
    {
        return identityHeaders.instanceId();
    }
}
