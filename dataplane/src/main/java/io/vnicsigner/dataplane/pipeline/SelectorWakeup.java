package io.vnicsigner.dataplane.pipeline;

import java.nio.channels.Selector;

/**
 * A {@link Wakeup} for an agent that sleeps in {@link Selector#select}: the upstream sockets and the ring wake it
 * alike.
 */
public final class SelectorWakeup extends Wakeup
{
    private final Selector selector;

    public SelectorWakeup(final Selector selector)
    {
        this.selector = selector;
    }

    protected void wake()
    {
        selector.wakeup();
    }
}
