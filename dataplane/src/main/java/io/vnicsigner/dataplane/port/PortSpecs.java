package io.vnicsigner.dataplane.port;

import io.vnicsigner.linux.LinuxException;
import io.vnicsigner.linux.TunTap;

/**
 * Opens ports from their config spec, {@code kind:argument}: {@code tap:vsg1} (a Linux TAP device created in the
 * daemon's network namespace), {@code dpdk:DEVARGS} (any DPDK driver, see {@link DpdkPort}),
 * {@code qemu-stream:/path/vm1.sock} (a unix socket QEMU's {@code -netdev stream} connects to, see
 * {@link QemuStreamPort}) or {@code memory:name} (in-memory, for tests).
 */
public final class PortSpecs
{
    private PortSpecs()
    {
    }

    /**
     * Checks a spec without opening anything, so that config errors come before any device is created.
     *
     * @throws IllegalArgumentException naming what is wrong.
     */
    public static void validate(final String spec)
    {
        final int colon = spec == null ? -1 : spec.indexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("port spec must be kind:argument (tap:NAME, dpdk:DEVARGS, qemu-stream:/PATH or memory:NAME): '" + spec + "'");
        }
        final String kind = spec.substring(0, colon);
        final String argument = spec.substring(colon + 1);
        switch (kind)
        {
            case "tap" -> TunTap.validateName(argument);
            case DpdkPort.KIND -> DpdkPort.validate(argument);
            case QemuStreamPort.KIND -> QemuStreamPort.validate(argument);
            case "memory" ->
            {
                if (argument.isEmpty())
                {
                    throw new IllegalArgumentException("memory port needs a name: '" + spec + "'");
                }
            }
            default -> throw new IllegalArgumentException(
                "unknown port kind '" + kind + "' in '" + spec + "' (supported: tap, dpdk, qemu-stream, memory)");
        }
    }

    public static Port open(final String spec) throws LinuxException
    {
        validate(spec);
        final String kind = spec.substring(0, spec.indexOf(':'));
        final String argument = spec.substring(spec.indexOf(':') + 1);
        return switch (kind)
        {
            case "tap" -> TapPort.open(argument);
            case DpdkPort.KIND -> DpdkPort.open(argument);
            case QemuStreamPort.KIND -> QemuStreamPort.open(argument);
            default -> new MemoryPort(spec);
        };
    }
}
