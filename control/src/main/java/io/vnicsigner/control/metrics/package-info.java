/**
 * The Prometheus exposition of the daemon's counters, read from its counters file.
 */
package io.vnicsigner.control.metrics;
