package io.vnicsigner.dataplane.counters;

import java.io.File;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * The counters file, like Aeron's CnC file: a memory-mapped header, Agrona counter metadata and counter values, so
 * that {@code vnic-signer stats} reads live counters without any RPC.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     magic 'VNSC' (int)                        |
 * |                     version (int)                             |
 * |                     metadata length (int)                     |
 * |                     values length (int)                       |
 * |                     pid (long)                                |
 * |                     start time, epoch ms (long)               |
 * |                     ... header padded to 128 bytes            |
 * +---------------------------------------------------------------+
 * |                     counter metadata                          |
 * +---------------------------------------------------------------+
 * |                     counter values                            |
 * +---------------------------------------------------------------+
 * </pre>
 */
public final class CountersFile implements AutoCloseable
{
    public static final String FILE_NAME = "counters.dat";
    public static final int MAGIC = 0x43534E56; // "VNSC" little-endian
    public static final int VERSION = 1;
    public static final int DEFAULT_MAX_COUNTERS = 4096;

    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int METADATA_LENGTH_OFFSET = 8;
    private static final int VALUES_LENGTH_OFFSET = 12;
    private static final int PID_OFFSET = 16;
    private static final int START_TIME_OFFSET = 24;
    private static final int HEADER_LENGTH = 128;

    private final File file;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer metadata;
    private final UnsafeBuffer values;
    private final UnsafeBuffer header;
    private final boolean owner;

    private CountersFile(final File file, final MappedByteBuffer mapped, final boolean owner)
    {
        this.file = file;
        this.mapped = mapped;
        this.owner = owner;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
        this.metadata = new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength);
        this.values = new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength);
    }

    /**
     * Creates (replacing any stale one) the counters file in {@code directory}, sized for {@code maxCounters}.
     */
    public static CountersFile create(final File directory, final int maxCounters, final long pid, final long nowMs)
    {
        IoUtil.ensureDirectoryExists(directory, "counters directory");
        final File file = new File(directory, FILE_NAME);
        final int valuesLength = maxCounters * CountersReader.COUNTER_LENGTH;
        final int metadataLength = maxCounters * CountersReader.METADATA_LENGTH;
        IoUtil.deleteIfExists(file);
        final MappedByteBuffer mapped = IoUtil.mapNewFile(file, HEADER_LENGTH + metadataLength + valuesLength);
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        header.putInt(VERSION_OFFSET, VERSION);
        header.putInt(METADATA_LENGTH_OFFSET, metadataLength);
        header.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        header.putLong(PID_OFFSET, pid);
        header.putLong(START_TIME_OFFSET, nowMs);
        header.putIntRelease(MAGIC_OFFSET, MAGIC);
        return new CountersFile(file, mapped, true);
    }

    /**
     * Maps an existing counters file for reading.
     *
     * @throws IllegalStateException when the file is missing or not a counters file.
     */
    public static CountersFile open(final File directory)
    {
        final File file = new File(directory, FILE_NAME);
        if (!file.isFile())
        {
            throw new IllegalStateException("no counters file at " + file + " (is the daemon running with this --dir?)");
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, "counters");
        mapped.order(ByteOrder.LITTLE_ENDIAN);
        if (mapped.capacity() < HEADER_LENGTH || new UnsafeBuffer(mapped).getIntAcquire(MAGIC_OFFSET) != MAGIC)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException(file + " is not a vnic-signer counters file");
        }
        return new CountersFile(file, mapped, false);
    }

    /** A manager for the daemon, which allocates and updates counters; system counters come first. */
    public CountersManager newManager()
    {
        final CountersManager manager = new ConcurrentCountersManager(metadata, values, StandardCharsets.US_ASCII);
        SystemCounters.allocate(manager);
        return manager;
    }

    public CountersReader reader()
    {
        return new CountersReader(metadata, values);
    }

    public AtomicBuffer valuesBuffer()
    {
        return values;
    }

    public long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    public long startTimeMs()
    {
        return header.getLong(START_TIME_OFFSET);
    }

    public File file()
    {
        return file;
    }

    /** Unmaps the file; the daemon also deletes it so that no stale counters remain after a clean exit. */
    public void close()
    {
        IoUtil.unmap(mapped);
        if (owner)
        {
            IoUtil.deleteIfExists(file);
        }
    }
}
