/**
 * Instance identity from tenant, MAC and image digest, the identity headers and the countersignature.
 */
package io.vnicsigner.signer.identity;
