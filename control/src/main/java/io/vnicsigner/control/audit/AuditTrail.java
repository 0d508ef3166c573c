package io.vnicsigner.control.audit;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import io.vnicsigner.control.policy.PolicyTable;
import io.vnicsigner.control.throttle.Throttle;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.sign.AuditHook;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The audit hook on a Chronicle Queue that rolls daily (UTC). Each intercepted request gets a request record, and a
 * forwarded one is appended before it goes upstream; its outcome follows as a second record that refers to the
 * first by index. Records hold the method, Host and path (never the query or any other header), so no credential
 * can reach them. Writes reuse one appender and one text buffer; called on the one agent thread that signs.
 */
public final class AuditTrail implements AuditHook, AutoCloseable
{
    /** Longest host or path kept in a record; longer values are cut (a request line may be 8 KiB). */
    public static final int MAX_TEXT = 2048;

    private final SingleChronicleQueue queue;
    private final String[] routeLabels;
    private final PolicyTable policy;
    private final Throttle throttle;
    private final StringBuilder text = new StringBuilder(MAX_TEXT);
    private final AtomicLong appendFailures = new AtomicLong();
    private volatile Throwable lastFailure;
    private AtomicCounter outcomesLost;
    private ExcerptAppender appender;

    /**
     * @param routeLabels a label per route index, written as the record's route.
     * @param policy      whose last reason a policy refusal or an admission records; null for none.
     * @param throttle    whose last reason a 429 records; null for none.
     */
    public AuditTrail(
        final SingleChronicleQueue queue, final String[] routeLabels, final PolicyTable policy, final Throttle throttle)
    {
        this.queue = queue;
        this.routeLabels = routeLabels.clone();
        this.policy = policy;
        this.throttle = throttle;
    }

    /**
     * Where lost outcome records are counted, for operators (a lost request record refuses the request, which the
     * dataplane counts); set before the dataplane starts.
     */
    public AuditTrail outcomesLostCounter(final AtomicCounter counter)
    {
        this.outcomesLost = counter;
        return this;
    }

    /** Opens (or creates) the queue in {@code dir}, rolling daily by {@code time}. */
    public static SingleChronicleQueue openQueue(final Path dir, final TimeProvider time, final boolean readOnly)
    {
        return SingleChronicleQueueBuilder.binary(dir.toFile())
            .rollCycle(RollCycles.FAST_DAILY)
            .timeProvider(time)
            .readOnly(readOnly)
            .build();
    }

    public static SingleChronicleQueue openQueue(final Path dir)
    {
        return openQueue(dir, SystemTimeProvider.INSTANCE, false);
    }

    public long onRequest(
        final SigningIdentity instance, final HttpRequest request, final int routeIndex, final int status,
        final String reason, final long nowNs)
    {
        try
        {
            final ExcerptAppender appender = appender();
            try (DocumentContext dc = appender.writingDocument())
            {
                try
                {
                    writeRequest(dc.wire(), instance, request, routeIndex, status, reason, nowNs);
                }
                catch (final RuntimeException | Error e)
                {
                    dc.rollbackOnClose();
                    throw e;
                }
            }
            return appender.lastIndexAppended();
        }
        catch (final RuntimeException | InternalError e)
        {
            // InternalError: a fault on the mapped file (the disk filled up under the mapping).
            fail(e);
            return NOT_RECORDED;
        }
    }

    public void onComplete(
        final long recordId, final int status, final long bytesUp, final long bytesDown, final long latencyNs)
    {
        try
        {
            try (DocumentContext dc = appender().writingDocument())
            {
                final Wire wire = dc.wire();
                wire.write(AuditFields.KIND).text(AuditFields.KIND_OUTCOME);
                wire.write(AuditFields.REF).int64(recordId);
                wire.write(AuditFields.STATUS).int32(status);
                wire.write(AuditFields.BYTES_UP).int64(bytesUp);
                wire.write(AuditFields.BYTES_DOWN).int64(bytesDown);
                wire.write(AuditFields.LATENCY_NS).int64(latencyNs);
            }
        }
        catch (final RuntimeException | InternalError e)
        {
            fail(e);
            if (outcomesLost != null)
            {
                outcomesLost.incrementRelease();
            }
        }
    }

