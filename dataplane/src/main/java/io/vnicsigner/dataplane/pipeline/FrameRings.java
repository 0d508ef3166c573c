package io.vnicsigner.dataplane.pipeline;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The rings between the switch and the interceptor, and the layout of their one message type.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                guest port index (int, native order)           |
 * +---------------------------------------------------------------+
 * |  to the interceptor: the IPv4 packet (header, TCP segment)    |
 * |  to the ports: the whole Ethernet frame                      ...
 * +---------------------------------------------------------------+
 * </pre>
 * Each ring has one producer and one consumer thread, so both are {@link OneToOneRingBuffer}s. A full ring drops
 * the frame and counts it; TCP retransmits.
 */
public final class FrameRings
{
    /** The one message type: a frame for (or from) the guest on the given port index. */
    public static final int MSG_FRAME = 1;
    public static final int GUEST_INDEX_OFFSET = 0;
    public static final int FRAME_OFFSET = 4;

    /**
     * Ring capacity in each direction: 2 MiB holds about 1,300 full-size frames, more than a duty cycle of either
     * agent produces (the switch reads at most 32 frames per port, the endpoint sends at most one 64 KiB window per
     * connection before it must wait for ACKs).
     */
    public static final int DEFAULT_CAPACITY = 2 * 1024 * 1024;

    /** Messages the consumer takes per duty cycle, so one busy direction cannot starve the other work. */
    public static final int READ_LIMIT = 256;

    private FrameRings()
    {
    }

    public static OneToOneRingBuffer newRing(final int capacity)
    {
        final int length = capacity + RingBufferDescriptor.TRAILER_LENGTH;
        return new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, 64)));
    }
}
