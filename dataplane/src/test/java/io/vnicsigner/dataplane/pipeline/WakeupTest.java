package io.vnicsigner.dataplane.pipeline;

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
}
