package io.vnicsigner.control.config;

import java.nio.file.Path;

/**
 * Where the audit trail's Chronicle Queue lives and how many days of it are kept (0 keeps everything).
 */
public record AuditConfig(Path dir, int retentionDays)
{
}
