package io.vnicsigner.bench.dataplane;

import java.util.concurrent.TimeUnit;

import io.vnicsigner.dataplane.pipeline.EventFdWakeup;
import io.vnicsigner.dataplane.pipeline.FrameRings;
import io.vnicsigner.dataplane.pipeline.Wakeup;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of handing one frame from the switch agent to the interceptor agent, as the dataplane does it:
 * {@code tryClaim}, the guest index and one copy of the frame into the claimed slot, {@code commit}, the wake-up
 * check ({@link Wakeup#signal()} with the consumer awake: a fence and a read), and the consumer's {@code read}.
 * <ul>
 *   <li>{@code copyOnly}: the one copy alone, the floor any handoff pays;</li>
 *   <li>{@code handoff}: claim, copy, commit and signal for a burst of 32 frames, then one read of the burst, on
 *   one thread (SHARED mode's path);</li>
 *   <li>{@code crossThread}: a producer and a consumer thread on the same ring (DEDICATED mode's path), in frames
 *   handed over per microsecond ({@code consumed}); it is the sustained rate, not an unloaded latency.</li>
 * </ul>
 * Run with {@code -prof gc}: every method must allocate 0 B/op.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingHandoffBenchmark
{
    /** Frames per invocation, as in one receive burst; long enough for {@code -bm sample} to time reliably. */
    static final int BURST = 32;

    @Param({"64", "1514"})
    int frameLength;

    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048 + 8, 64));
    private final OneToOneRingBuffer ring = FrameRings.newRing(FrameRings.DEFAULT_CAPACITY);
    private EventFdWakeup wakeup;
    private long consumed;
    private final MessageHandler consumer = this::onFrame;

    @Setup(Level.Trial)
    public void setUp()
    {
        for (int i = 0; i < frame.capacity(); i++)
        {
            frame.putByte(i, (byte)i);
        }
        wakeup = new EventFdWakeup();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        wakeup.close();
    }

    private void onFrame(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        consumed += buffer.getInt(index + FrameRings.GUEST_INDEX_OFFSET) + length;
    }

    private boolean offer()
    {
        final int index = ring.tryClaim(FrameRings.MSG_FRAME, FrameRings.FRAME_OFFSET + frameLength);
        if (index < 0)
        {
            return false;
        }
        final AtomicBuffer buffer = ring.buffer();
        buffer.putInt(index + FrameRings.GUEST_INDEX_OFFSET, 1);
        buffer.putBytes(index + FrameRings.FRAME_OFFSET, frame, 0, frameLength);
        ring.commit(index);
        wakeup.signal();
        return true;
    }

    @Benchmark
    @Group("copyOnly")
    @OperationsPerInvocation(BURST)
    public int copyOnly()
    {
        int sum = 0;
        for (int i = 0; i < BURST; i++)
        {
            scratch.putInt(FrameRings.GUEST_INDEX_OFFSET, i);
            scratch.putBytes(FrameRings.FRAME_OFFSET, frame, 0, frameLength);
            sum += scratch.getInt(FrameRings.FRAME_OFFSET + frameLength - 4);
        }
        return sum;
    }

    @Benchmark
    @Group("handoff")
    @OperationsPerInvocation(BURST)
    public long handoff()
    {
        for (int i = 0; i < BURST; i++)
        {
            offer();
        }
        ring.read(consumer, BURST);
        return consumed;
    }

    /** Frames actually handed over, per thread: calls that found the ring full or empty do not count. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Frames
    {
        public long produced;
        public long consumed;
    }

    // Neither side waits for the other: a JMH thread that spins on a stopped peer would never end its iteration.
    @Benchmark
    @Group("crossThread")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean crossThreadProduce(final Frames frames)
    {
        final boolean offered = offer();
        frames.produced += offered ? 1 : 0;
        return offered;
    }

    @Benchmark
    @Group("crossThread")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int crossThreadConsume(final Frames frames)
    {
        final int n = ring.read(consumer, 1);
        frames.consumed += n;
        return n;
    }
}
