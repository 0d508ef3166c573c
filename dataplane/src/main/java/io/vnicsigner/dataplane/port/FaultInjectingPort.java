package io.vnicsigner.dataplane.port;

import java.util.SplittableRandom;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Wraps a port and damages its traffic in both directions from a seeded RNG: drops, duplicates and reorders
 * frames. It stands in for {@code sch_netem}, which these hosts lack, in loss and reordering tests.
 * <p>
 * Reordering holds one frame back and releases it after the next frame in the same direction (or at the next
 * flush or burst when nothing follows), so a held frame is delayed, never lost.
 */
public final class FaultInjectingPort implements Port
{
    /** Each inbound frame can become two (duplicate) plus one held frame, so a burst needs this much room. */
    private static final int INBOUND_BURST = 8;
    private static final int NEEDED_SPACE = 2 * INBOUND_BURST + 1;

    private final Port delegate;
    private final SplittableRandom random;
    private final double dropRate;
    private final double duplicateRate;
    private final double reorderRate;
    private final UnsafeBuffer heldTx;
    private int heldTxLength = -1;
    private final FrameBatch inbound;
    private final UnsafeBuffer heldRx;
    private int heldRxLength = -1;
    private long dropped;
    private long duplicated;
    private long reordered;

    /**
     * @param dropRate      share of frames dropped, 0..1.
     * @param duplicateRate share of frames sent twice, 0..1.
     * @param reorderRate   share of frames held back behind the next one, 0..1.
     */
    public FaultInjectingPort(
        final Port delegate, final long seed, final double dropRate, final double duplicateRate,
        final double reorderRate)
    {
        checkRate("dropRate", dropRate);
        checkRate("duplicateRate", duplicateRate);
        checkRate("reorderRate", reorderRate);
        this.delegate = delegate;
        this.random = new SplittableRandom(seed);
        this.dropRate = dropRate;
        this.duplicateRate = duplicateRate;
        this.reorderRate = reorderRate;
        this.inbound = new FrameBatch(INBOUND_BURST, FrameBatch.DEFAULT_SLOT_SIZE);
        this.heldTx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(inbound.slotSize(), 64));
        this.heldRx = new UnsafeBuffer(BufferUtil.allocateDirectAligned(inbound.slotSize(), 64));
    }

    private static void checkRate(final String name, final double rate)
    {
        if (!(rate >= 0.0 && rate <= 1.0))
        {
            throw new IllegalArgumentException(name + " must be within 0..1: " + rate);
        }
    }

    public String name()
    {
        return delegate.name();
    }

    public int receive(final FrameBatch batch)
    {
        inbound.clear();
        final int space = batch.capacity() - batch.count();
        if (space < NEEDED_SPACE)
        {
            return 0;
        }
        delegate.receive(inbound);
        int appended = 0;
        for (int i = 0; i < inbound.count(); i++)
        {
            appended += admit(inbound.buffer(), inbound.offset(i), inbound.length(i), batch, space - appended);
        }
        if (heldRxLength >= 0 && appended < space)
        {
            appended += append(batch, heldRx, 0, heldRxLength);
            heldRxLength = -1;
        }
        return appended;
    }

    private int admit(
        final DirectBuffer buffer, final int offset, final int length, final FrameBatch batch, final int space)
    {
        if (random.nextDouble() < dropRate)
        {
            dropped++;
            return 0;
        }
        if (heldRxLength < 0 && random.nextDouble() < reorderRate)
        {
            heldRx.putBytes(0, buffer, offset, length);
            heldRxLength = length;
            reordered++;
            return 0;
        }
        int appended = append(batch, buffer, offset, length);
        if (heldRxLength >= 0 && appended < space)
        {
            appended += append(batch, heldRx, 0, heldRxLength);
            heldRxLength = -1;
        }
        if (appended < space && random.nextDouble() < duplicateRate)
        {
            duplicated++;
            appended += append(batch, buffer, offset, length);
        }
        return appended;
    }

    private static int append(final FrameBatch batch, final DirectBuffer buffer, final int offset, final int length)
    {
        if (batch.isFull())
        {
            return 0;
        }
        batch.buffer().putBytes(batch.nextSlotOffset(), buffer, offset, length);
        batch.commit(length);
        return 1;
    }

    public boolean send(final DirectBuffer buffer, final int offset, final int length)
    {
        if (random.nextDouble() < dropRate)
        {
            dropped++;
            return true;
        }
        if (heldTxLength < 0 && length <= heldTx.capacity() && random.nextDouble() < reorderRate)
        {
            heldTx.putBytes(0, buffer, offset, length);
            heldTxLength = length;
            reordered++;
            return true;
        }
        final boolean sent = delegate.send(buffer, offset, length);
        releaseHeldTx();
        if (random.nextDouble() < duplicateRate)
        {
            duplicated++;
            delegate.send(buffer, offset, length);
        }
        return sent;
    }

    private void releaseHeldTx()
    {
        if (heldTxLength >= 0)
        {
            delegate.send(heldTx, 0, heldTxLength);
            heldTxLength = -1;
        }
    }

    public int flush()
    {
        releaseHeldTx();
        return delegate.flush();
    }

    public int pollFd()
    {
        return delegate.pollFd();
    }

    public long receiveErrors()
    {
        return delegate.receiveErrors();
    }

    public long dropped()
    {
        return dropped;
    }

    public long duplicated()
    {
        return duplicated;
    }

    public long reordered()
    {
        return reordered;
    }

    public void close()
    {
        delegate.close();
    }
}
