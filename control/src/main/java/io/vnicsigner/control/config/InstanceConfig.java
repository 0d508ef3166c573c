package io.vnicsigner.control.config;

/**
 * One guest instance and the port it is bound to.
 *
 * @param mac      48-bit MAC, see {@link io.vnicsigner.dataplane.frame.MacAddress}.
 * @param ip       IPv4 address as an int.
 * @param hopLimit IP TTL of the packets the signing IP sends to this guest.
 */
public record InstanceConfig(String id, String tenant, long mac, int ip, String port, int hopLimit)
{
}
