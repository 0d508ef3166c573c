package io.vnicsigner.control.audit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import net.openhft.chronicle.queue.RollCycles;

/**
 * Retention of the daily audit cycles: keeps today's file and those of the {@code retentionDays} days before it
 * (UTC), deletes older ones. 0 keeps everything. Cycle files are named by the roll cycle's date format.
 */
public final class AuditRetention
{
    static final String SUFFIX = ".cq4";
    private static final DateTimeFormatter CYCLE_NAME =
        DateTimeFormatter.ofPattern(RollCycles.FAST_DAILY.format()).withZone(ZoneOffset.UTC);

    private AuditRetention()
    {
    }

    /** The file names among {@code names} that fall out of retention at {@code nowMs}; pure. */
    public static List<String> expired(final List<String> names, final long nowMs, final int retentionDays)
    {
        final List<String> expired = new ArrayList<>();
        if (retentionDays <= 0)
        {
            return expired;
        }
        final LocalDate oldestKept = LocalDate.ofEpochDay(Math.floorDiv(nowMs, 86_400_000L) - retentionDays);
        for (final String name : names)
        {
            final LocalDate day = cycleDay(name);
            if (day != null && day.isBefore(oldestKept))
            {
                expired.add(name);
            }
        }
        return expired;
    }

    /** The UTC day of a cycle file, or null when the name is not one. */
    static LocalDate cycleDay(final String name)
    {
        if (!name.endsWith(SUFFIX))
        {
            return null;
        }
        try
        {
            return LocalDate.parse(name.substring(0, name.length() - SUFFIX.length()), CYCLE_NAME);
        }
        catch (final DateTimeParseException e)
        {
            return null;
        }
    }

    /**
     * Deletes the expired cycle files in {@code dir}.
     *
     * @return the names deleted.
     */
    public static List<String> apply(final Path dir, final long nowMs, final int retentionDays) throws IOException
    {
        final List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return names;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX))
        {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        final List<String> expired = expired(names, nowMs, retentionDays);
        for (final String name : expired)
        {
            Files.deleteIfExists(dir.resolve(name));
        }
        return expired;
    }
}
