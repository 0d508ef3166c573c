/**
 * Session tokens for the signing IP ({@code PUT /vnic/v1/token}): stateless, authenticated, bound to one instance.
 */
package io.vnicsigner.signer.token;
