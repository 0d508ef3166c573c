package io.vnicsigner.dataplane.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnicsigner.dataplane.counters.SystemCounter;
import io.vnicsigner.dataplane.frame.ArpFlyweight;
import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import io.vnicsigner.dataplane.frame.FrameBuilder;
import io.vnicsigner.dataplane.frame.Ipv4Flyweight;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.frame.TcpFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static io.vnicsigner.dataplane.fuzz.DataplaneHarness.CLIENTS;
import static io.vnicsigner.dataplane.fuzz.DataplaneHarness.FIRST_CLIENT_PORT;
import static io.vnicsigner.dataplane.fuzz.DataplaneHarness.GUEST_IP;
import static io.vnicsigner.dataplane.fuzz.DataplaneHarness.GUEST_MAC;
import static io.vnicsigner.dataplane.fuzz.DataplaneHarness.SIGNING_IP;
import static io.vnicsigner.dataplane.fuzz.DataplaneHarness.SIGNING_MAC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target frame → TCP: the input is a script of operations on one guest's port into a {@link
 * io.vnicsigner.dataplane.pipeline.Dataplane} (see {@link DataplaneHarness}). Raw and bit-flipped frames exercise the
 * switch and the flyweights; structure-aware segments, with valid headers and checksums so that they get past
 * validation, exercise the TCP endpoint and, through it, the HTTP sessions. Sequence numbers are exact, near or wild
 * relative to what the harness has learned, so that the fuzzer reaches established connections without having to
 * guess a keyed ISN.
 * <p>
 * After the script, simulated minutes pass: every connection and buffer must be freed.
 */
class FrameTcpFuzzTest
{
    static final int OP_RAW = 0;
    static final int OP_MUTATE = 1;
    static final int OP_SEGMENT = 2;
    static final int OP_CLOCK = 3;
    static final int OP_HANDSHAKE = 4;
    static final int OP_REQUEST = 5;
    static final int OP_ACK = 6;
    static final int OP_CLOSE = 7;
    static final int OPS = 8;

    static final String[] REQUESTS = {
        "GET /vnic/v1/ping HTTP/1.1\r\nHost: 169.254.169.250\r\n\r\n",
        "POST /vnic/v1/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /vnic/v1/echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: v\r\n\r\n",
        "POST /vnic/v1/echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3000\r\n\r\n",
        "GET /nothing HTTP/1.0\r\n\r\nGET /vnic/v1/ping HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "HEAD /vnic/v1/ping HTTP/1.1\r\nHost: a\r\n",
    };

    private static final int MAX_OPS = 64;
    private static final int MAX_RAW_FRAME = 1600;
    private static final int MAX_PAYLOAD = 1460;
    private static final int TCP_OFFSET = EthernetFlyweight.HEADER_LENGTH + Ipv4Flyweight.MIN_HEADER_LENGTH;
    private static final long[] CLOCK_STEPS_NS = {
        TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(250), TimeUnit.MILLISECONDS.toNanos(1_100),
        TimeUnit.SECONDS.toNanos(31) };
    private static final String SEEDS = "FrameTcpFuzzTestInputs/framesToTcp/";

    @FuzzTest(maxDuration = "30s")
    void framesToTcp(final byte[] input)
    {
        try (DataplaneHarness harness = new DataplaneHarness())
        {
            run(harness, new FuzzInput(input));
            harness.quiesce();
        }
    }

    /**
     * The committed seeds must be what {@link #seeds()} writes (run with {@code -Dvnic.fuzz.writeSeeds=true} to
     * rewrite them), and the first must really carry an HTTP exchange: proof that structure-aware segments get past
     * every checksum to the endpoint and the HTTP layer.
     */
    @Test
    void shouldReachHttpThroughTheSeedFrames() throws IOException
    {
        final boolean write = Boolean.getBoolean("vnic.fuzz.writeSeeds");
        for (final Map.Entry<String, byte[]> seed : seeds().entrySet())
        {
            if (write)
            {
                final Path path = Path.of("src/test/resources/io/vnicsigner/dataplane/fuzz", SEEDS, seed.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, seed.getValue());
                continue;
            }
            try (InputStream in = FrameTcpFuzzTest.class.getResourceAsStream(SEEDS + seed.getKey()))
            {
                assertNotNull(in, "seed " + seed.getKey() + " is committed");
                assertArrayEquals(seed.getValue(), in.readAllBytes(), "seed " + seed.getKey() + " is up to date");
            }
        }

        try (DataplaneHarness harness = new DataplaneHarness())
        {
            run(harness, new FuzzInput(seeds().values().iterator().next()));
            assertTrue(harness.counter(SystemCounter.TCP_CONNECTIONS_ACCEPTED) >= 1, "handshake completed");
            assertTrue(harness.counter(SystemCounter.HTTP_REQUESTS) >= 1, "request parsed");
            assertTrue(harness.sawHttpResponse(), "an HTTP response came back to the guest");
            harness.quiesce();
        }
    }

