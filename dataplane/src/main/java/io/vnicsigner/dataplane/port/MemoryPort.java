package io.vnicsigner.dataplane.port;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * An in-memory port for tests and benchmarks: frames are injected into a bounded receive ring and what the
 * dataplane sends lands in a bounded transmit ring. Each ring has one producer thread and one consumer thread.
 * <p>
 * When a ring is full the frame is dropped and {@link #injectDrops()} or {@link #sendDrops()} counts it.
 */
public final class MemoryPort implements Port
{
    private static final int MSG_TYPE_FRAME = 1;

    private final String name;
    private final OneToOneRingBuffer rx;
    private final OneToOneRingBuffer tx;
    private FrameBatch target;
    private long injectDrops;
    private long sendDrops;
    private final org.agrona.concurrent.MessageHandler intoBatch = (msgTypeId, buffer, index, length) ->
    {
        final FrameBatch batch = target;
        batch.buffer().putBytes(batch.nextSlotOffset(), buffer, index, Math.min(length, batch.slotSize()));
        batch.commit(Math.min(length, batch.slotSize()));
    };

    public MemoryPort(final String name)
    {
        this(name, 1024 * 1024);
    }

    /**
     * @param ringBytes capacity of each ring, a power of two.
     */
    public MemoryPort(final String name, final int ringBytes)
    {
        this.name = name;
        this.rx = newRing(ringBytes);
        this.tx = newRing(ringBytes);
    }

    private static OneToOneRingBuffer newRing(final int bytes)
    {
        return new OneToOneRingBuffer(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(bytes + RingBufferDescriptor.TRAILER_LENGTH, 64)));
    }

    public String name()
    {
        return name;
    }

    /** Queues a frame for the dataplane to receive. */
    public boolean inject(final DirectBuffer buffer, final int offset, final int length)
    {
        if (rx.write(MSG_TYPE_FRAME, buffer, offset, length))
        {
            return true;
        }
        injectDrops++;
        return false;
    }

    public int receive(final FrameBatch batch)
    {
        final int space = batch.capacity() - batch.count();
        if (space == 0)
        {
            return 0;
        }
        target = batch;
        return rx.read(intoBatch, space);
    }

    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        if (tx.write(MSG_TYPE_FRAME, buffer, offset, length))
        {
            return true;
        }
        sendDrops++;
        return false;
    }

    public int flush()
    {
        return 0;
    }

    /**
     * Takes the oldest sent frame.
     *
     * @return its length, or -1 when nothing was sent.
     */
    public int take(final MutableDirectBuffer into, final int offset)
    {
        final int[] length = { -1 };
        tx.read((msgTypeId, buffer, index, len) ->
        {
            into.putBytes(offset, buffer, index, len);
            length[0] = len;
        }, 1);
        return length[0];
    }

    /** Discards everything sent so far and returns how many frames that was. */
    public int drainSent()
    {
        return tx.read((msgTypeId, buffer, index, length) -> { }, Integer.MAX_VALUE);
    }

    /**
     * The other end of this port, as a port: what it sends, this port receives, and it receives what this port
     * sends. For generators and benchmarks that drive the dataplane through the {@link Port} shape.
     */
    public Port peer()
    {
        return new Port()
        {
            private FrameBatch peerTarget;
            private final org.agrona.concurrent.MessageHandler peerIntoBatch = (msgTypeId, buffer, index, length) ->
            {
                final FrameBatch batch = peerTarget;
                batch.buffer().putBytes(batch.nextSlotOffset(), buffer, index, Math.min(length, batch.slotSize()));
                batch.commit(Math.min(length, batch.slotSize()));
            };

            public String name()
            {
                return name + "-peer";
            }

            public int receive(final FrameBatch batch)
            {
                final int space = batch.capacity() - batch.count();
                if (space == 0)
                {
                    return 0;
                }
                peerTarget = batch;
                return tx.read(peerIntoBatch, space);
            }

            public boolean send(final DirectBuffer buffer, final int offset, final int length)
            {
                return inject(buffer, offset, length);
            }

            public int flush()
            {
                return 0;
            }

            public void close()
            {
            }
        };
    }

    public long injectDrops()
    {
        return injectDrops;
    }

    public long sendDrops()
    {
        return sendDrops;
    }

    public void close()
    {
    }
}
