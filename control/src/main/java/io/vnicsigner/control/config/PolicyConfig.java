package io.vnicsigner.control.config;

import java.util.List;
import java.util.Set;

/**
 * A named policy: the requests its {@code allow} rules let through (everything else is denied), the request forms
 * it accepts, and the largest body it lets through ({@code maxBody}, -1 for no limit).
 */
public record PolicyConfig(String name, List<Rule> allow, boolean originForm, boolean absoluteForm, long maxBody)
{
    /**
     * @param methods upper-case method names; empty means any method.
     * @param host    host glob ({@code *} within a label, {@code **} across labels), null for any host.
     * @param path    path glob ({@code *} within a segment, {@code **} across segments), null for any path.
     */
    public record Rule(Set<String> methods, String host, String path)
    {
    }
}
