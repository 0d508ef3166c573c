package io.vnicsigner.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls to the C library for file descriptors: open, close, read, write, ioctl, poll and eventfd.
 * <p>
 * Calls on the per-frame path ({@link #read}, {@link #write}, {@link #poll}) take raw addresses as {@code long}
 * (a pointer and a 64-bit integer are passed alike on x86-64 and aarch64 Linux), so they allocate nothing. They
 * return the result or {@code -errno}. An instance owns the memory that captures errno, so it must be used by one
 * thread at a time.
 */
public final class Posix
{
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;

    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EPERM = 1;
    public static final int ENOENT = 2;

    public static final short POLLIN = 0x001;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;

    /** {@code struct pollfd { int fd; short events; short revents; }}: 8 bytes. */
    public static final int POLLFD_SIZE = 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = downcall(
        "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE_ERRNO,
        Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall(
        "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle IOCTL_PTR = downcall(
        "ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO,
        Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = downcall(
        "read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle WRITE = downcall(
        "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle POLL = downcall(
        "poll", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = downcall(
        "eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR_R = downcall(
        "strerror_r", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));

    private final MemorySegment capture;

    public Posix()
    {
        capture = Arena.ofAuto().allocate(CAPTURE_LAYOUT);
    }

    /**
     * {@code read(fd, address, length)}.
     *
     * @return bytes read, 0 at end of file, or {@code -errno}.
     */
    public long read(final int fd, final long address, final long length)
    {
        try
        {
            final long n = (long)READ.invokeExact(capture, fd, address, length);
            return n >= 0 ? n : -errno();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("read downcall failed", t);
        }
    }

    /**
     * {@code write(fd, address, length)}.
     *
     * @return bytes written or {@code -errno}.
     */
    public long write(final int fd, final long address, final long length)
    {
        try
        {
            final long n = (long)WRITE.invokeExact(capture, fd, address, length);
            return n >= 0 ? n : -errno();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("write downcall failed", t);
        }
    }

    /**
     * {@code poll(fds, nfds, timeoutMs)} over an array of {@link #POLLFD_SIZE}-byte {@code struct pollfd} at an
     * address.
     *
     * @return the number of ready descriptors, 0 on timeout, or {@code -errno}.
     */
    public int poll(final long pollFdsAddress, final int count, final int timeoutMs)
    {
        try
        {
            final int n = (int)POLL.invokeExact(capture, pollFdsAddress, (long)count, timeoutMs);
            return n >= 0 ? n : -errno();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("poll downcall failed", t);
        }
    }

    /**
     * {@code ioctl(fd, request, argp)} where the argument is a pointer to memory the caller owns.
     *
     * @return the ioctl's result, or {@code -errno}.
     */
    public int ioctl(final int fd, final long request, final MemorySegment argument)
    {
        try
        {
            final int n = (int)IOCTL_PTR.invokeExact(capture, fd, request, argument);
            return n >= 0 ? n : -errno();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("ioctl downcall failed", t);
        }
    }

    /**
     * Opens a path.
     *
     * @throws LinuxException with errno when the call fails.
     */
    public int open(final String path, final int flags) throws LinuxException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final int fd = (int)OPEN.invokeExact(capture, arena.allocateFrom(path), flags, 0);
            if (fd < 0)
            {
                throw new LinuxException("open(" + path + ")", errno());
            }
            return fd;
        }
        catch (final LinuxException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("open downcall failed", t);
        }
    }

    /**
     * Closes a descriptor; errors other than EINTR are reported.
     */
    public void close(final int fd) throws LinuxException
    {
        try
        {
            final int rc = (int)CLOSE.invokeExact(capture, fd);
            if (rc < 0 && errno() != EINTR)
            {
                throw new LinuxException("close(" + fd + ")", errno());
            }
        }
        catch (final LinuxException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    /**
     * Creates an eventfd.
     */
    public int eventfd(final int initialValue, final int flags) throws LinuxException
    {
        try
        {
            final int fd = (int)EVENTFD.invokeExact(capture, initialValue, flags);
            if (fd < 0)
            {
                throw new LinuxException("eventfd", errno());
            }
            return fd;
        }
        catch (final LinuxException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("eventfd downcall failed", t);
        }
    }

    private int errno()
    {
        return (int)ERRNO.get(capture, 0L);
    }

    /**
     * The C library's message for an errno value.
     */
    public static String strerror(final int errno)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buffer = arena.allocate(256);
            // GNU strerror_r returns a pointer to the message, which may or may not be the buffer.
            final MemorySegment text = (MemorySegment)STRERROR_R.invokeExact(errno, buffer, 256L);
            return text.reinterpret(256).getString(0);
        }
        catch (final Throwable t)
        {
            return "errno " + errno;
        }
    }

    /**
     * The symbolic name of the common errno values, for messages an operator can search for.
     */
    public static String errnoName(final int errno)
    {
        return switch (errno)
        {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            default -> "errno " + errno;
        };
    }

    private static MethodHandle downcall(
        final String name, final FunctionDescriptor descriptor, final Linker.Option... options)
    {
        final MemorySegment symbol = LIBC.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

}
