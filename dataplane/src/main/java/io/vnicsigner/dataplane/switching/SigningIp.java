package io.vnicsigner.dataplane.switching;

import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.MacAddress;

/**
 * The reserved link-local address the dataplane answers for, and the locally administered MAC it answers with.
 */
public record SigningIp(int ip, long mac)
{
    public static final String DEFAULT_IP = "169.254.169.250";
    public static final String DEFAULT_MAC = "02:76:6e:69:63:01";

    public static SigningIp defaults()
    {
        return new SigningIp(Ipv4Address.parse(DEFAULT_IP), MacAddress.parse(DEFAULT_MAC));
    }

    @Override
    public String toString()
    {
        return Ipv4Address.format(ip) + " at " + MacAddress.format(mac);
    }
}
