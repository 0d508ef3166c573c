package io.vnicsigner.dataplane.port;

import io.vnicsigner.dataplane.frame.ArpFlyweight;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.FrameBuilder;
import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.linux.dpdk.Dpdk;
import io.vnicsigner.linux.dpdk.DpdkEthDev;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DPDK ports through the JNI shim, on vdevs that need no hardware or hugepages. There is one EAL per process, so
 * every DPDK test lives in this class and shares the EAL started in {@link #startEal()}; each test opens its own
 * uniquely named devices and closes them.
 */
final class DpdkPortTest
{
    private static final long PEER_MAC = 0x02_00_00_00_77_02L;
    private static final String KERNEL_IP = "10.77.0.1";
    private static final String PEER_IP = "10.77.0.2";

    private static String affinityBefore;
    private static String affinityAfter;
    private static boolean initialisedHere;
    private static int nextIndex = 40;

    @BeforeAll
    static void startEal() throws IOException
    {
        if (!Dpdk.isAvailable())
        {
            // Surefire shows a class aborted in @BeforeAll as "Tests run: 0" without the reason, so say it here.
            System.err.println("DpdkPortTest skipped: " + Dpdk.unavailableReason());
        }
        assumeTrue(Dpdk.isAvailable(), "DPDK tests skipped: " + Dpdk.unavailableReason());
        affinityBefore = Dpdk.allowedCpus();
        final List<String> args = new ArrayList<>(Dpdk.defaultEalArgs());
        // Put the main lcore on one CPU only, so that an affinity leaked by rte_eal_init would show.
        final int lcores = args.indexOf("--lcores");
        args.set(lcores + 1, "0@" + firstCpu(affinityBefore));
        // vhost logs every negotiation step at info level; the test output needs none of it.
        args.add("--log-level");
        args.add("lib.vhost.*:warning");
        initialisedHere = Dpdk.init(args);
        affinityAfter = Dpdk.allowedCpus();
    }

    @Test
    void shouldLeaveTheCallingThreadAffinityAsItWasAfterEalInit()
    {
        assumeTrue(initialisedHere, "the EAL was initialised by another class in this JVM");
        assumeTrue(affinityBefore.contains(",") || affinityBefore.contains("-"), "only one CPU allowed here");
        assertEquals(affinityBefore, affinityAfter);
        assertEquals(0, Dpdk.lcoreId(), "the initialising thread becomes the main lcore");
    }

    @Test
    void shouldTreatASecondEalInitAsANoOp() throws IOException
    {
        final List<String> before = Dpdk.ealArgs();
        assertFalse(Dpdk.init(List.of("--no-huge", "-m", "64")));
        assertEquals(before, Dpdk.ealArgs());
        Dpdk.ensureInitialised();
        assertEquals(before, Dpdk.ealArgs());
    }

    @Test
    void shouldLoopFramesBackThroughARingPortInOrder() throws IOException
    {
        try (DpdkPort port = DpdkPort.open("net_ring" + uniqueIndex()))
        {
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1600));
            final int[] lengths = { 60, 1514, 99 };
            for (int i = 0; i < lengths.length; i++)
            {
                fill(frame, lengths[i], i);
                assertTrue(port.send(frame, 0, lengths[i]));
            }
            assertEquals(3, port.flush());

            final FrameBatch batch = new FrameBatch();
            assertEquals(3, port.receive(batch));
            for (int i = 0; i < lengths.length; i++)
            {
                fill(frame, lengths[i], i);
                assertEquals(lengths[i], batch.length(i));
                assertArrayEquals(bytes(frame, 0, lengths[i]), bytes(batch.buffer(), batch.offset(i), lengths[i]));
            }
            assertEquals(0, port.receive(new FrameBatch()));

            final long[] stats = new long[DpdkEthDev.STAT_COUNT];
            port.device().stats(stats);
            assertEquals(3, stats[DpdkEthDev.STAT_OPACKETS]);
            assertEquals(3, stats[DpdkEthDev.STAT_IPACKETS]);
        }
    }

    @Test
    void shouldFlushAFullBurstByItselfAndKeepOrderAcrossBursts() throws IOException
    {
        try (DpdkPort port = DpdkPort.open("net_ring" + uniqueIndex()))
        {
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
            for (int i = 0; i < DpdkPort.TX_BURST + 5; i++)
            {
                fill(frame, 64, i);
                assertTrue(port.send(frame, 0, 64));
            }
            // The first burst went out by itself when it filled; five frames wait for flush.
            final FrameBatch batch = new FrameBatch(64, 128);
            assertEquals(DpdkPort.TX_BURST, port.receive(batch));
            assertEquals(5, port.flush());
            assertEquals(5, port.receive(batch));
            for (int i = 0; i < batch.count(); i++)
            {
                fill(frame, 64, i);
                assertArrayEquals(bytes(frame, 0, 64), bytes(batch.buffer(), batch.offset(i), 64), "frame " + i);
            }
        }
    }

    @Test
    void shouldDropAndCountFramesThatDoNotFitASlotOrAnMbuf() throws IOException
    {
        try (DpdkPort port = DpdkPort.open("net_ring" + uniqueIndex()))
        {
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
            assertFalse(port.send(frame, 0, DpdkPort.MAX_FRAME + 1));
            assertEquals(1, port.sendDrops());

            fill(frame, 200, 1);
            port.send(frame, 0, 200);
            fill(frame, 100, 2);
            port.send(frame, 0, 100);
            assertEquals(2, port.flush());

            final FrameBatch smallSlots = new FrameBatch(8, 128);
            assertEquals(1, port.receive(smallSlots));
            assertEquals(100, smallSlots.length(0));
            assertArrayEquals(bytes(frame, 0, 100), bytes(smallSlots.buffer(), 0, 100));
            assertEquals(1, port.receiveErrors());
        }
    }

    @Test
    void shouldReceiveGeneratedFramesFromANullPortAndCountWhatItSends() throws IOException
    {
        try (DpdkPort port = DpdkPort.open("net_null" + uniqueIndex() + ",size=128"))
        {
            final FrameBatch batch = new FrameBatch();
            assertEquals(batch.capacity(), port.receive(batch));
            assertEquals(128, batch.length(0));
            assertEquals(0, port.receive(batch), "a full batch takes nothing more");

            for (int i = 0; i < batch.count(); i++)
            {
                assertTrue(port.send(batch.buffer(), batch.offset(i), batch.length(i)));
            }
            assertEquals(0, port.flush(), "the full burst already went out by itself");

            final long[] stats = new long[DpdkEthDev.STAT_COUNT];
            port.device().stats(stats);
            assertEquals(batch.capacity(), stats[DpdkEthDev.STAT_IPACKETS]);
            assertEquals(batch.capacity(), stats[DpdkEthDev.STAT_OPACKETS]);
            assertEquals(0, port.sendDrops());
        }
    }

    @Test
    void shouldStageSentFramesAndCopyThemOnFlushInCopyMode() throws IOException
    {
        try (DpdkPort port = DpdkPort.open("net_ring" + uniqueIndex(), true))
        {
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1600));
            fill(frame, 333, 7);
            assertTrue(port.send(frame, 0, 333));
            assertEquals(1, port.flush());
            final FrameBatch batch = new FrameBatch();
            assertEquals(1, port.receive(batch));
            assertArrayEquals(bytes(frame, 0, 333), bytes(batch.buffer(), 0, batch.length(0)));
        }
    }

    @Test
    void shouldHandOutMbufDataInZeroCopyBursts() throws IOException
    {
        try (DpdkEthDev device = DpdkEthDev.open("net_ring" + uniqueIndex(), 256, 256, 1023))
        {
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            assertEquals(0, device.txFlush(0, 2), "reserving sends nothing");
            assertEquals(2, device.txReserved());
            for (int i = 0; i < 2; i++)
            {
                view.wrap(device.txAddress(i), 64);
                view.putLong(0, 0x1111_0000L + i);
                device.txLength(i, 60 + i);
            }
            assertEquals(2, device.txFlush(2, 4));
            assertEquals(4, device.txReserved(), "the reservation is topped up after sending");

            assertEquals(2, device.rxRefs(32));
            for (int i = 0; i < 2; i++)
            {
                view.wrap(device.rxAddress(i), 64);
                assertEquals(0x1111_0000L + i, view.getLong(0));
                assertEquals(60 + i, device.rxLength(i));
            }
            assertEquals(0, device.rxRefs(32), "the previous burst is released and nothing new arrived");
        }
    }

    @Test
    void shouldDropAnInPlaceFrameLongerThanItsMbufInsteadOfSendingIt() throws IOException
    {
        try (DpdkEthDev device = DpdkEthDev.open("net_ring" + uniqueIndex(), 256, 256, 1023))
        {
            device.txFlush(0, 2);
            device.txLength(0, DpdkEthDev.MBUF_DATA + 1000);
            device.txLength(1, 64);
            assertEquals(1, device.txFlush(2, 2));
            assertEquals(1, device.rxRefs(32));
            assertEquals(64, device.rxLength(0));
        }
    }

    @Test
    void shouldDoNothingOnBurstsAfterClose() throws IOException
    {
        final DpdkPort port = DpdkPort.open("net_null" + uniqueIndex());
        port.close();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        assertEquals(0, port.receive(new FrameBatch()));
        assertFalse(port.send(frame, 0, 64));
        assertEquals(0, port.flush());
        port.close();
    }

    @Test
    void shouldReopenAVdevNameAfterClose() throws IOException
    {
        // net_null rather than net_ring: net_ring keeps its ring's memzone after close and complains on reuse.
        final String devargs = "net_null" + uniqueIndex();
        final int first;
        try (DpdkPort port = DpdkPort.open(devargs))
        {
            first = port.device().portId();
        }
        try (DpdkPort port = DpdkPort.open(devargs))
        {
            assertTrue(port.device().portId() >= 0);
            assertEquals(first, port.device().portId(), "the closed port's id is free again");
        }
    }

    @Test
    void shouldFailClearlyOnAnUnknownDriver()
    {
        final IOException error = assertThrows(
            IOException.class, () -> DpdkPort.open("net_nosuchdriver0"));
        assertTrue(error.getMessage().contains("net_nosuchdriver0"), error.getMessage());
    }

    @Test
    void shouldOpenDpdkSpecsThroughPortSpecs() throws IOException
    {
        try (Port port = PortSpecs.open("dpdk:net_null" + uniqueIndex()))
        {
            assertInstanceOf(DpdkPort.class, port);
            assertTrue(port.name().startsWith("dpdk:net_null"));
            assertEquals(-1, port.pollFd());
        }
    }

    /**
     * The vhost-user path QEMU guests use, with DPDK's own virtio-user driver standing in for the guest: frames
     * sent by the "guest" arrive through the vhost port and the other way round.
     */
    @Test
    void shouldCarryFramesBothWaysBetweenAVirtioUserGuestAndAVhostPort() throws Exception
    {
        final Path socket = Files.createTempDirectory("vnic-vhost").resolve("vm.sock");
        try (DpdkPort host = DpdkPort.open("net_vhost" + uniqueIndex() + ",iface=" + socket);
            DpdkPort guest = DpdkPort.open("net_virtio_user" + uniqueIndex() + ",path=" + socket))
        {
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1600));
            assertDelivered(guest, host, frame, 3);
            assertDelivered(host, guest, frame, 5);
        }
        finally
        {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        }
    }

    private static void assertDelivered(final DpdkPort from, final DpdkPort to, final UnsafeBuffer frame, final int count)
        throws InterruptedException
    {
        final FrameBatch batch = new FrameBatch();
        // The vhost side drops what it is sent until the virtio-user side has finished negotiating its queues.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (batch.count() < count && System.nanoTime() < deadline)
        {
            batch.clear();
            for (int i = 0; i < count; i++)
            {
                fill(frame, 100 + i, count + i);
                from.send(frame, 0, 100 + i);
            }
            from.flush();
            Thread.sleep(1);
            to.receive(batch);
        }
        assertEquals(count, batch.count());
        for (int i = 0; i < count; i++)
        {
            fill(frame, 100 + i, count + i);
            assertArrayEquals(bytes(frame, 0, 100 + i), bytes(batch.buffer(), batch.offset(i), batch.length(i)));
        }
    }

    /**
     * The kernel side of a {@code net_tap} device, moved into a private namespace: the kernel's ARP request for a
     * peer arrives through {@link DpdkPort#receive}, and the reply sent through {@link DpdkPort#send} teaches the
     * kernel the peer's MAC.
     */
    @Test
    void shouldExchangeArpWithTheKernelThroughATapPort() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "net_tap and network namespaces need root");
        assumeTrue(run("ip", "netns", "list").exitCode == 0, "ip netns not usable here");
        final long pid = ProcessHandle.current().pid();
        final String iface = "vsdp" + (pid % 100_000);
        final String netns = "vnic-dpdk-" + pid;
        Process ping = null;
        try (DpdkPort port = DpdkPort.open("net_tap" + uniqueIndex() + ",iface=" + iface + ",mac=02:00:00:11:22:33"))
        {
            assertArrayEquals(new byte[]{ 2, 0, 0, 0x11, 0x22, 0x33 }, port.device().macAddress());
            check("ip", "netns", "add", netns);
            check("ip", "link", "set", iface, "netns", netns);
            check("ip", "-n", netns, "addr", "add", KERNEL_IP + "/24", "dev", iface);
            check("ip", "-n", netns, "link", "set", iface, "up");

            ping = new ProcessBuilder("ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "3", PEER_IP)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

            final FrameBatch batch = new FrameBatch();
            final EthernetFlyweight ethernet = new EthernetFlyweight();
            final ArpFlyweight arp = new ArpFlyweight();
            long kernelMac = -1;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (kernelMac < 0 && System.nanoTime() < deadline)
            {
                batch.clear();
                port.receive(batch);
                for (int i = 0; i < batch.count(); i++)
                {
                    ethernet.wrap(batch.buffer(), batch.offset(i), batch.length(i));
                    if (ethernet.etherType() == EthernetFlyweight.ETHERTYPE_ARP)
                    {
                        arp.wrap(batch.buffer(), ethernet.payloadOffset(), ethernet.payloadLength());
                        if (arp.operation() == ArpFlyweight.OP_REQUEST && arp.targetIp() == Ipv4Address.parse(PEER_IP))
                        {
                            kernelMac = arp.senderMac();
                            assertEquals(Ipv4Address.parse(KERNEL_IP), arp.senderIp());
                        }
                    }
                }
                Thread.onSpinWait();
            }
            assertNotEquals(-1, kernelMac, "no ARP request from the kernel arrived through receive()");

            final UnsafeBuffer reply = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
            final int length = FrameBuilder.padToMinimum(reply, FrameBuilder.arpReply(
                reply, PEER_MAC, Ipv4Address.parse(PEER_IP), kernelMac, Ipv4Address.parse(KERNEL_IP)));
            assertTrue(port.send(reply, 0, length));
            assertEquals(1, port.flush());

            String neighbours = "";
            final long learnDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (!neighbours.contains(MacAddress.format(PEER_MAC)) && System.nanoTime() < learnDeadline)
            {
                neighbours = check("ip", "-n", netns, "neigh", "show", PEER_IP);
                Thread.sleep(20);
            }
            assertTrue(neighbours.contains("lladdr " + MacAddress.format(PEER_MAC)), neighbours);
        }
        finally
        {
            if (ping != null)
            {
                ping.destroy();
                ping.waitFor(2, TimeUnit.SECONDS);
            }
            run("ip", "netns", "del", netns);
        }
    }

    /** Vdev names must be unique among open devices; indexes keep clear of any a user passed with --vdev. */
    private static synchronized int uniqueIndex()
    {
        return nextIndex++;
    }

    private static String firstCpu(final String list)
    {
        int end = 0;
        while (end < list.length() && Character.isDigit(list.charAt(end)))
        {
            end++;
        }
        return list.substring(0, end);
    }

    private static void fill(final UnsafeBuffer frame, final int length, final int seed)
    {
        for (int i = 0; i < length; i++)
        {
            frame.putByte(i, (byte)(seed * 31 + i));
        }
    }

    private static byte[] bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] out = new byte[length];
        buffer.getBytes(offset, out);
        return out;
    }

    private record Result(int exitCode, String output)
    {
    }

    private static Result run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            fail("timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), output);
    }

    private static String check(final String... command) throws IOException, InterruptedException
    {
        final Result result = run(command);
        assertEquals(0, result.exitCode, String.join(" ", command) + ": " + result.output);
        return result.output;
    }
}
