/**
 * Hand-written FFM ({@code java.lang.foreign}) bindings to the Linux calls the dataplane needs.
 */
package io.vnicsigner.linux;
