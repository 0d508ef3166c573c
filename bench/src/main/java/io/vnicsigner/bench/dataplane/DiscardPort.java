package io.vnicsigner.bench.dataplane;

import io.vnicsigner.dataplane.port.FrameBatch;
import io.vnicsigner.dataplane.port.Port;
import org.agrona.DirectBuffer;

/**
 * A port that receives nothing and accepts every frame without touching it, so a benchmark measures only the
 * switch's own per-frame work.
 */
final class DiscardPort implements Port
{
    private final String name;
    long sent;

    DiscardPort(final String name)
    {
        this.name = name;
    }

    public String name()
    {
        return name;
    }

    public int receive(final FrameBatch batch)
    {
        return 0;
    }

    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        sent++;
        return true;
    }

    public int flush()
    {
        return 0;
    }

    public void close()
    {
    }
}
