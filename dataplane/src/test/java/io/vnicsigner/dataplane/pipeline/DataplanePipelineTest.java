package io.vnicsigner.dataplane.pipeline;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.frame.FrameBuilder;
import io.vnicsigner.dataplane.frame.FrameError;
import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import io.vnicsigner.dataplane.port.MemoryPort;
import io.vnicsigner.dataplane.switching.SigningIp;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataplanePipelineTest
{
    private static final int SIGNING_IP = Ipv4Address.parse("169.254.169.250");
    private static final long SIGNING_MAC = MacAddress.parse("02:76:6e:69:63:01");
    private static final long MAC_A = MacAddress.parse("52:54:00:00:00:01");
    private static final int IP_A = Ipv4Address.parse("10.200.0.2");

    @TempDir
    File dir;

    private final MemoryPort uplink = new MemoryPort("memory:uplink");
    private final MemoryPort guest = new MemoryPort("memory:a", 8 * 1024 * 1024);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
    private CountersFile countersFile;
    private Dataplane dataplane;

    private void start(final ThreadingMode mode)
    {
        countersFile = CountersFile.create(dir, 256, 1, 0);
        dataplane = Dataplane.start(
            new SigningIp(SIGNING_IP, SIGNING_MAC), uplink,
            List.of(new Dataplane.Guest("i-a", "acme", MAC_A, IP_A, 1, guest)),
            mode, "poll", countersFile.newManager(), System::nanoTime);
    }

    @AfterEach
    void stop()
    {
        if (dataplane != null)
        {
            dataplane.close();
        }
        if (countersFile != null)
        {
            countersFile.close();
        }
    }

    @Test
    void shouldAnswerTcpFromTheInterceptorThreadAndWakeEachAgentOnlyWhenItSleeps() throws Exception
    {
        start(ThreadingMode.DEDICATED);
        final long[] before = dataplane.wakeups();
        for (int i = 0; i < 5; i++)
        {
            // Long enough for both agents to fall asleep (64 spins, then poll(2) or select). The interceptor also
            // wakes every millisecond for its timers, so a frame may find it awake: no wake-up is owed then.
            Thread.sleep(50);
            guest.inject(frame, 0, FrameBuilder.tcpSyn(
                frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 40000 + i, 80, 1000, 64240, 1));
            final TcpFlyweight reply = awaitTcpReply();
            assertEquals(TcpFlyweight.SYN | TcpFlyweight.ACK, reply.flags());
            assertEquals(1001, reply.acknowledgment());
            assertEquals(40000 + i, reply.destinationPort());
        }
        assertTrue(dataplane.wakeups()[0] > before[0], "the switch woke the sleeping interceptor (at least once in 5)");
        assertEquals(5, counter(SystemCounter.TCP_SEGMENTS_IN));
        assertEquals(5, counter(SystemCounter.TCP_SEGMENTS_OUT));
        assertEquals(0, counter(SystemCounter.INTERCEPT_RING_FULL));
    }

    @Test
    void shouldAnswerTcpWhenBothAgentsShareOneThread() throws Exception
    {
        start(ThreadingMode.SHARED);
        guest.inject(frame, 0, FrameBuilder.tcpSyn(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 40000, 80, 1000, 64240, 1));
        assertEquals(TcpFlyweight.SYN | TcpFlyweight.ACK, awaitTcpReply().flags());
        assertEquals(0, dataplane.wakeups()[0] + dataplane.wakeups()[1], "one thread never wakes itself");
    }

    @Test
    void shouldAnswerTcpInOneCycleWhenBothAgentsShareTheCaller() throws Exception
    {
        start(ThreadingMode.INVOKER);
        guest.inject(frame, 0, FrameBuilder.tcpSyn(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 40000, 81, 1000, 64240, 1));
        dataplane.invoker().invoke();
        final int length = guest.take(out, 0);
        assertTrue(length > 0, "the RST leaves in the cycle the SYN arrived");
        assertEquals(TcpFlyweight.RST | TcpFlyweight.ACK, tcpOf(length).flags());
    }

    @Test
    void shouldDropAndCountSegmentsWhenTheInterceptorRingIsFull()
    {
        start(ThreadingMode.INVOKER);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[1400]);
        final int segments = FrameRings.DEFAULT_CAPACITY / 1400 + 200;
        for (int i = 0; i < segments; i++)
        {
            final int length = FrameBuilder.tcp(frame, MAC_A, SIGNING_MAC, IP_A, SIGNING_IP, 40000, 80,
                1000 + i * 1400, 1, TcpFlyweight.ACK, 64240, payload, 0, 1400);
            assertTrue(guest.inject(frame, 0, length));
            // The interceptor never runs: only the switch's half of the pipeline.
            dataplane.switchAgent().doWork();
        }
        assertEquals(segments, counter(SystemCounter.TCP_SEGMENTS_IN));
        final long dropped = counter(SystemCounter.INTERCEPT_RING_FULL);
        assertTrue(dropped >= 200 && dropped < segments, "dropped " + dropped + " of " + segments);
        assertEquals(-1, guest.take(out, 0), "nothing answers while the interceptor does not run");

        // Once it runs, it answers every queued segment of the unknown connection with a RST, over the other ring.
        for (int i = 0; i < 64; i++)
        {
            dataplane.doWork();
        }
        assertEquals(segments - dropped, counter(SystemCounter.TCP_RST_SENT));
        assertEquals(segments - dropped, guest.drainSent());
    }

    private TcpFlyweight awaitTcpReply() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int length;
        while ((length = guest.take(out, 0)) < 0)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "no reply within 10 s");
            Thread.sleep(1);
        }
        return tcpOf(length);
    }

    private TcpFlyweight tcpOf(final int length)
    {
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(out, 14, length - 14);
        final TcpFlyweight tcp = new TcpFlyweight().wrap(out, ip.payloadOffset(), ip.payloadLength());
        assertEquals(FrameError.OK, tcp.validate(SIGNING_IP, IP_A, true));
        return tcp;
    }

    private long counter(final SystemCounter counter)
    {
        return countersFile.reader().getCounterValue(counter.id());
    }
}
