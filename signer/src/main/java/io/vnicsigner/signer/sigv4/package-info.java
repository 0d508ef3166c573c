/**
 * AWS Signature Version 4: the reusable request view, the canonicaliser and signer, the signing-key cache.
 */
package io.vnicsigner.signer.sigv4;
