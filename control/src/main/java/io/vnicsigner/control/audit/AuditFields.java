package io.vnicsigner.control.audit;

/**
 * Field names of the audit records on the queue. A request record is appended before the request is forwarded;
 * a forwarded request gets an outcome record later, joined to it by {@link #REF} (the request record's index).
 */
final class AuditFields
{
    static final String KIND = "kind";
    static final String KIND_REQUEST = "request";
    static final String KIND_OUTCOME = "outcome";
    static final String TIME_NS = "timeNs";
    static final String INSTANCE = "instance";
    static final String TENANT = "tenant";
    static final String IDENTITY = "identity";
    static final String METHOD = "method";
    static final String HOST = "host";
    static final String PATH = "path";
    static final String ROUTE = "route";
    static final String DECISION = "decision";
    static final String REASON = "reason";
    static final String STATUS = "status";
    static final String REF = "ref";
    static final String BYTES_UP = "bytesUp";
    static final String BYTES_DOWN = "bytesDown";
    static final String LATENCY_NS = "latencyNs";

    static final String ALLOW = "allow";
    static final String DENY = "deny";
    static final String NONE = "-";

    private AuditFields()
    {
    }
}
