package io.vnicsigner.linux.dpdk;

/**
 * The JNI entry points of {@code libvnicdpdk.so} (see {@code native/src/main/c/vnicdpdk.c}). Failures come back as
 * {@code -errno}; addresses are raw {@code long}s into memory the caller owns, so the burst calls allocate nothing.
 */
final class DpdkNative
{
    private DpdkNative()
    {
    }

    static native int ealInit(String[] args);

    static native String runtimeDir();

    static native int threadRegister();

    static native int lcoreId();

    static native int probe(String devargs, String name);

    static native int start(int port, int rxDescriptors, int txDescriptors, int poolSize);

    static native int stop(int port);

    static native int close(int port);

    static native int macAddress(int port, long into);

    static native int stats(int port, long into);

    static native int rxCopy(int port, long slots, int slotSize, int max, long lengths);

    static native int txCopy(int port, long slots, int slotSize, long lengths, int count);

    static native int rxRefs(int port, long refs, int previous, int max, long addresses, long lengths);

    static native void freeRefs(long refs, int count);

    static native int txFlush(int port, long refs, int count, int reserved, long lengths, int want, long addresses);
}
