package io.vnicsigner.control.config;

import io.vnicsigner.dataplane.sign.SignedRequests;

/**
 * One guest instance and the port it is bound to.
 *
 * @param mac      48-bit MAC, see {@link io.vnicsigner.dataplane.frame.MacAddress}.
 * @param ip       IPv4 address as an int.
 * @param hopLimit IP TTL of the packets the signing IP sends to this guest.
 * @param faults   fault injection on this guest's port, or null.
 * @param imageDigest normalised {@code sha256:<hex>} of the guest's image, all zeros when the config gives none.
 * @param signedRequests what happens to requests the guest signed itself (default reject); will move into the
 *                       instance's named policy.
 * @param tokensRequired whether every signed request needs a session token ({@code tokens: required}).
 */
public record InstanceConfig(
    String id, String tenant, long mac, int ip, String port, int hopLimit, Faults faults, String imageDigest,
    SignedRequests signedRequests, boolean tokensRequired)
{
    /**
     * Damage injected into the guest port's traffic (both directions) from a seeded RNG, for loss and reordering
     * tests; null for none.
     */
    public record Faults(long seed, double drop, double duplicate, double reorder)
    {
    }
}
