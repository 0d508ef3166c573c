package io.vnicsigner.dataplane.sign;

import java.nio.charset.StandardCharsets;

import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.signer.sigv4.SigV4Signer;
import io.vnicsigner.signer.sigv4.SignMode;
import io.vnicsigner.signer.sigv4.SignedOutput;
import io.vnicsigner.signer.sigv4.SigningRequest;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns a guest's parsed request head into the signed head sent upstream: route lookup, refusal of
 * {@code x-vnic-*} headers and of requests that arrive signed, hop-by-hop and guest auth headers dropped, the
 * upstream's {@code Host}, the identity headers, and a SigV4 signature. The body is signed as the caller's
 * {@link SignedPayload} says (its SHA-256, {@code UNSIGNED-PAYLOAD} or the empty hash); a chunked body goes up
 * de-chunked with the {@code Content-Length} it gives. Not thread-safe.
 */
public final class RequestSigner
{
    /** No route takes the request: 404. */
    public static final int NO_ROUTE = -1;
    /** The guest sent an {@code x-vnic-*} header: 400. */
    public static final int VNIC_HEADER = -2;
    /** The request arrived signed and the policy is {@code reject}: 403. */
    public static final int ALREADY_SIGNED = -3;
    /** The signed head does not fit its buffer or the signer's bounds: 431. */
    public static final int TOO_LARGE = -4;

