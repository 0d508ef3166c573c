package io.vnicsigner.linux;

import java.io.IOException;

/**
 * A failed Linux call, carrying its errno and the C library's text for it.
 */
public final class LinuxException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int errno;

    public LinuxException(final String operation, final int errno)
    {
        super(operation + ": " + Posix.errnoName(errno) + " (" + Posix.strerror(errno) + ")");
        this.errno = errno;
    }

    public int errno()
    {
        return errno;
    }
}
