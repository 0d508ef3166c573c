/**
 * The provider side: SigV4 and countersignature verification with reason codes and a replay cache.
 */
package io.vnicsigner.signer.verify;
