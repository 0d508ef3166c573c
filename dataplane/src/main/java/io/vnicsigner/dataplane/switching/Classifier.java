package io.vnicsigner.dataplane.switching;

import java.nio.ByteOrder;

import io.vnicsigner.dataplane.frame.EthernetFlyweight;
import org.agrona.DirectBuffer;

/**
 * The cheap pre-check that picks intercept candidates: it reads only the ethertype and the ARP target or IPv4
 * destination, so it never misses a frame for the signing IP and costs a few loads for every other frame.
 * <p>
 * Tagged (802.1Q/802.1ad) frames are never candidates: the dataplane does not look inside VLAN tags.
 */
public final class Classifier
{
    public static final int PASS = 0;
    public static final int ARP_FOR_SIGNING_IP = 1;
    public static final int IPV4_FOR_SIGNING_IP = 2;

    private static final int ETHERTYPE_OFFSET = 12;
    private static final int ARP_TARGET_IP_OFFSET = EthernetFlyweight.HEADER_LENGTH + 24;
    private static final int IPV4_DESTINATION_OFFSET = EthernetFlyweight.HEADER_LENGTH + 16;

    private Classifier()
    {
    }

    public static int classify(final DirectBuffer buffer, final int offset, final int length, final int signingIp)
    {
        if (length < EthernetFlyweight.HEADER_LENGTH + 2)
        {
            return PASS;
        }
        final int etherType = buffer.getShort(offset + ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (etherType == EthernetFlyweight.ETHERTYPE_ARP && length >= ARP_TARGET_IP_OFFSET + 4)
        {
            return buffer.getInt(offset + ARP_TARGET_IP_OFFSET, ByteOrder.BIG_ENDIAN) == signingIp ?
                ARP_FOR_SIGNING_IP : PASS;
        }
        if (etherType == EthernetFlyweight.ETHERTYPE_IPV4 && length >= IPV4_DESTINATION_OFFSET + 4)
        {
            return buffer.getInt(offset + IPV4_DESTINATION_OFFSET, ByteOrder.BIG_ENDIAN) == signingIp ?
                IPV4_FOR_SIGNING_IP : PASS;
        }
        return PASS;
    }
}
