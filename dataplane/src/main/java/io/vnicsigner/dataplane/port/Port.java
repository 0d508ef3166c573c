package io.vnicsigner.dataplane.port;

import org.agrona.DirectBuffer;

/**
 * The one shape every port has: bursts of received frames into a {@link FrameBatch}, and frames sent one at a time
 * (queued or written at once, as the port prefers) and then flushed.
 * <p>
 * Ports never block and never throw on the data path: a frame that cannot be sent is dropped and reported by the
 * return value, so the caller can count it.
 */
public interface Port extends AutoCloseable
{
    /** The spec it was opened with, such as {@code tap:vsg1}. */
    String name();

    /**
     * Appends received frames to the batch, at most until it is full.
     *
     * @return the number of frames appended, 0 when none were ready.
     */
    int receive(FrameBatch batch);

    /**
     * Sends a frame, or queues it for {@link #flush()}. The bytes are copied or written before this returns.
     *
     * @return true if accepted, false if dropped (queue full, device down or error).
     */
    boolean send(DirectBuffer buffer, int offset, int length);

    /**
     * Pushes queued frames out.
     *
     * @return the number of frames written by this call.
     */
    int flush();

    /** A descriptor that becomes readable when frames arrive, or -1 when the port cannot be polled. */
    default int pollFd()
    {
        return -1;
    }

    /** Frames lost to receive errors or truncation since the port opened. */
    default long receiveErrors()
    {
        return 0;
    }

    void close();
}
