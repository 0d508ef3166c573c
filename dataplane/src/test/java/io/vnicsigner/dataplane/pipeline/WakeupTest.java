package io.vnicsigner.dataplane.pipeline;

import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WakeupTest
{
    private final OneToOneRingBuffer ring = FrameRings.newRing(64 * 1024);

    @Test
    void shouldSignalOnlyAConsumerThatAnnouncedSleep()
    {
        try (EventFdWakeup wakeup = new EventFdWakeup())
        {
            wakeup.signal();
            assertEquals(0, wakeup.wakeups(), "a busy consumer costs the producer no system call");

            assertTrue(wakeup.prepareToSleep(ring));
            wakeup.signal();
            wakeup.signal();
            assertEquals(1, wakeup.wakeups(), "one wake-up per sleep");
            wakeup.awake();
            wakeup.drain();
        }
    }

    @Test
    void shouldRefuseToSleepWhenTheRingAlreadyHoldsWork()
    {
        final Wakeup wakeup = new SelectorWakeup(null);
        assertTrue(ring.write(FrameRings.MSG_FRAME, new UnsafeBuffer(new byte[8]), 0, 8));
        assertFalse(wakeup.prepareToSleep(ring));
        wakeup.signal();
        assertEquals(0, wakeup.wakeups());
    }

    @Test
    void shouldWakeAPollingConsumerAtOnce() throws Exception
    {
        try (EventFdWakeup wakeup = new EventFdWakeup())
        {
            final PollIdleStrategy idle = new PollIdleStrategy(new int[0], 5_000, wakeup, ring);
            final Thread consumer = new Thread(() ->
            {
                while (ring.size() == 0)
                {
                    idle.idle(0);
                }
            });
            consumer.start();
            Thread.sleep(100);
            assertTrue(ring.write(FrameRings.MSG_FRAME, new UnsafeBuffer(new byte[8]), 0, 8));
            wakeup.signal();
            consumer.join(4_000);
            assertFalse(consumer.isAlive(), "a 5 s poll was cut short by the wake-up");
            assertTrue(wakeup.wakeups() >= 1);
        }
    }

    @Test
    void shouldWakeASelectingConsumerForARingFrameOrASocket() throws Exception
    {
        try (Selector selector = Selector.open())
        {
            final Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.source().register(selector, SelectionKey.OP_READ);
            final SelectorWakeup wakeup = new SelectorWakeup(selector);
            final SelectorIdleStrategy idle = new SelectorIdleStrategy(selector, wakeup, ring, 5_000);

            // A frame on the ring, signalled while the consumer sleeps in select(5 s).
            final Thread ringConsumer = sleeper(idle, () -> ring.size() > 0);
            Thread.sleep(100);
            assertTrue(ring.write(FrameRings.MSG_FRAME, new UnsafeBuffer(new byte[8]), 0, 8));
            wakeup.signal();
            ringConsumer.join(4_000);
            assertFalse(ringConsumer.isAlive(), "the ring's wake-up cut the select short");
            assertEquals(1, wakeup.wakeups());
            ring.read((type, buffer, index, length) -> { }, 1);

            // Bytes on a registered channel (an upstream socket) wake it without any signal.
            final Thread socketConsumer = sleeper(idle, () -> selectedNow(selector));
            Thread.sleep(100);
            pipe.sink().write(java.nio.ByteBuffer.wrap(new byte[] {1}));
            socketConsumer.join(4_000);
            assertFalse(socketConsumer.isAlive(), "readable bytes cut the select short");
            assertEquals(1, wakeup.wakeups(), "no ring wake-up was needed");
            pipe.sink().close();
            pipe.source().close();
        }
    }

    private static boolean selectedNow(final Selector selector)
    {
        try
        {
            return selector.selectNow(key -> { }) > 0;
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Thread sleeper(final SelectorIdleStrategy idle, final java.util.function.BooleanSupplier done)
    {
        final Thread t = new Thread(() ->
        {
            while (!done.getAsBoolean())
            {
                idle.idle(0);
            }
            idle.reset();
        });
        t.start();
        return t;
    }
}
