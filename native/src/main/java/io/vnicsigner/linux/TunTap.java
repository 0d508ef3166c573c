package io.vnicsigner.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Opens Linux TAP devices through {@code /dev/net/tun}.
 * <p>
 * The device is not persistent: it exists while its descriptor is open, so closing the port removes it. The
 * descriptor keeps working after the netdev is moved into another network namespace.
 */
public final class TunTap
{
    /** {@code _IOW('T', 202, int)}. */
    public static final long TUNSETIFF = 0x400454caL;
    public static final short IFF_TAP = 0x0002;
    public static final short IFF_NO_PI = 0x1000;
    /** Linux {@code IFNAMSIZ}, including the terminating NUL. */
    public static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;
    private static final int IFREQ_FLAGS_OFFSET = 16;

    private TunTap()
    {
    }

    /**
     * Creates (or attaches to) the TAP device {@code name} with {@code IFF_TAP | IFF_NO_PI}, non-blocking.
     *
     * @return the open descriptor.
     * @throws LinuxException when the device cannot be opened or configured; the descriptor is closed then.
     */
    public static int openTap(final Posix posix, final String name) throws LinuxException
    {
        validateName(name);
        final int fd = posix.open("/dev/net/tun", Posix.O_RDWR | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
            final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, ifreq, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            ifreq.set(java.lang.foreign.ValueLayout.JAVA_SHORT, IFREQ_FLAGS_OFFSET, (short)(IFF_TAP | IFF_NO_PI));
            final int rc = posix.ioctl(fd, TUNSETIFF, ifreq);
            if (rc < 0)
            {
                posix.close(fd);
                throw new LinuxException("ioctl(TUNSETIFF, " + name + ")", -rc);
            }
            return fd;
        }
    }

    /**
     * Checks an interface name the way the kernel will, so a bad config fails with a readable message.
     */
    public static void validateName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ)
        {
            throw new IllegalArgumentException(
                "interface name must be 1.." + (IFNAMSIZ - 1) + " characters: '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c <= ' ' || c == '/' || c == ':' || c > '~')
            {
                throw new IllegalArgumentException("interface name has a forbidden character: '" + name + "'");
            }
        }
    }
}
