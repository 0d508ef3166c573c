package io.vnicsigner.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PosixTest
{
    private final Posix posix = new Posix();

    @Test
    void shouldReportErrnoAndItsTextWhenOpenFails()
    {
        final LinuxException e = assertThrows(
            LinuxException.class, () -> posix.open("/nonexistent/vnic-signer", Posix.O_RDONLY));
        assertEquals(Posix.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }

    @Test
    void shouldReadAndWriteAnEventFdThroughRawAddresses() throws Exception
    {
        final int fd = posix.eventfd(0, Posix.EFD_NONBLOCK | Posix.EFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment value = arena.allocate(8);
            assertEquals(-Posix.EAGAIN, posix.read(fd, value.address(), 8), "empty eventfd must not block");

            value.set(ValueLayout.JAVA_LONG, 0, 5L);
            assertEquals(8, posix.write(fd, value.address(), 8));
            value.set(ValueLayout.JAVA_LONG, 0, 2L);
            assertEquals(8, posix.write(fd, value.address(), 8));

            final MemorySegment pollFd = arena.allocate(Posix.POLLFD_SIZE);
            pollFd.set(ValueLayout.JAVA_INT, 0, fd);
            pollFd.set(ValueLayout.JAVA_SHORT, 4, Posix.POLLIN);
            assertEquals(1, posix.poll(pollFd.address(), 1, 0));
            assertTrue((pollFd.get(ValueLayout.JAVA_SHORT, 6) & Posix.POLLIN) != 0);

            assertEquals(8, posix.read(fd, value.address(), 8));
            assertEquals(7L, value.get(ValueLayout.JAVA_LONG, 0));
        }
        finally
        {
            posix.close(fd);
        }
    }

    @Test
    void shouldReportBadDescriptorOnRead()
    {
        assertEquals(-Posix.EBADF, posix.read(-1, 0, 0));
    }

    @Test
    void shouldRejectInterfaceNamesTheKernelWouldRefuse()
    {
        assertThrows(IllegalArgumentException.class, () -> TunTap.validateName("sixteen-chars-xx"));
        assertThrows(IllegalArgumentException.class, () -> TunTap.validateName("a/b"));
        assertThrows(IllegalArgumentException.class, () -> TunTap.validateName(""));
        TunTap.validateName("vsg1");
    }

    @Test
    void shouldCreateATapThatDisappearsWhenClosed() throws Exception
    {
        assumeTrue(Files.isWritable(Path.of("/dev/net/tun")), "needs /dev/net/tun (root)");
        final String name = "vsnt" + ProcessHandle.current().pid() % 100000;
        final int fd = TunTap.openTap(posix, name);
        try
        {
            assertTrue(Files.exists(Path.of("/sys/class/net", name)), "TAP netdev should exist while open");
            // The device is down, so there is nothing to read and the read must not block.
            try (Arena arena = Arena.ofConfined())
            {
                final MemorySegment frame = arena.allocate(2048);
                assertEquals(-Posix.EAGAIN, posix.read(fd, frame.address(), 2048));
            }
        }
        finally
        {
            posix.close(fd);
        }
        assertFalse(Files.exists(Path.of("/sys/class/net", name)), "non-persistent TAP should vanish on close");
    }
}
