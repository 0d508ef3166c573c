package io.vnicsigner.dataplane.tcp;

/**
 * TCP header flag bits as they appear in the low byte of the flags field (URG, ECE and CWR are ignored).
 */
public final class TcpFlags
{
    public static final int FIN = 1;
    public static final int SYN = 2;
    public static final int RST = 4;
    public static final int PSH = 8;
    public static final int ACK = 16;

    private TcpFlags()
    {
    }
}
