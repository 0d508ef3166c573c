package io.vnicsigner.control.audit;

import java.time.Instant;

/**
 * One intercepted request as the CLI shows it: the request record joined with its outcome. A refused request has
 * its status from the start; a forwarded one has {@code status} and the byte counts from its outcome, or
 * {@code completed == false} while the outcome is not there (in flight, or the daemon died first).
 */
public record AuditRecord(
    long index, long timeNs, String instance, String tenant, String identity, String method, String host, String path,
    String route, String decision, String reason, int status, boolean completed, long bytesUp, long bytesDown,
    long latencyNs)
{
    AuditRecord withOutcome(final int status, final long bytesUp, final long bytesDown, final long latencyNs)
    {
        return new AuditRecord(index, timeNs, instance, tenant, identity, method, host, path, route, decision, reason,
            status, true, bytesUp, bytesDown, latencyNs);
    }

    /** One JSON object on one line (JSON Lines). */
    public String toJson()
    {
        final StringBuilder sb = new StringBuilder(256);
        sb.append("{\"id\":").append(index);
        field(sb, "time", Instant.ofEpochSecond(0, timeNs).toString());
        field(sb, "instance", instance);
        field(sb, "tenant", tenant);
        field(sb, "identity", identity);
        field(sb, "method", method);
        field(sb, "host", host);
        field(sb, "path", path);
        field(sb, "route", route);
        field(sb, "decision", decision);
        field(sb, "reason", reason);
        sb.append(",\"status\":").append(status);
        sb.append(",\"completed\":").append(completed);
        sb.append(",\"bytesUp\":").append(bytesUp);
        sb.append(",\"bytesDown\":").append(bytesDown);
        sb.append(",\"latencyMs\":").append(latencyNs / 1_000_000.0);
        return sb.append('}').toString();
    }

    private static void field(final StringBuilder sb, final String name, final String value)
    {
        sb.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default ->
                {
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
