package io.vnicsigner.dataplane.counters;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Latencies of the signing path's stages in HdrHistogram {@link SingleWriterRecorder}s: the interceptor agent
 * records (wait-free, no allocation), and one other thread takes interval histograms off the hot path to publish
 * them ({@link LatencySnapshots}).
 * <ul>
 *   <li>{@code sign}: building the signed head, timed with {@link System#nanoTime()} around the signer.</li>
 *   <li>{@code upstream}: from the exchange's start (request signed, connection taken or opened) to the provider's
 *   response head.</li>
 *   <li>{@code end-to-end}: from the complete request head to the last response byte handed to the guest's TCP
 *   connection.</li>
 * </ul>
 * Values are nanoseconds, 2 significant digits, clamped to 10 minutes.
 */
public final class StageLatencies
{
    public static final int SIGN = 0;
    public static final int UPSTREAM = 1;
    public static final int END_TO_END = 2;
    public static final int STAGES = 3;

    private static final String[] NAMES = {"sign", "upstream", "end-to-end"};
    static final long HIGHEST_NS = TimeUnit.MINUTES.toNanos(10);
    static final int DIGITS = 2;

    /** Records nothing; the default for sessions that nobody publishes. */
    public static final StageLatencies NONE = new StageLatencies(false);

    private final SingleWriterRecorder[] recorders = new SingleWriterRecorder[STAGES];
    private final boolean enabled;
    private long signStartNs;

    public StageLatencies()
    {
        this(true);
    }

    private StageLatencies(final boolean enabled)
    {
        this.enabled = enabled;
        for (int i = 0; i < STAGES; i++)
        {
            recorders[i] = enabled ? new SingleWriterRecorder(1, HIGHEST_NS, DIGITS) : null;
        }
    }

    public static String name(final int stage)
    {
        return NAMES[stage];
    }

    /** Marks the start of a signing; {@link #signEnd()} records it. */
    public void signStart()
    {
        if (enabled)
        {
            signStartNs = System.nanoTime();
        }
    }

    public void signEnd()
    {
        if (enabled)
        {
            record(SIGN, System.nanoTime() - signStartNs);
        }
    }

    public void recordUpstream(final long ns)
    {
        record(UPSTREAM, ns);
    }

    public void recordEndToEnd(final long ns)
    {
        record(END_TO_END, ns);
    }

    public void record(final int stage, final long ns)
    {
        if (enabled)
        {
            recorders[stage].recordValue(Math.max(0, Math.min(ns, HIGHEST_NS)));
        }
    }

    /**
     * The values recorded since the last call, for the one publishing thread; {@code recycle} is the histogram the
     * previous call returned (or null).
     */
    public Histogram interval(final int stage, final Histogram recycle)
    {
        return recorders[stage].getIntervalHistogram(recycle);
    }

    public boolean enabled()
    {
        return enabled;
    }
}
