package io.vnicsigner.dataplane.counters;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/**
 * Publishes {@link StageLatencies} across processes as a small text file beside the counters file,
 * {@value #FILE_NAME}, rewritten whole (temporary file, then an atomic rename) once a period by a thread of its
 * own, never by an agent. Each line is {@code <stage> <base64 of the compressed cumulative histogram>}, the
 * encoding HdrHistogram's own log format uses, so {@code vnic-signer stats} decodes it with the library.
 * <p>
 * Readers see either the previous snapshot or the new one, never a torn one; the figures are at most one period
 * old.
 */
public final class LatencySnapshots implements AutoCloseable
{
    public static final String FILE_NAME = "latency.hgrm";

    private final File file;
    private final File temporary;
    private final StageLatencies latencies;
    private final Histogram[] cumulative = new Histogram[StageLatencies.STAGES];
    private final Histogram[] recycled = new Histogram[StageLatencies.STAGES];
    private ByteBuffer encoded = ByteBuffer.allocate(4096);

    public LatencySnapshots(final File dir, final StageLatencies latencies)
    {
        this.file = new File(dir, FILE_NAME);
        this.temporary = new File(dir, FILE_NAME + ".tmp");
        this.latencies = latencies;
        for (int i = 0; i < StageLatencies.STAGES; i++)
        {
            cumulative[i] = new Histogram(1, StageLatencies.HIGHEST_NS, StageLatencies.DIGITS);
        }
    }

    /**
     * Folds the values recorded since the last call into the cumulative histograms and rewrites the file.
     */
    public void publish() throws IOException
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < StageLatencies.STAGES; i++)
        {
            final Histogram interval = latencies.interval(i, recycled[i]);
            cumulative[i].add(interval);
            recycled[i] = interval;
            final int capacity = cumulative[i].getNeededByteBufferCapacity();
            if (encoded.capacity() < capacity)
            {
                encoded = ByteBuffer.allocate(capacity);
            }
            encoded.clear();
            final int length = cumulative[i].encodeIntoCompressedByteBuffer(encoded);
            text.append(StageLatencies.name(i)).append(' ')
                .append(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(encoded.array(), length)))
                .append('\n');
        }
        Files.writeString(temporary.toPath(), text, StandardCharsets.US_ASCII);
        Files.move(temporary.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes the file, as the daemon does for the counters file when it stops. */
    public void close()
    {
        file.delete();
        temporary.delete();
    }

    /**
     * Reads the latest snapshot in {@code dir}: stage name to cumulative histogram, in file order; empty when the
     * daemon has not published one (or is not running).
     */
    public static Map<String, Histogram> read(final File dir) throws IOException
    {
        final Map<String, Histogram> result = new LinkedHashMap<>();
        final File file = new File(dir, FILE_NAME);
        if (!file.exists())
        {
            return result;
        }
        final List<String> lines = Files.readAllLines(file.toPath(), StandardCharsets.US_ASCII);
        for (final String line : lines)
        {
            final int space = line.indexOf(' ');
            if (space <= 0)
            {
                continue;
            }
            final byte[] bytes = Base64.getDecoder().decode(line.substring(space + 1));
            try
            {
                result.put(line.substring(0, space),
                    Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0));
            }
            catch (final DataFormatException e)
            {
                throw new IOException("corrupt latency snapshot for " + line.substring(0, space), e);
            }
        }
        return result;
    }
}