    private void writeRequest(
        final Wire wire, final SigningIdentity instance, final HttpRequest request, final int routeIndex,
        final int status, final String reason, final long nowNs)
    {
        final boolean forwarded = status == 0;
        final DirectBuffer buffer = request.buffer();
        wire.write(AuditFields.KIND).text(AuditFields.KIND_REQUEST);
        wire.write(AuditFields.TIME_NS).int64(nowNs);
        wire.write(AuditFields.INSTANCE).text(instance == null ? AuditFields.NONE : instance.instanceId());
        wire.write(AuditFields.TENANT).text(instance == null ? AuditFields.NONE : instance.tenant());
        wire.write(AuditFields.IDENTITY).text(instance == null ? AuditFields.NONE : instance.identityHeaders().identity());
        wire.write(AuditFields.METHOD).text(ascii(buffer, request.methodOffset(), request.methodLength()));
        final int hostIndex = request.hostIndex();
        if (request.isAbsoluteForm())
        {
            wire.write(AuditFields.HOST).text(ascii(buffer, request.authorityOffset(), request.authorityLength()));
        }
        else if (hostIndex >= 0)
        {
            wire.write(AuditFields.HOST).text(
                ascii(buffer, request.headerValueOffset(hostIndex), request.headerValueLength(hostIndex)));
        }
        else
        {
            wire.write(AuditFields.HOST).text(AuditFields.NONE);
        }
        wire.write(AuditFields.PATH).text(request.pathLength() == 0 ? "/" :
            ascii(buffer, request.pathOffset(), request.pathLength()));
        wire.write(AuditFields.ROUTE).text(routeIndex >= 0 && routeIndex < routeLabels.length ?
            routeLabels[routeIndex] : AuditFields.NONE);
        wire.write(AuditFields.DECISION).text(forwarded ? AuditFields.ALLOW : AuditFields.DENY);
        wire.write(AuditFields.REASON).text(reasonOf(forwarded, reason));
        wire.write(AuditFields.STATUS).int32(status);
    }

    /** The dataplane passes constants; the policy's and throttle's own reasons say more, so they replace them. */
    private String reasonOf(final boolean forwarded, final String reason)
    {
        if (forwarded)
        {
            return policy != null && policy.lastReason() != null ? policy.lastReason() : PolicyTable.NO_POLICY;
        }
        if ("policy".equals(reason) && policy != null && policy.lastReason() != null)
        {
            return policy.lastReason();
        }
        if ("throttled".equals(reason) && throttle != null && throttle.lastReason() != null)
        {
            return throttle.lastReason();
        }
        return reason == null ? AuditFields.NONE : reason;
    }

    private CharSequence ascii(final DirectBuffer buffer, final int offset, final int length)
    {
        final StringBuilder sb = text;
        sb.setLength(0);
        final int n = Math.min(length, MAX_TEXT);
        for (int i = 0; i < n; i++)
        {
            sb.append((char)(buffer.getByte(offset + i) & 0xFF));
        }
        return sb;
    }

    private ExcerptAppender appender()
    {
        if (appender == null)
        {
            appender = queue.createAppender();
        }
        return appender;
    }

    private void fail(final Throwable e)
    {
        appendFailures.incrementAndGet();
        lastFailure = e;
    }

    /** Appends that failed (a refused request or a lost outcome each); safe from any thread. */
    public long appendFailures()
    {
        return appendFailures.get();
    }

    /** The last append failure, for the daemon's error report; null when none. */
    public Throwable lastFailure()
    {
        return lastFailure;
    }

    public File dir()
    {
        return queue.file();
    }

    public SingleChronicleQueue queue()
    {
        return queue;
    }

    public void close()
    {
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
    }
}
