package io.vnicsigner.dataplane.pipeline;

/**
 * How agents are given threads, as in Aeron's media driver.
 */
public enum ThreadingMode
{
    /** One thread per agent. */
    DEDICATED,
    /** All agents in one {@link org.agrona.concurrent.CompositeAgent} on one thread. */
    SHARED,
    /** No threads: the caller invokes {@code doWork()}, as tests do with a fake clock. */
    INVOKER
}
