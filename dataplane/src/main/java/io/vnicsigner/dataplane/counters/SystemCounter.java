package io.vnicsigner.dataplane.counters;

/**
 * Host-wide counters with stable ids, allocated first in the counters file so that their ids never change.
 * Per-port counters follow them.
 */
public enum SystemCounter
{
    ERRORS(0, "Errors reported to the error handler"),
    INVALID_FRAMES(1, "Frames dropped: shorter than an Ethernet header"),
    OVERSIZE_FRAMES(2, "Frames dropped: longer than a frame slot"),
    SPOOFED_SRC_MAC(3, "Frames dropped: guest source MAC is not the instance's"),
    SPOOFED_SRC_IP(4, "Frames dropped: guest IPv4 source is not the instance's"),
    SPOOFED_ARP(5, "Frames dropped: guest ARP sender MAC or IP is not the instance's"),
    INVALID_ARP(6, "Frames dropped: malformed or non-Ethernet/IPv4 ARP from a guest"),
    INVALID_IPV4(7, "Frames dropped: malformed IPv4 header from a guest"),
    UPLINK_UNKNOWN_DESTINATION(8, "Frames dropped: uplink unicast to a MAC that no guest has"),
    TX_DROPS(9, "Frames dropped: a port refused to send (device down, queue full)"),
    VLAN_PASSED(10, "802.1Q/802.1ad-tagged frames from guests passed to the uplink uninspected"),
    SIGNING_IP_ARP_REPLIES(11, "ARP requests for the signing IP answered"),
    SIGNING_IP_ARP_DROPPED(12, "ARP frames about the signing IP dropped (not a request)"),
    SIGNING_IP_ICMP_ECHO_REPLIES(13, "ICMP echo requests to the signing IP answered"),
    SIGNING_IP_ICMP_DROPPED(14, "ICMP to the signing IP dropped: not an echo request, or bad checksum"),
    SIGNING_IP_FRAGMENTS(15, "IPv4 fragments to the signing IP dropped (unsupported)"),
    SIGNING_IP_UNSUPPORTED_PROTOCOL(16, "IPv4 to the signing IP dropped: neither ICMP nor TCP"),
    SIGNING_IP_BAD_CHECKSUM(17, "IPv4 to the signing IP dropped: bad IPv4 header checksum"),
    TCP_SEGMENTS_IN(18, "TCP segments to the signing IP received"),
    TCP_INVALID_SEGMENTS(19, "TCP segments to the signing IP dropped: malformed or bad checksum"),
    TCP_RST_SENT(20, "TCP resets sent by the signing IP");

    private final int id;
    private final String label;

    SystemCounter(final int id, final String description)
    {
        this.id = id;
        this.label = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": " + description;
    }

    public int id()
    {
        return id;
    }

    /** {@code kebab-name: description}, as {@code vnic-signer stats} prints it. */
    public String label()
    {
        return label;
    }
}