    static void run(final DataplaneHarness harness, final FuzzInput in)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[2048]);
        for (int ops = 0; ops < MAX_OPS && in.hasMore(); ops++)
        {
            switch (in.u8() % OPS)
            {
                case OP_RAW -> raw(harness, in, frame);
                case OP_MUTATE -> mutate(harness, in, frame);
                case OP_SEGMENT -> segment(harness, in, frame);
                case OP_CLOCK ->
                {
                    final int step = in.u8() % (CLOCK_STEPS_NS.length + 1);
                    harness.advance(step < CLOCK_STEPS_NS.length ?
                        CLOCK_STEPS_NS[step] : TimeUnit.MILLISECONDS.toNanos(in.u16()));
                }
                case OP_HANDSHAKE -> handshake(harness, in.u8() % CLIENTS, in.u32(), in.u8() % 16, frame);
                case OP_REQUEST ->
                {
                    final int client = in.u8() % CLIENTS;
                    final byte[] request = ascii(REQUESTS[in.u8() % REQUESTS.length]);
                    exact(harness, client, TcpFlyweight.PSH | TcpFlyweight.ACK, 65_535, request, frame);
                }
                case OP_ACK -> exact(harness, in.u8() % CLIENTS, TcpFlyweight.ACK, in.u16(), new byte[0], frame);
                case OP_CLOSE ->
                {
                    final int client = in.u8() % CLIENTS;
                    final int flags = in.u8() % 2 == 0 ? TcpFlyweight.FIN | TcpFlyweight.ACK : TcpFlyweight.RST;
                    exact(harness, client, flags, 65_535, new byte[0], frame);
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    /**
     * Fuzzed bytes as a frame; flags in the mode byte stamp the guest's MAC, the signing MAC, or an IPv4 header to
     * the signing IP (optionally with a correct checksum) so that random bodies get past the first checks.
     */
    private static void raw(final DataplaneHarness harness, final FuzzInput in, final UnsafeBuffer frame)
    {
        final byte[] bytes = in.bytes(in.u16() % (MAX_RAW_FRAME + 1));
        final int mode = in.u8();
        frame.setMemory(0, frame.capacity(), (byte)0);
        frame.putBytes(0, bytes);
        final int length = bytes.length;
        if ((mode & 1) != 0 && length >= 12)
        {
            MacAddress.write(frame, 6, GUEST_MAC);
        }
        if ((mode & 2) != 0 && length >= 6)
        {
            MacAddress.write(frame, 0, SIGNING_MAC);
        }
        if ((mode & 4) != 0 && length >= TCP_OFFSET)
        {
            frame.putShort(12, (short)EthernetFlyweight.ETHERTYPE_IPV4, java.nio.ByteOrder.BIG_ENDIAN);
            frame.putByte(14, (byte)0x45);
            frame.putInt(14 + 12, GUEST_IP, java.nio.ByteOrder.BIG_ENDIAN);
            frame.putInt(14 + 16, SIGNING_IP, java.nio.ByteOrder.BIG_ENDIAN);
            if ((mode & 8) != 0)
            {
                new Ipv4Flyweight().wrap(frame, 14, length - 14).computeChecksum();
            }
        }
        harness.inject(frame, length);
    }

    /** A valid frame of a fuzzed kind with a few fuzzed bytes flipped, checksums left as they fall. */
    private static void mutate(final DataplaneHarness harness, final FuzzInput in, final UnsafeBuffer frame)
    {
        final int length = switch (in.u8() % 4)
        {
            case 0 -> FrameBuilder.arpRequest(frame, GUEST_MAC, GUEST_IP, SIGNING_IP);
            case 1 -> FrameBuilder.icmpEchoRequest(
                frame, GUEST_MAC, SIGNING_MAC, GUEST_IP, SIGNING_IP, 7, in.u16(), in.u8());
            case 2 -> tcpFrame(frame, FIRST_CLIENT_PORT, 80, in.u32(), 0, TcpFlyweight.SYN, 64_240,
                linuxSynOptions(1460, 7, 1), new byte[0]);
            default -> tcpFrame(frame, FIRST_CLIENT_PORT, 80, harness.clientNext(0), harness.serverNext(0),
                TcpFlyweight.PSH | TcpFlyweight.ACK, 502, new byte[0], ascii(REQUESTS[0]));
        };
        final int flips = in.u8() % 5;
        for (int i = 0; i < flips; i++)
        {
            final int at = in.u16() % length;
            frame.putByte(at, (byte)(frame.getByte(at) ^ in.u8()));
        }
        harness.inject(frame, length);
    }

    /** A segment to the signing IP with every field fuzzed but checksums correct (unless asked otherwise). */
    private static void segment(final DataplaneHarness harness, final FuzzInput in, final UnsafeBuffer frame)
    {
        final int client = in.u8() % CLIENTS;
        final int dstPort = in.u8() == 0xFF ? in.u16() : 80;
        final int flags = in.u8();
        final int seq = relative(harness.clientNext(client), in);
        final int ack = relative(harness.serverNext(client), in);
        final int window = in.u16();
        final byte[] options = switch (in.u8() % 4)
        {
            case 0 -> new byte[0];
            case 1 -> linuxSynOptions(in.u16(), in.u8(), in.u32());
            case 2 -> in.bytes(in.u8() % 41);
            default -> mssOption(in.u16());
        };
        final byte[] payload = switch (in.u8() % 3)
        {
            case 0 -> new byte[0];
            case 1 ->
            {
                final byte[] request = ascii(REQUESTS[in.u8() % REQUESTS.length]);
                final int cut = in.u16() % (request.length + 1);
                yield cut == 0 ? request : java.util.Arrays.copyOf(request, cut);
            }
            default -> in.bytes(in.u16() % (MAX_PAYLOAD + 1));
        };
        final boolean corrupt = in.u8() == 0x5A;
        final int length = tcpFrame(frame, FIRST_CLIENT_PORT + client, dstPort, seq, ack, flags, window, options,
            payload);
        if (corrupt)
        {
            frame.putByte(TCP_OFFSET + 16, (byte)(frame.getByte(TCP_OFFSET + 16) ^ 0x01));
        }
        if (dstPort == 80)
        {
            harness.clientSent(client, seq, flags, payload.length);
        }
        harness.inject(frame, length);
    }

    /** Exact, near (±32 Ki), wild, or one behind {@code next}, as a keep-alive probe would be. */
    private static int relative(final int next, final FuzzInput in)
    {
        return switch (in.u8() % 4)
        {
            case 0 -> next;
            case 1 -> next + (short)in.u16();
            case 2 -> in.u32();
            default -> next - 1;
        };
    }

    static void handshake(
        final DataplaneHarness harness, final int client, final int isn, final int windowScale,
        final UnsafeBuffer frame)
    {
        final int synLength = tcpFrame(frame, FIRST_CLIENT_PORT + client, 80, isn, 0, TcpFlyweight.SYN, 64_240,
            linuxSynOptions(1460, windowScale, 1), new byte[0]);
        harness.clientSent(client, isn, TcpFlyweight.SYN, 0);
        harness.inject(frame, synLength);
        exact(harness, client, TcpFlyweight.ACK, 502, new byte[0], frame);
    }

    /** A segment exactly in sequence, acknowledging everything the signing IP sent so far. */
    private static void exact(
        final DataplaneHarness harness, final int client, final int flags, final int window, final byte[] payload,
        final UnsafeBuffer frame)
    {
        final int seq = harness.clientNext(client);
        final int length = tcpFrame(frame, FIRST_CLIENT_PORT + client, 80, seq, harness.serverNext(client), flags,
            window, new byte[0], payload);
        harness.clientSent(client, seq, flags, payload.length);
        harness.inject(frame, length);
    }

    /**
     * Ethernet, IPv4 and TCP from the guest to the signing IP with correct checksums; options are padded with EOL
     * to a multiple of four and cut at 40 bytes.
     */
    static int tcpFrame(
        final UnsafeBuffer frame, final int srcPort, final int dstPort, final int seq, final int ack,
        final int flags, final int window, final byte[] options, final byte[] payload)
    {
        final int optionsLength = Math.min(40, (options.length + 3) & ~3);
        final int headerLength = TcpFlyweight.MIN_HEADER_LENGTH + optionsLength;
        final int tcpLength = headerLength + payload.length;
        new EthernetFlyweight().wrap(frame, 0, EthernetFlyweight.HEADER_LENGTH)
            .destinationMac(SIGNING_MAC)
            .sourceMac(GUEST_MAC)
            .etherType(EthernetFlyweight.ETHERTYPE_IPV4);
        Ipv4Flyweight.writeHeader(frame, EthernetFlyweight.HEADER_LENGTH, Ipv4Flyweight.MIN_HEADER_LENGTH + tcpLength,
            1, 64, Ipv4Flyweight.PROTOCOL_TCP, GUEST_IP, SIGNING_IP);
        TcpFlyweight.writeHeader(frame, TCP_OFFSET, srcPort, dstPort, seq, ack, flags, window);
        final int optionsOffset = TCP_OFFSET + TcpFlyweight.MIN_HEADER_LENGTH;
        frame.setMemory(optionsOffset, optionsLength, (byte)TcpFlyweight.OPTION_EOL);
        frame.putBytes(optionsOffset, options, 0, Math.min(options.length, optionsLength));
        frame.putBytes(TCP_OFFSET + headerLength, payload);
        new TcpFlyweight().wrap(frame, TCP_OFFSET, tcpLength)
            .setHeaderLength(headerLength)
            .computeChecksum(GUEST_IP, SIGNING_IP);
        return TCP_OFFSET + tcpLength;
    }

    /** MSS, SACK-permitted, timestamps, NOP, window scale: what Linux puts in a SYN. */
    static byte[] linuxSynOptions(final int mss, final int windowScale, final int tsVal)
    {
        final UnsafeBuffer options = new UnsafeBuffer(new byte[20]);
        int at = TcpFlyweight.writeMssOption(options, 0, mss);
        at += TcpFlyweight.writeSackPermittedOption(options, at);
        at += TcpFlyweight.writeTimestampsOption(options, at, tsVal, 0);
        at += TcpFlyweight.writeNopOption(options, at);
        at += TcpFlyweight.writeWindowScaleOption(options, at, windowScale);
        return java.util.Arrays.copyOf(options.byteArray(), at);
    }

    private static byte[] mssOption(final int mss)
    {
        final UnsafeBuffer options = new UnsafeBuffer(new byte[TcpFlyweight.MSS_OPTION_LENGTH]);
        TcpFlyweight.writeMssOption(options, 0, mss);
        return options.byteArray();
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The seed scripts, first one first: each a few valid steps the fuzzer mutates from.
     */
    static Map<String, byte[]> seeds()
    {
        final Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("ping-keepalive-fin", new Script()
            .handshake(0, 0x1000_0000).request(0, 0).ack(0).request(0, 0).ack(0).close(0, false).ack(0)
            .clock(1).bytes());
        seeds.put("echo-length-and-chunked", new Script()
            .handshake(1, 0x7FFF_FFF0).request(1, 1).ack(1).request(1, 2).ack(1).clock(2).ack(1).bytes());
        seeds.put("expect-continue-then-body", new Script()
            .handshake(0, 0xFFFF_FF00).request(0, 3).ack(0).segment(0, TcpFlyweight.PSH | TcpFlyweight.ACK, 1400)
            .ack(0).clock(3).bytes());
        seeds.put("limits-and-reset", new Script()
            .handshake(0, 1).handshake(1, 2).handshake(2, 3).handshake(3, 4).request(2, 5).ack(2).close(1, true)
            .bytes());
        seeds.put("arp-ping-and-raw", new Script()
            .op(OP_MUTATE).u8(0).u8(0).op(OP_MUTATE).u8(1).u16(9).u8(32).u8(0)
            .op(OP_RAW).u16(60).fill(60, 0x11).u8(0x0F).bytes());
        seeds.put("slowloris-and-idle", new Script()
            .handshake(0, 42).request(0, 6).clock(2).clock(2).ack(0).handshake(1, 43).clock(3).bytes());
        return seeds;
    }

    /** Writes a script in the order {@link #run} reads it. */
    static final class Script
    {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Script op(final int op)
        {
            return u8(op);
        }

        Script u8(final int value)
        {
            out.write(value & 0xFF);
            return this;
        }

        Script u16(final int value)
        {
            return u8(value >> 8).u8(value);
        }

        Script u32(final int value)
        {
            return u16(value >>> 16).u16(value);
        }

        Script fill(final int count, final int value)
        {
            for (int i = 0; i < count; i++)
            {
                u8(value);
            }
            return this;
        }

        Script handshake(final int client, final int isn)
        {
            return op(OP_HANDSHAKE).u8(client).u32(isn).u8(7);
        }

        Script request(final int client, final int index)
        {
            return op(OP_REQUEST).u8(client).u8(index);
        }

        Script ack(final int client)
        {
            return op(OP_ACK).u8(client).u16(65_535);
        }

        Script close(final int client, final boolean reset)
        {
            return op(OP_CLOSE).u8(client).u8(reset ? 1 : 0);
        }

        Script clock(final int step)
        {
            return op(OP_CLOCK).u8(step);
        }

        /** An exact, option-less segment to port 80 with {@code length} payload bytes of 'x'. */
        Script segment(final int client, final int flags, final int length)
        {
            return op(OP_SEGMENT).u8(client).u8(0).u8(flags).u8(0).u8(0).u16(65_535).u8(0)
                .u8(2).u16(length).fill(length, 'x').u8(0);
        }

        byte[] bytes()
        {
            return out.toByteArray();
        }
    }
}
