package io.vnicsigner.control.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;

/**
 * Reads an audit queue from its start and joins each forwarded request with its outcome. Refused requests come out
 * at once; forwarded ones when their outcome is read, or from {@link #drainPending} (never completed). Opens the
 * queue read-only, so it can run beside the daemon and needs no write access.
 */
public final class AuditReader implements AutoCloseable
{
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final Map<Long, AuditRecord> pending = new LinkedHashMap<>();

    public AuditReader(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            throw new IllegalArgumentException("no audit queue at " + dir);
        }
        queue = AuditTrail.openQueue(dir, SystemTimeProvider.INSTANCE, true);
        tailer = queue.createTailer();
        // Retention may have deleted the first cycles after the queue's own listing was written: start at the
        // oldest cycle file that is there.
        final long first = firstCycle(dir);
        if (first >= 0)
        {
            tailer.moveToCycle((int)first);
        }
    }

    /** The oldest daily cycle present (days since the epoch, which is how the daily roll numbers them), or -1. */
    private static long firstCycle(final Path dir)
    {
        long first = -1;
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + AuditRetention.SUFFIX))
        {
            for (final Path file : files)
            {
                final java.time.LocalDate day = AuditRetention.cycleDay(file.getFileName().toString());
                if (day != null && (first < 0 || day.toEpochDay() < first))
                {
                    first = day.toEpochDay();
                }
            }
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
        return first;
    }

    /**
     * Reads every document there is now.
     *
     * @return the documents read.
     */
    public int poll(final Consumer<AuditRecord> sink)
    {
        int read = 0;
        while (true)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return read;
                }
                read++;
                if (!dc.isData())
                {
                    continue;
                }
                final Wire wire = dc.wire();
                final String kind = wire.read(AuditFields.KIND).text();
                if (AuditFields.KIND_REQUEST.equals(kind))
                {
                    final AuditRecord record = new AuditRecord(dc.index(),
                        wire.read(AuditFields.TIME_NS).int64(),
                        wire.read(AuditFields.INSTANCE).text(),
                        wire.read(AuditFields.TENANT).text(),
                        wire.read(AuditFields.IDENTITY).text(),
                        wire.read(AuditFields.METHOD).text(),
                        wire.read(AuditFields.HOST).text(),
                        wire.read(AuditFields.PATH).text(),
                        wire.read(AuditFields.ROUTE).text(),
                        wire.read(AuditFields.DECISION).text(),
                        wire.read(AuditFields.REASON).text(),
                        0, false, 0, 0, 0);
                    final int status = wire.read(AuditFields.STATUS).int32();
                    if (status == 0)
                    {
                        pending.put(record.index(), record);
                    }
                    else
                    {
                        sink.accept(record.withOutcome(status, 0, 0, 0));
                    }
                }
                else if (AuditFields.KIND_OUTCOME.equals(kind))
                {
                    final long ref = wire.read(AuditFields.REF).int64();
                    final int status = wire.read(AuditFields.STATUS).int32();
                    final long up = wire.read(AuditFields.BYTES_UP).int64();
                    final long down = wire.read(AuditFields.BYTES_DOWN).int64();
                    final long latencyNs = wire.read(AuditFields.LATENCY_NS).int64();
                    final AuditRecord request = pending.remove(ref);
                    if (request != null)
                    {
                        sink.accept(request.withOutcome(status, up, down, latencyNs));
                    }
                }
            }
        }
    }

    /** Gives out the forwarded requests whose outcome has not been read, oldest first, and forgets them. */
    public void drainPending(final Consumer<AuditRecord> sink)
    {
        pending.values().forEach(sink);
        pending.clear();
    }

    public void close()
    {
        queue.close();
    }
}
