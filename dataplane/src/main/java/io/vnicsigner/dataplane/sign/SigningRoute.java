package io.vnicsigner.dataplane.sign;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.vnicsigner.dataplane.upstream.UpstreamRoute;
import io.vnicsigner.signer.sigv4.UriMode;
import org.agrona.DirectBuffer;

/**
 * One configured route: which guest requests it takes (an exact host, a {@code *.suffix} host, or a path prefix),
 * the upstream they go to, the SigV4 service and region they are signed for, and how their bodies are signed
 * ({@link PayloadPolicy}, {@code AUTO} unless {@link #withPayload} says otherwise). Immutable.
 */
public final class SigningRoute
{
    private final byte[] host;
    private final boolean suffix;
    private final byte[] prefix;
    private final UpstreamRoute upstream;
    private final String service;
    private final String region;
    private final UriMode uriMode;
    private final byte[] upstreamHost;
    private final PayloadPolicy payload;
    private final String hostText;
    private final String prefixText;

    private SigningRoute(
        final String host, final String prefix, final UpstreamRoute upstream, final String service, final String region)
    {
        this(host, prefix, upstream, service, region, PayloadPolicy.AUTO);
    }

    private SigningRoute(
        final String host, final String prefix, final UpstreamRoute upstream, final String service, final String region,
        final PayloadPolicy payload)
    {
        if ((host == null) == (prefix == null))
        {
            throw new IllegalArgumentException("a route has either a host or a prefix");
        }
        final String lowerHost = host == null ? null : host.toLowerCase(Locale.ROOT);
        this.suffix = lowerHost != null && lowerHost.startsWith("*.");
        this.host = lowerHost == null ? null : ascii(suffix ? lowerHost.substring(1) : lowerHost);
        this.prefix = prefix == null ? null : ascii(prefix);
        this.upstream = upstream;
        this.service = service;
        this.region = region;
        this.uriMode = "s3".equals(service) ? UriMode.S3 : UriMode.DEFAULT;
        final boolean defaultPort = upstream.port() == (upstream.isTls() ? 443 : 80);
        this.upstreamHost = ascii(defaultPort ? upstream.host() : upstream.host() + ":" + upstream.port());
        this.payload = payload;
        this.hostText = host;
        this.prefixText = prefix;
    }

    /** This route with bodies signed as {@code payload} says. */
    public SigningRoute withPayload(final PayloadPolicy payload)
    {
        return new SigningRoute(hostText, prefixText, upstream, service, region, payload);
    }

    public PayloadPolicy payload()
    {
        return payload;
    }

    /** A route for requests whose host is {@code host}, or ends with {@code .suffix} when given as {@code *.suffix}. */
    public static SigningRoute forHost(
        final String host, final UpstreamRoute upstream, final String service, final String region)
    {
        return new SigningRoute(host, null, upstream, service, region);
    }

    /** A route for requests whose path starts with {@code prefix}; the path is forwarded unchanged. */
    public static SigningRoute forPrefix(
        final String prefix, final UpstreamRoute upstream, final String service, final String region)
    {
        return new SigningRoute(null, prefix, upstream, service, region);
    }

    /**
     * Whether this route takes a request with this host (without port, any case) and path.
     */
    public boolean matches(
        final DirectBuffer buffer, final int hostOffset, final int hostLength, final int pathOffset, final int pathLength)
    {
        if (prefix != null)
        {
            return pathLength >= prefix.length && regionEquals(buffer, pathOffset, prefix, prefix.length, false);
        }
        if (suffix)
        {
            return hostLength > host.length &&
                regionEquals(buffer, hostOffset + hostLength - host.length, host, host.length, true);
        }
        return hostLength == host.length && regionEquals(buffer, hostOffset, host, host.length, true);
    }

    /**
     * Whether this is a {@code *.suffix} route. Its requests keep the guest's {@code Host}: under a suffix the name
     * itself picks the resource (an S3 bucket in virtual-hosted style), so replacing it would sign and send the
     * request for another resource. The connection still goes to {@link #upstream()}.
     */
    public boolean isSuffix()
    {
        return suffix;
    }

    public UpstreamRoute upstream()
    {
        return upstream;
    }

    public String service()
    {
        return service;
    }

    public String region()
    {
        return region;
    }

    public UriMode uriMode()
    {
        return uriMode;
    }

    /**
     * The {@code Host} value sent upstream for exact-host and prefix routes: the upstream's host, with its port unless
     * it is the scheme's default.
     */
    public byte[] upstreamHost()
    {
        return upstreamHost;
    }

    public String toString()
    {
        return (prefix != null ? "prefix " + new String(prefix, StandardCharsets.US_ASCII) :
            "host " + (suffix ? "*" : "") + new String(host, StandardCharsets.US_ASCII)) + " -> " + upstream;
    }

    private static boolean regionEquals(
        final DirectBuffer buffer, final int offset, final byte[] expected, final int length, final boolean ignoreCase)
    {
        for (int i = 0; i < length; i++)
        {
            byte b = buffer.getByte(offset + i);
            if (ignoreCase && b >= 'A' && b <= 'Z')
            {
                b += 'a' - 'A';
            }
            if (b != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
