/**
 * AWS SigV4 signing, instance identity and the provider-side verifier. Depends on the JDK alone.
 */
package io.vnicsigner.signer;
