/**
 * The signing step on the request path: route lookup by host or path prefix, and the signed request head
 * built from a guest's parsed request with the tenant's credentials and the instance's identity headers.
 */
package io.vnicsigner.dataplane.sign;
