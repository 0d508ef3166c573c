package io.vnicsigner.dataplane.pktgen;

import java.io.File;
import java.util.List;

import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.pipeline.Dataplane;
import io.vnicsigner.dataplane.pipeline.ThreadingMode;
import io.vnicsigner.dataplane.port.MemoryPort;
import io.vnicsigner.dataplane.port.Port;
import io.vnicsigner.dataplane.switching.SigningIp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator driving a real in-process dataplane through memory ports, in INVOKER mode. */
class PacketGeneratorTest
{
    private static final int SIGNING_IP = Ipv4Address.parse("169.254.169.250");
    private static final long SIGNING_MAC = MacAddress.parse("02:76:6e:69:63:01");
    private static final long GUEST_MAC = MacAddress.parse("52:54:00:00:00:01");
    private static final int GUEST_IP = Ipv4Address.parse("10.200.0.2");
    private static final long GATEWAY_MAC = MacAddress.parse("52:54:00:00:00:fe");
    private static final int GATEWAY_IP = Ipv4Address.parse("10.200.0.1");

    @TempDir
    File dir;

    private final MemoryPort uplink = new MemoryPort("memory:uplink", 4 * 1024 * 1024);
    private final MemoryPort guest = new MemoryPort("memory:guest", 4 * 1024 * 1024);
    private CountersFile countersFile;
    private Dataplane dataplane;

    @BeforeEach
    void start()
    {
        countersFile = CountersFile.create(dir, 256, 1, 0);
        dataplane = Dataplane.start(new SigningIp(SIGNING_IP, SIGNING_MAC), uplink,
            List.of(new Dataplane.Guest("i-1", "acme", GUEST_MAC, GUEST_IP, 1, guest)),
            ThreadingMode.INVOKER, "poll", countersFile.newManager(), System::nanoTime);
    }

    @AfterEach
    void stop()
    {
        dataplane.close();
        countersFile.close();
    }

    @Test
    void shouldGetEveryFrameThroughTheSwitchAndEveryEchoAnsweredWithLatencies()
    {
        final Port guestSide = guest.peer();
        final PacketGenerator generator = new PacketGenerator(
            spec(60, 16, 0.25, 0), guestSide, uplink.peer());
        long now = 1_000_000;
        while (generator.sent() < 4000)
        {
            generator.doWork(now);
            dataplane.invoker().invoke();
            now += 1000;
        }
        for (int i = 0; i < 50; i++)
        {
            dataplane.invoker().invoke();
            generator.receive(now);
            now += 1000;
        }
        assertEquals(4000, generator.sent());
        assertEquals(1000, generator.sentEcho(), "a quarter of the frames go to the signing IP");
        assertEquals(3000, generator.received(), "every UDP frame forwarded to the uplink");
        assertEquals(1000, generator.receivedEcho(), "every echo answered");
        assertEquals(0, generator.txDropped());
        assertEquals(4000, generator.latencyNs().getTotalCount());
        assertTrue(generator.latencyNs().getMinValue() > 0);
    }

    @Test
    void shouldKeepToTheRate()
    {
        final PacketGenerator generator = new PacketGenerator(spec(60, 1, 0, 10_000), guest.peer(), uplink.peer());
        // Ten simulated milliseconds at 10 kpps are 100 frames, whatever the number of calls.
        for (long now = 0; now < 10_000_000; now += 7_919)
        {
            generator.doWork(now);
            dataplane.invoker().invoke();
        }
        assertTrue(generator.sent() >= 99 && generator.sent() <= 101, "sent " + generator.sent());
    }

    @Test
    void shouldRefuseImpossibleSpecs()
    {
        assertThrows(IllegalArgumentException.class, () -> spec(59, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> spec(1515, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> spec(60, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> spec(60, 1, 1.5, 0));
    }

    private static TrafficSpec spec(final int length, final int flows, final double share, final long rate)
    {
        return new TrafficSpec(GUEST_MAC, GATEWAY_MAC, GUEST_IP, GATEWAY_IP, SIGNING_IP, SIGNING_MAC, length, flows,
            share, rate);
    }
}
