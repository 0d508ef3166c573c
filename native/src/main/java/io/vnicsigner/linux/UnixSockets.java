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
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Downcalls for non-blocking {@code AF_UNIX} stream sockets and the {@code epoll} set that gives a listener and
 * its connection one stable descriptor to poll: socket/bind/listen, accept4, send with {@code MSG_NOSIGNAL}
 * and epoll_create1/epoll_ctl. Reads go through {@link Posix#read}.
 * <p>
 * {@link #accept} and {@link #send} are on the data path: they allocate nothing and return {@code -errno}. An
 * instance owns the errno capture memory, so it must be used by one thread at a time.
 */
public final class UnixSockets
{
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int EPOLL_CLOEXEC = 0x80000;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 0x001;
    public static final int EPIPE = 32;
    public static final int ECONNRESET = 104;
    /** {@code sizeof(sun_path)} in {@code struct sockaddr_un}. */
    public static final int MAX_PATH_BYTES = 107;

    private static final int SOCKADDR_UN_SIZE = 110;
    /** {@code struct epoll_event} is 12 bytes packed on x86-64 and 16 on aarch64; 16 covers both. */
    private static final int EPOLL_EVENT_SIZE = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = downcall(
        "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = downcall(
        "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = downcall(
        "connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = downcall(
        "listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = downcall(
        "accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = downcall(
        "send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE1 = downcall(
        "epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = downcall(
        "epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    private final MemorySegment capture = Arena.ofAuto().allocate(CAPTURE_LAYOUT);
    private final MemorySegment event = Arena.ofAuto().allocate(EPOLL_EVENT_SIZE, 8);

    /**
     * A non-blocking listening socket bound to {@code path}; the path must not exist.
     *
     * @throws LinuxException when any step fails (the socket is closed again).
     */
    public int listen(final String path, final int backlog) throws LinuxException
    {
        final int fd = socket();
        try (Arena arena = Arena.ofConfined())
        {
            if ((int)BIND.invokeExact(capture, fd, address(arena, path), SOCKADDR_UN_SIZE) < 0)
            {
                throw closing(fd, "bind(" + path + ")");
            }
            if ((int)LISTEN.invokeExact(capture, fd, backlog) < 0)
            {
                throw closing(fd, "listen(" + path + ")");
            }
            return fd;
        }
        catch (final LinuxException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("bind/listen downcall failed", t);
        }
    }

    /**
     * A blocking-connect, then non-blocking, client socket to {@code path}; for tests and tools.
     */
    public int connect(final String path) throws LinuxException
    {
        final int fd = socket();
        try (Arena arena = Arena.ofConfined())
        {
            if ((int)CONNECT.invokeExact(capture, fd, address(arena, path), SOCKADDR_UN_SIZE) < 0)
            {
                throw closing(fd, "connect(" + path + ")");
            }
            return fd;
        }
        catch (final LinuxException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("connect downcall failed", t);
        }
    }

    /**
     * {@code accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)}.
     *
     * @return the connected descriptor, or {@code -errno} ({@code -EAGAIN} when nobody is waiting).
     */
    public int accept(final int listenFd)
    {
        try
        {
            final int fd = (int)ACCEPT4.invokeExact(capture, listenFd, 0L, 0L, SOCK_NONBLOCK | SOCK_CLOEXEC);
            return fd >= 0 ? fd : -errno();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("accept4 downcall failed", t);
        }
    }

    /**
     * {@code send(fd, address, length, MSG_DONTWAIT | MSG_NOSIGNAL)}: a peer that went away gives {@code -EPIPE},
     * never a SIGPIPE.
     *
     * @return bytes sent or {@code -errno}.
     */
    public long send(final int fd, final long address, final long length)
    {
        try
        {
            final long n = (long)SEND.invokeExact(capture, fd, address, length, MSG_DONTWAIT | MSG_NOSIGNAL);
            return n >= 0 ? n : -errno();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("send downcall failed", t);
        }
    }

    /**
     * An epoll set, which is itself readable while any descriptor added with {@link #epollAdd} is.
     */
    public int epollCreate() throws LinuxException
    {
        try
        {
            final int fd = (int)EPOLL_CREATE1.invokeExact(capture, EPOLL_CLOEXEC);
            if (fd < 0)
            {
                throw new LinuxException("epoll_create1", errno());
            }
            return fd;
        }
        catch (final LinuxException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("epoll_create1 downcall failed", t);
        }
    }

    /**
     * Watches {@code fd} for input (level-triggered). Closing {@code fd} removes it from the set.
     *
     * @return 0 or {@code -errno}.
     */
    public int epollAdd(final int epollFd, final int fd)
    {
        return epollControl(epollFd, EPOLL_CTL_ADD, fd);
    }

    /**
     * Stops watching {@code fd}.
     *
     * @return 0 or {@code -errno}.
     */
    public int epollDelete(final int epollFd, final int fd)
    {
        return epollControl(epollFd, EPOLL_CTL_DEL, fd);
    }

    private int epollControl(final int epollFd, final int operation, final int fd)
    {
        event.set(JAVA_INT, 0, EPOLLIN);
        event.set(JAVA_INT, 4, fd);
        try
        {
            final int rc = (int)EPOLL_CTL.invokeExact(capture, epollFd, operation, fd, event);
            return rc >= 0 ? rc : -errno();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("epoll_ctl downcall failed", t);
        }
    }

    private int socket() throws LinuxException
    {
        try
        {
            final int fd = (int)SOCKET.invokeExact(capture, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0)
            {
                throw new LinuxException("socket(AF_UNIX)", errno());
            }
            return fd;
        }
        catch (final LinuxException e)
        {
            throw e;
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("socket downcall failed", t);
        }
    }

    private static MemorySegment address(final Arena arena, final String path)
    {
        final byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_PATH_BYTES)
        {
            throw new IllegalArgumentException("unix socket path must be 1-" + MAX_PATH_BYTES + " bytes: " + path);
        }
        final MemorySegment sockaddr = arena.allocate(SOCKADDR_UN_SIZE, 2);
        sockaddr.set(JAVA_SHORT, 0, (short)AF_UNIX);
        MemorySegment.copy(bytes, 0, sockaddr, JAVA_BYTE, 2, bytes.length);
        return sockaddr;
    }

    private LinuxException closing(final int fd, final String operation)
    {
        final LinuxException e = new LinuxException(operation, errno());
        try
        {
            new Posix().close(fd);
        }
        catch (final LinuxException ignore)
        {
            // The first failure is the one worth reporting.
        }
        return e;
    }

    private int errno()
    {
        return (int)ERRNO.get(capture, 0L);
    }

    private static MethodHandle downcall(final String name, final FunctionDescriptor descriptor)
    {
        final MemorySegment symbol = LIBC.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }
}