    private static final byte[] VNIC_PREFIX = ascii("x-vnic-");
    private static final byte[] X_AMZ_SIGNATURE = ascii("X-Amz-Signature=");
    private static final byte[] AUTHORIZATION = ascii("authorization");
    private static final byte[] HOST = ascii("host");
    private static final byte[] HTTP_1_1 = ascii(" HTTP/1.1\r\n");
    private static final byte[] COLON_SPACE = ascii(": ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] AUTHORIZATION_LINE = ascii("authorization: ");

    /**
     * Not forwarded: the hop-by-hop fields of RFC 9110 §7.6.1 (and the obsolete proxy ones), {@code Expect}
     * (the guest got its 100 from us), {@code Host} (replaced), and the auth fields the signer writes itself.
     */
    private static final byte[][] DROPPED =
    {
        ascii("connection"), ascii("keep-alive"), ascii("proxy-connection"), ascii("te"), ascii("trailer"),
        ascii("transfer-encoding"), ascii("upgrade"), ascii("proxy-authorization"), ascii("proxy-authenticate"),
        ascii("expect"), HOST, AUTHORIZATION, ascii("x-amz-date"), ascii("x-amz-content-sha256"),
        ascii("x-amz-security-token"),
    };

    private final SigningRoute[] routes;
    private final SigningRequest view = new SigningRequest();
    private final SigV4Signer signer = new SigV4Signer();
    private final SignedOutput output = new SignedOutput();
    private final byte[] scratch = new byte[SigningRequest.DEFAULT_ARENA_BYTES];

    public RequestSigner(final SigningRoute[] routes)
    {
        this.routes = routes.clone();
    }

    /**
     * The index of the first route that takes the request (by {@code Host} for origin-form, by the URL's host for
     * absolute-form, or by path prefix), or {@link #NO_ROUTE}.
     */
    public int route(final HttpRequest request)
    {
        final DirectBuffer buffer = request.buffer();
        int hostOffset;
        int hostLength;
        if (request.isAbsoluteForm())
        {
            hostOffset = request.authorityOffset();
            hostLength = request.authorityLength();
        }
        else
        {
            final int index = request.hostIndex();
            hostOffset = index < 0 ? 0 : request.headerValueOffset(index);
            hostLength = index < 0 ? 0 : request.headerValueLength(index);
        }
        hostLength = withoutPort(buffer, hostOffset, hostLength);
        for (int i = 0; i < routes.length; i++)
        {
            if (routes[i].matches(buffer, hostOffset, hostLength, request.pathOffset(), request.pathLength()))
            {
                return i;
            }
        }
        return NO_ROUTE;
    }

    /** The body signing policy of the route at {@code routeIndex} (from {@link #route}). */
    public PayloadPolicy payload(final int routeIndex)
    {
        return routes[routeIndex].payload();
    }

    /**
     * Writes the signed request head (request line, headers, empty line) for {@code routeIndex}.
     *
     * @param payload how the body is signed, and the {@code Content-Length} of a de-chunked one.
     * @return the head's length, or a negative code of this class.
     */
    public int signHead(
        final HttpRequest request, final int routeIndex, final SigningIdentity identity, final long epochMillis,
        final MutableDirectBuffer dst, final int dstOffset, final int dstCapacity, final SignedPayload payload)
    {
        final DirectBuffer buffer = request.buffer();
        if (request.indexOf(AUTHORIZATION) >= 0 || queryHas(request, X_AMZ_SIGNATURE))
        {
            return ALREADY_SIGNED;
        }
        final SigningRoute route = routes[routeIndex];
        view.reset();
        final int methodLength = request.methodLength();
        buffer.getBytes(request.methodOffset(), scratch, 0, methodLength);
        if (!view.method(scratch, 0, methodLength) || !target(request))
        {
            return TOO_LARGE;
        }
        for (int i = 0, count = request.headerCount(); i < count; i++)
        {
            final int nameOffset = request.headerNameOffset(i);
            final int nameLength = request.headerNameLength(i);
            if (startsWithIgnoreCase(buffer, nameOffset, nameLength, VNIC_PREFIX))
            {
                return VNIC_HEADER;
            }
            if (isDropped(buffer, nameOffset, nameLength))
            {
                continue;
            }
            final int valueLength = request.headerValueLength(i);
            if (nameLength + valueLength > scratch.length)
            {
                return TOO_LARGE;
            }
            buffer.getBytes(nameOffset, scratch, 0, nameLength);
            buffer.getBytes(request.headerValueOffset(i), scratch, nameLength, valueLength);
            if (!view.addHeader(scratch, 0, nameLength, scratch, nameLength, valueLength))
            {
                return TOO_LARGE;
            }
        }
        final byte[] host = route.upstreamHost();
        if (!view.addHeader(HOST, 0, HOST.length, host, 0, host.length) || !identity.identityHeaders().addTo(view))
        {
            return TOO_LARGE;
        }
        if (!payload.applyTo(view))
        {
            return TOO_LARGE;
        }
        final int result = signer.sign(view, identity.credentials(), route.region(), route.service(),
            SignMode.HEADER, route.uriMode(), epochMillis, output);
        if (result != SigV4Signer.OK)
        {
            return TOO_LARGE;
        }
        return writeHead(dst, dstOffset, dstCapacity);
    }

    private int writeHead(final MutableDirectBuffer dst, final int offset, final int capacity)
    {
        int length = view.methodLength() + 1 + view.targetLength() + HTTP_1_1.length + AUTHORIZATION_LINE.length +
            output.authorizationLength() + 2 * CRLF.length;
        for (int i = 0, count = view.headerCount(); i < count; i++)
        {
            length += view.nameLength(i) + COLON_SPACE.length + view.valueLength(i) + CRLF.length;
        }
        if (length > capacity)
        {
            return TOO_LARGE;
        }
        final byte[] arena = view.arena();
        int o = offset;
        o = put(dst, o, view.methodBytes(), 0, view.methodLength());
        dst.putByte(o++, (byte)' ');
        o = put(dst, o, view.targetBytes(), 0, view.targetLength());
        o = put(dst, o, HTTP_1_1, 0, HTTP_1_1.length);
        for (int i = 0, count = view.headerCount(); i < count; i++)
        {
            o = put(dst, o, arena, view.nameOffset(i), view.nameLength(i));
            o = put(dst, o, COLON_SPACE, 0, COLON_SPACE.length);
            o = put(dst, o, arena, view.valueOffset(i), view.valueLength(i));
            o = put(dst, o, CRLF, 0, CRLF.length);
        }
        o = put(dst, o, AUTHORIZATION_LINE, 0, AUTHORIZATION_LINE.length);
        o = put(dst, o, output.authorization(), 0, output.authorizationLength());
        o = put(dst, o, CRLF, 0, CRLF.length);
        o = put(dst, o, CRLF, 0, CRLF.length);
        return o - offset;
    }

    /** Origin-form targets go as sent; absolute-form ones as their path (or {@code /}) and query. */
    private boolean target(final HttpRequest request)
    {
        final DirectBuffer buffer = request.buffer();
        if (!request.isAbsoluteForm())
        {
            final int length = request.targetLength();
            if (length > scratch.length)
            {
                return false;
            }
            buffer.getBytes(request.targetOffset(), scratch, 0, length);
            return view.target(scratch, 0, length);
        }
        int length = 0;
        if (request.pathLength() == 0)
        {
            scratch[length++] = '/';
        }
        else
        {
            buffer.getBytes(request.pathOffset(), scratch, 0, request.pathLength());
            length = request.pathLength();
        }
        if (request.hasQuery())
        {
            if (length + 1 + request.queryLength() > scratch.length)
            {
                return false;
            }
            scratch[length++] = '?';
            buffer.getBytes(request.queryOffset(), scratch, length, request.queryLength());
            length += request.queryLength();
        }
        return view.target(scratch, 0, length);
    }

    private static int put(final MutableDirectBuffer dst, final int offset, final byte[] src, final int from, final int n)
    {
        dst.putBytes(offset, src, from, n);
        return offset + n;
    }

    private static boolean isDropped(final DirectBuffer buffer, final int offset, final int length)
    {
        for (final byte[] name : DROPPED)
        {
            if (name.length == length && startsWithIgnoreCase(buffer, offset, length, name))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean queryHas(final HttpRequest request, final byte[] parameter)
    {
        if (!request.hasQuery())
        {
            return false;
        }
        final DirectBuffer buffer = request.buffer();
        final int start = request.queryOffset();
        final int end = start + request.queryLength();
        for (int i = start; i + parameter.length <= end; i++)
        {
            if ((i == start || buffer.getByte(i - 1) == '&') && startsWith(buffer, i, parameter))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(final DirectBuffer buffer, final int offset, final byte[] prefix)
    {
        for (int i = 0; i < prefix.length; i++)
        {
            if (buffer.getByte(offset + i) != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /** {@code lowerPrefix} must be lower case. */
    private static boolean startsWithIgnoreCase(
        final DirectBuffer buffer, final int offset, final int length, final byte[] lowerPrefix)
    {
        if (length < lowerPrefix.length)
        {
            return false;
        }
        for (int i = 0; i < lowerPrefix.length; i++)
        {
            byte b = buffer.getByte(offset + i);
            if (b >= 'A' && b <= 'Z')
            {
                b += 'a' - 'A';
            }
            if (b != lowerPrefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /** The host's length without a trailing {@code :port}; IPv6 literals keep their brackets. */
    private static int withoutPort(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = length - 1; i >= 0; i--)
        {
            final byte b = buffer.getByte(offset + i);
            if (b == ':')
            {
                return i;
            }
            if (b < '0' || b > '9')
            {
                return length;
            }
        }
        return length;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
