package io.vnicsigner.dataplane.frame;

/**
 * Reason codes returned by the flyweights' {@code validate} methods; the values are stable so they
 * can index counters.
 */
public final class FrameError
{
    public static final int OK = 0;
    public static final int TRUNCATED = 1;
    public static final int ARP_UNSUPPORTED_HARDWARE = 2;
    public static final int ARP_UNSUPPORTED_PROTOCOL = 3;
    public static final int ARP_BAD_OPERATION = 4;
    public static final int IPV4_BAD_VERSION = 5;
    public static final int IPV4_BAD_HEADER_LENGTH = 6;
    public static final int IPV4_BAD_TOTAL_LENGTH = 7;
    public static final int IPV4_BAD_CHECKSUM = 8;
    public static final int ICMP_BAD_CHECKSUM = 9;
    public static final int UDP_BAD_LENGTH = 10;
    public static final int UDP_BAD_CHECKSUM = 11;
    public static final int TCP_BAD_DATA_OFFSET = 12;
    public static final int TCP_BAD_CHECKSUM = 13;
    public static final int TCP_BAD_OPTIONS = 14;

    /**
     * One more than the largest code, for sizing arrays indexed by code.
     */
    public static final int CODE_COUNT = 15;

    private FrameError()
    {
    }

    /**
     * A short constant description of a code, for logs and counter labels.
     *
     * @param code returned by a {@code validate} method.
     * @return the description, or {@code "unknown frame error"} for a code not listed here.
     */
    public static String describe(final int code)
    {
        return switch (code)
        {
            case OK -> "ok";
            case TRUNCATED -> "truncated";
            case ARP_UNSUPPORTED_HARDWARE -> "arp: hardware type/length is not Ethernet";
            case ARP_UNSUPPORTED_PROTOCOL -> "arp: protocol type/length is not IPv4";
            case ARP_BAD_OPERATION -> "arp: operation is neither request nor reply";
            case IPV4_BAD_VERSION -> "ipv4: version is not 4";
            case IPV4_BAD_HEADER_LENGTH -> "ipv4: header length below 20 bytes";
            case IPV4_BAD_TOTAL_LENGTH -> "ipv4: total length outside header length..available bytes";
            case IPV4_BAD_CHECKSUM -> "ipv4: bad header checksum";
            case ICMP_BAD_CHECKSUM -> "icmp: bad checksum";
            case UDP_BAD_LENGTH -> "udp: length outside 8..available bytes";
            case UDP_BAD_CHECKSUM -> "udp: bad checksum";
            case TCP_BAD_DATA_OFFSET -> "tcp: data offset below 5 words or beyond the segment";
            case TCP_BAD_CHECKSUM -> "tcp: bad checksum";
            case TCP_BAD_OPTIONS -> "tcp: malformed options";
            default -> "unknown frame error";
        };
    }
}
