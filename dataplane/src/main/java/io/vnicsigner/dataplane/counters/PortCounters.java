package io.vnicsigner.dataplane.counters;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The counters of one port: frames and bytes each way, refused sends and receive errors. Written by the one agent
 * that owns the port.
 */
public final class PortCounters implements AutoCloseable
{
    public final AtomicCounter rxFrames;
    public final AtomicCounter rxBytes;
    public final AtomicCounter txFrames;
    public final AtomicCounter txBytes;
    public final AtomicCounter txDrops;
    public final AtomicCounter rxErrors;

    public PortCounters(final CountersManager manager, final String portName)
    {
        rxFrames = manager.newCounter("port " + portName + " rx-frames", CounterTypes.PORT_RX_FRAMES);
        rxBytes = manager.newCounter("port " + portName + " rx-bytes", CounterTypes.PORT_RX_BYTES);
        txFrames = manager.newCounter("port " + portName + " tx-frames", CounterTypes.PORT_TX_FRAMES);
        txBytes = manager.newCounter("port " + portName + " tx-bytes", CounterTypes.PORT_TX_BYTES);
        txDrops = manager.newCounter("port " + portName + " tx-drops", CounterTypes.PORT_TX_DROPS);
        rxErrors = manager.newCounter("port " + portName + " rx-errors", CounterTypes.PORT_RX_ERRORS);
    }

    public void close()
    {
        rxFrames.close();
        rxBytes.close();
        txFrames.close();
        txBytes.close();
        txDrops.close();
        rxErrors.close();
    }
}
