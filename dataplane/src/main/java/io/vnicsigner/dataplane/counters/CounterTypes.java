package io.vnicsigner.dataplane.counters;

/**
 * Type ids stored with each counter in the counters file, so readers can group them.
 */
public final class CounterTypes
{
    public static final int SYSTEM = 1;
    /** Holds an unused system counter id; readers skip it. */
    public static final int RESERVED = 2;
    public static final int PORT_RX_FRAMES = 10;
    public static final int PORT_RX_BYTES = 11;
    public static final int PORT_TX_FRAMES = 12;
    public static final int PORT_TX_BYTES = 13;
    public static final int PORT_TX_DROPS = 14;
    public static final int PORT_RX_ERRORS = 15;

    private CounterTypes()
    {
    }
}
