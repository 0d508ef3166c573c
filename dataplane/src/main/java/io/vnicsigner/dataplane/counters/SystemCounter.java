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
    TCP_RST_SENT(20, "TCP resets sent by the signing IP"),
    TCP_SEGMENTS_OUT(21, "TCP segments sent by the signing IP"),
    TCP_CONNECTIONS_ACCEPTED(22, "TCP connections to the signing IP established"),
    TCP_CONNECTIONS_RESET(23, "TCP connections reset or given up (retransmission limit, RST from the guest)"),
    TCP_REJECTED_HOST_LIMIT(24, "TCP SYNs refused with RST: connections on the host at their limit"),
    TCP_REJECTED_INSTANCE_LIMIT(25, "TCP SYNs refused with RST: the instance's connections at their limit"),
    TCP_REJECTED_HALF_OPEN_LIMIT(26, "TCP SYNs refused with RST: half-open table full and SYN cookies off"),
    TCP_SYN_COOKIES_SENT(27, "TCP SYN cookies sent: half-open table full"),
    TCP_SYN_COOKIES_INVALID(28, "TCP ACKs dropped: not a valid SYN cookie"),
    TCP_OUT_OF_WINDOW(29, "TCP segments outside the receive window (answered with an ACK)"),
    TCP_OUT_OF_ORDER_DROPPED(30, "TCP out-of-order segments dropped: reassembly intervals full"),
    TCP_NO_RECEIVE_BUFFER(31, "TCP segments dropped: receive buffer pool exhausted"),
    TCP_IDLE_TIMEOUTS(32, "TCP connections closed after the idle keep-alive timeout"),
    TCP_TO_UNKNOWN_GUEST(33, "TCP segments the endpoint sent to an IP no guest has (dropped)"),
    HTTP_REQUESTS(34, "HTTP requests received at the signing IP"),
    HTTP_RESPONSES_2XX(35, "HTTP responses 2xx from the signing IP"),
    HTTP_RESPONSES_404(36, "HTTP responses 404: no route"),
    HTTP_RESPONSES_400(37, "HTTP responses 400: malformed request (connection closed)"),
    HTTP_RESPONSES_413(38, "HTTP responses 413: body too large"),
    HTTP_RESPONSES_414_431(39, "HTTP responses 414/431: request line or headers too large"),
    HTTP_RESPONSES_501_505(40, "HTTP responses 501/505: unsupported transfer coding or version"),
    HTTP_HEADER_TIMEOUTS(41, "HTTP connections reset: request head not complete within the header-read timeout"),
    HTTP_SESSIONS_EXHAUSTED(42, "HTTP requests that waited for a free parser (session pool empty)"),
    HTTP_RESPONSE_OVERFLOWS(43, "HTTP connections reset: a response did not fit the send buffer"),
    SIGNED_REQUESTS(44, "Guest requests signed with the tenant's credentials and forwarded upstream"),
    SIGNING_REJECTED(45, "Guest requests refused before signing (x-vnic-* header, already signed, no credentials)"),
    UPSTREAM_FAILURES(46, "Upstream exchanges failed (guest answered 502/504 or reset)"),
    POLICY_DENIED(47, "Guest requests refused by the instance's policy"),
    THROTTLED(48, "Guest requests refused with 429 by the throttle"),
    AUDIT_FAILURES(49, "Guest requests refused with 503 because their audit record could not be appended"),
    PAYLOADS_HASHED(50, "Request bodies held and signed with their SHA-256 (x-amz-content-sha256)"),
    PAYLOADS_UNSIGNED(51, "Request bodies signed as UNSIGNED-PAYLOAD (streamed, or held only to be de-chunked)"),
    BODY_POOL_FALLBACKS(52, "payload: auto bodies streamed as UNSIGNED-PAYLOAD because the body pool was exhausted"),
    BODY_POOL_EXHAUSTED(53, "Guest requests refused with 503: body pool exhausted (payload: hash, or chunked)"),
    BODY_TOO_LARGE(54, "Signed requests refused with 413: held body above the buffered-body limit"),
    FORWARDED_FOR_REFUSED(55, "Guest requests refused with 403 because they carried X-Forwarded-For"),
    SIGNED_REQUESTS_PASSED(56, "Guest-signed requests forwarded as they are (signedRequests: pass)"),
    SIGNED_REQUESTS_ENRICHED(57, "Guest-signed requests forwarded with a countersignature (signedRequests: enrich)"),
    INTERCEPT_RING_FULL(60, "TCP frames to the signing IP dropped: the ring to the interceptor was full (guest retransmits)"),
    PORT_TX_RING_FULL(61, "TCP frames from the signing IP dropped: the ring back to the ports was full (retransmitted)"),
    UPSTREAM_SLOTS_EXHAUSTED(62, "Guest requests refused with 503: every upstream connection slot was in use"),
    TOKEN_REJECTED(90, "Guest requests refused with 401: session token missing, expired, forged or another instance's"),
    LOCAL_REFUSED(91, "Token and identity requests refused (X-Forwarded-For, bad TTL, no identity)");

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
