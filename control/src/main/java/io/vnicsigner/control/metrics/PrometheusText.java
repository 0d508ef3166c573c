package io.vnicsigner.control.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vnicsigner.dataplane.counters.CounterTypes;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.status.CountersReader;

/**
 * Renders the counters file in the Prometheus text format (version 0.0.4). Each system counter is one counter
 * family, {@code vnic_signer_<name>_total}, with its description as help text. The per-port counters make families
 * such as {@code vnic_signer_port_rx_frames_total}, with the port spec as the {@code port} label. Reserved ids are
 * left out. The stage latencies come as a summary ({@link #renderLatencies}).
 */
public final class PrometheusText
{
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PREFIX = "vnic_signer_";
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    private PrometheusText()
    {
    }

    public static String render(final CountersReader reader)
    {
        final StringBuilder system = new StringBuilder(8192);
        final Map<String, StringBuilder> portFamilies = new LinkedHashMap<>();
        reader.forEach((id, type, key, label) ->
        {
            final long value = reader.getCounterValue(id);
            if (type == CounterTypes.SYSTEM)
            {
                final int colon = label.indexOf(':');
                final String name = PREFIX + metricName(colon < 0 ? label : label.substring(0, colon)) + "_total";
                system.append("# HELP ").append(name).append(' ')
                    .append(help(colon < 0 ? label : label.substring(colon + 1).strip())).append('\n')
                    .append("# TYPE ").append(name).append(" counter\n")
                    .append(name).append(' ').append(value).append('\n');
            }
            else if (type >= CounterTypes.PORT_RX_FRAMES && type <= CounterTypes.PORT_RX_ERRORS &&
                label.startsWith("port "))
            {
                final int space = label.lastIndexOf(' ');
                final String port = label.substring("port ".length(), space);
                final String name = PREFIX + "port_" + metricName(label.substring(space + 1)) + "_total";
                portFamilies.computeIfAbsent(name, n -> new StringBuilder()
                    .append("# TYPE ").append(n).append(" counter\n"))
                    .append(name).append("{port=\"").append(labelValue(port)).append("\"} ").append(value).append('\n');
            }
        });
        portFamilies.values().forEach(system::append);
        return system.toString();
    }

    /**
     * The stage latencies the daemon publishes ({@code latency.hgrm}) as one summary family,
     * {@code vnic_signer_latency_seconds{stage="sign|upstream|end-to-end",quantile=...}}, with {@code _sum} and
     * {@code _count}. The histograms are cumulative since the daemon started, as a summary's are.
     */
    public static String renderLatencies(final Map<String, Histogram> stages)
    {
        if (stages.isEmpty())
        {
            return "";
        }
        final String name = PREFIX + "latency_seconds";
        final StringBuilder text = new StringBuilder(1024)
            .append("# HELP ").append(name).append(" Time per stage: sign, upstream (signed to response head), ")
            .append("end-to-end (forwarded to last response byte)\n")
            .append("# TYPE ").append(name).append(" summary\n");
        stages.forEach((stage, histogram) ->
        {
            final String label = labelValue(stage);
            for (final double quantile : QUANTILES)
            {
                text.append(name).append("{stage=\"").append(label).append("\",quantile=\"").append(quantile)
                    .append("\"} ").append(seconds(histogram.getValueAtPercentile(quantile * 100))).append('\n');
            }
            text.append(name).append("_sum{stage=\"").append(label).append("\"} ")
                .append(seconds(histogram.getMean() * histogram.getTotalCount())).append('\n')
                .append(name).append("_count{stage=\"").append(label).append("\"} ")
                .append(histogram.getTotalCount()).append('\n');
        });
        return text.toString();
    }

    private static String seconds(final double nanos)
    {
        return Double.toString(nanos / 1e9);
    }

    /** {@code rx-frames} → {@code rx_frames}; anything outside {@code [a-z0-9_]} becomes {@code _}. */
    static String metricName(final String text)
    {
        final StringBuilder name = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = Character.toLowerCase(text.charAt(i));
            name.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return name.toString();
    }

    private static String help(final String text)
    {
        return text.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String labelValue(final String text)
    {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
