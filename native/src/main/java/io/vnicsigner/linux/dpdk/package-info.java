/**
 * DPDK through a small JNI shim ({@code libvnicdpdk.so}, built from {@code native/src/main/c} when libdpdk-dev is
 * installed): one EAL per process, ethdev ports with one rx and one tx queue, and rx/tx bursts into Java-owned
 * off-heap memory.
 */
package io.vnicsigner.linux.dpdk;
