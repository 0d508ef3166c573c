package io.vnicsigner.bench.dataplane;

import java.io.File;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.IcmpFlyweight;
import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.pipeline.Dataplane;
import io.vnicsigner.dataplane.pipeline.ThreadingMode;
import io.vnicsigner.dataplane.switching.SigningIp;
import io.vnicsigner.dataplane.switching.SwitchAgent;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The switch's per-frame work on one frame: forward it (a 64-byte UDP frame from a guest to the uplink,
 * with anti-spoofing checks) or answer it (an ICMP echo to the signing IP). Ports discard, so only the switch is
 * measured. Run with {@code -prof gc} to see the allocation rate, which must be about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SwitchForwardBenchmark
{
    private static final long GUEST_MAC = MacAddress.parse("52:54:00:00:00:01");
    private static final int GUEST_IP = Ipv4Address.parse("10.200.0.2");
    private static final SigningIp SIGNING = SigningIp.defaults();

    private final UnsafeBuffer udpFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
    private final UnsafeBuffer pingFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
    private int udpLength;
    private int pingLength;
    private File dir;
    private CountersFile counters;
    private Dataplane dataplane;
    private SwitchAgent switchAgent;
    private io.vnicsigner.dataplane.switching.GuestPort guest;

    @Setup
    public void setUp() throws Exception
    {
        dir = Files.createTempDirectory("vnic-bench").toFile();
        counters = CountersFile.create(dir, 64, ProcessHandle.current().pid(), 0);
        dataplane = Dataplane.start(
            SIGNING, new DiscardPort("discard:uplink"),
            List.of(new Dataplane.Guest("i-1", "acme", GUEST_MAC, GUEST_IP, 1, new DiscardPort("discard:guest"))),
            ThreadingMode.INVOKER, "poll", counters.newManager(), System::nanoTime);
        switchAgent = dataplane.switchAgent();
        guest = switchAgent.guest(0);
        udpLength = writeUdp(udpFrame);
        pingLength = writePing(pingFrame);
    }

    @TearDown
    public void tearDown()
    {
        dataplane.close();
        counters.close();
        IoUtil.delete(dir, true);
    }

    @Benchmark
    public void forwardGuestUdpToUplink()
    {
        switchAgent.onGuestFrame(guest, udpFrame, 0, udpLength);
    }

    @Benchmark
    public void answerPingToSigningIp()
    {
        switchAgent.onGuestFrame(guest, pingFrame, 0, pingLength);
    }

    @Benchmark
    public void forwardUplinkUnicastToGuest()
    {
        switchAgent.onUplinkFrame(udpFrame, 0, udpLength);
    }

    private static int writeUdp(final UnsafeBuffer buffer)
    {
        // 64-byte frame: Ethernet + IPv4 + UDP + 22 bytes of payload. The uplink direction reuses it with
        // the guest MAC as destination, so write both MACs as the guest's.
        final int ipLength = 20 + 8 + 22;
        ethernet(buffer, GUEST_MAC, GUEST_MAC);
        Ipv4Flyweight.writeHeader(buffer, 14, ipLength, 1, 64, Ipv4Flyweight.PROTOCOL_UDP, GUEST_IP,
            Ipv4Address.parse("10.200.0.1"));
        buffer.putShort(34, (short)5000, ByteOrder.BIG_ENDIAN);
        buffer.putShort(36, (short)53, ByteOrder.BIG_ENDIAN);
        buffer.putShort(38, (short)(8 + 22), ByteOrder.BIG_ENDIAN);
        return 14 + ipLength;
    }

    private static int writePing(final UnsafeBuffer buffer)
    {
        final int icmpLength = IcmpFlyweight.HEADER_LENGTH + 56;
        ethernet(buffer, SIGNING.mac(), GUEST_MAC);
        Ipv4Flyweight.writeHeader(buffer, 14, 20 + icmpLength, 1, 64, Ipv4Flyweight.PROTOCOL_ICMP, GUEST_IP,
            SIGNING.ip());
        new IcmpFlyweight().wrap(buffer, 34, icmpLength).type(IcmpFlyweight.TYPE_ECHO_REQUEST).identifier(1)
            .sequence(1).computeChecksum();
        return 14 + 20 + icmpLength;
    }

    private static void ethernet(final UnsafeBuffer buffer, final long dst, final long src)
    {
        new EthernetFlyweight().wrap(buffer, 0, 14).destinationMac(dst).sourceMac(src)
            .etherType(EthernetFlyweight.ETHERTYPE_IPV4);
    }
}
