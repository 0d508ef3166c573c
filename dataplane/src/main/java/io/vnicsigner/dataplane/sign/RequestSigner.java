package io.vnicsigner.dataplane.sign;

import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.Map;

import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.signer.identity.Countersigner;
import io.vnicsigner.signer.sigv4.SigV4Signer;
import io.vnicsigner.signer.sigv4.SignMode;
import io.vnicsigner.signer.sigv4.SignedOutput;
import io.vnicsigner.signer.sigv4.SigningRequest;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns a guest's parsed request head into the head sent upstream: route lookup, refusal of {@code x-vnic-*} and
 * {@code X-Forwarded-For} headers, hop-by-hop fields dropped (the fixed ones of RFC 9110 §7.6.1 and those the guest
 * names in {@code Connection}), then one of three:
 * <ul>
 * <li>an unsigned request is signed: guest auth fields dropped, {@code Host} set (the upstream's for exact-host and
 * prefix routes, the guest's for {@code *.suffix} routes, which are virtual hosts), the identity headers added, and
 * a SigV4 signature;</li>
 * <li>a request the guest signed follows {@link SigningIdentity#signedRequests()}: refused, passed as it is (with the
 * guest's {@code Host}), or passed with the identity headers and {@code x-vnic-countersignature} added.</li>
 * </ul>
 * The body is signed as the caller's {@link SignedPayload} says (its SHA-256, {@code UNSIGNED-PAYLOAD} or the
 * empty hash); a chunked body goes up de-chunked with the {@code Content-Length} it gives. Not thread-safe.
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
    /** The guest sent {@code X-Forwarded-For} (any case): 403, as IMDSv2 does against SSRF through proxies. */
    public static final int FORWARDED_FOR = -5;
    /**
     * The policy is {@code enrich} but the request cannot be countersigned: it is presigned (no
     * {@code Authorization}) or has no {@code X-Amz-Date}: 403.
     */
    public static final int NOT_COUNTERSIGNABLE = -6;

    /** {@link #disposition()}: the last head was signed with the tenant's credentials. */
    public static final int SIGNED = 0;
    /** {@link #disposition()}: the last head was the guest's own signed request, passed as it is. */
    public static final int PASSED = 1;
    /** {@link #disposition()}: the last head was the guest's signed request with a countersignature added. */
    public static final int ENRICHED = 2;

    /** Bound on cached countersigning keys; the cache is emptied when full (after reloads replace identities). */
    private static final int MAX_COUNTERSIGNERS = 4096;

    private static final byte[] VNIC_PREFIX = ascii("x-vnic-");
    private static final byte[] X_VNIC_TOKEN = ascii("x-vnic-token");
    private static final byte[] X_FORWARDED_FOR = ascii("x-forwarded-for");
    private static final byte[] X_AMZ_SIGNATURE = ascii("X-Amz-Signature=");
    private static final byte[] AUTHORIZATION = ascii("authorization");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] HOST = ascii("host");
    private static final byte[] HTTP_1_1 = ascii(" HTTP/1.1\r\n");
    private static final byte[] COLON_SPACE = ascii(": ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] AUTHORIZATION_LINE = ascii("authorization: ");

    /**
     * Never forwarded: the hop-by-hop fields of RFC 9110 §7.6.1 (and the obsolete proxy ones), {@code Expect} (the
     * guest got its 100 from us) and {@code Host} (written once, after the other fields).
     */
    private static final byte[][] HOP_BY_HOP =
    {
        CONNECTION, ascii("keep-alive"), ascii("proxy-connection"), ascii("te"), ascii("trailer"),
        ascii("transfer-encoding"), ascii("upgrade"), ascii("proxy-authorization"), ascii("proxy-authenticate"),
        ascii("expect"), HOST,
    };

    /** Not forwarded when the dataplane signs: the auth fields the signer writes itself. */
    private static final byte[][] SIGNER_OWNED =
    {
        AUTHORIZATION, ascii("x-amz-date"), ascii("x-amz-content-sha256"), ascii("x-amz-security-token"),
    };

    private final SigningRoute[] routes;
    private final SigningRequest view = new SigningRequest();
    private final SigV4Signer signer = new SigV4Signer();
    private final SignedOutput output = new SignedOutput();
    private final byte[] scratch = new byte[SigningRequest.DEFAULT_ARENA_BYTES];
    private final Map<SigningIdentity, Countersigner> countersigners = new IdentityHashMap<>();
    private int disposition = SIGNED;

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
        final int hostOffset = hostOffset(request);
        final int hostLength = withoutPort(buffer, hostOffset, hostLength(request));
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
     * Whether the request carries {@code X-Forwarded-For} in any case; such requests are refused everywhere at the
     * signing IP, local endpoints included.
     */
    public static boolean hasForwardedFor(final HttpRequest request)
    {
        final DirectBuffer buffer = request.buffer();
        for (int i = 0, count = request.headerCount(); i < count; i++)
        {
            if (nameIs(buffer, request.headerNameOffset(i), request.headerNameLength(i), X_FORWARDED_FOR))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the request head to forward (request line, headers, empty line) for {@code routeIndex}.
     *
     * @param payload how the body is signed, and the {@code Content-Length} of a de-chunked one.
     * @return the head's length, or a negative code of this class.
     */
    public int signHead(
        final HttpRequest request, final int routeIndex, final SigningIdentity identity, final long epochMillis,
        final MutableDirectBuffer dst, final int dstOffset, final int dstCapacity, final SignedPayload payload)
    {
        final DirectBuffer buffer = request.buffer();
        boolean connectionOptions = false;
        for (int i = 0, count = request.headerCount(); i < count; i++)
        {
            final int nameOffset = request.headerNameOffset(i);
            final int nameLength = request.headerNameLength(i);
            if (startsWithIgnoreCase(buffer, nameOffset, nameLength, VNIC_PREFIX) &&
                !nameIs(buffer, nameOffset, nameLength, X_VNIC_TOKEN))
            {
                return VNIC_HEADER;
            }
            if (nameIs(buffer, nameOffset, nameLength, X_FORWARDED_FOR))
            {
                return FORWARDED_FOR;
            }
            connectionOptions |= nameIs(buffer, nameOffset, nameLength, CONNECTION);
        }
        final boolean guestSigned = request.indexOf(AUTHORIZATION) >= 0 || queryHas(request, X_AMZ_SIGNATURE);
        if (guestSigned && identity.signedRequests() == SignedRequests.REJECT)
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
            // The session token was checked before signing and never goes upstream.
            if (nameIs(buffer, nameOffset, nameLength, X_VNIC_TOKEN) ||
                isListed(buffer, nameOffset, nameLength, HOP_BY_HOP) ||
                (!guestSigned && isListed(buffer, nameOffset, nameLength, SIGNER_OWNED)) ||
                (connectionOptions && isNamedInConnection(request, nameOffset, nameLength)))
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
        if (!addHost(request, route, guestSigned))
        {
            return TOO_LARGE;
        }
        if (guestSigned)
        {
            // The guest's own x-amz-content-sha256 stays; a de-chunked body still needs its length.
            return payload.addDecodedLength(view) ? forwardSigned(identity, dst, dstOffset, dstCapacity) : TOO_LARGE;
        }
        if (!identity.identityHeaders().addTo(view))
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
        disposition = SIGNED;
        return writeHead(dst, dstOffset, dstCapacity, true);
    }

    /** {@link #SIGNED}, {@link #PASSED} or {@link #ENRICHED}: what the last successful {@link #signHead} did. */
    public int disposition()
    {
        return disposition;
    }

    /** The guest's own signed request, as it is ({@code pass}) or countersigned ({@code enrich}). */
    private int forwardSigned(
        final SigningIdentity identity, final MutableDirectBuffer dst, final int dstOffset, final int dstCapacity)
    {
        if (identity.signedRequests() == SignedRequests.ENRICH)
        {
            if (!identity.identityHeaders().addTo(view))
            {
                return TOO_LARGE;
            }
            final int code = countersigner(identity).countersign(view);
            if (code == Countersigner.ERR_MISSING_HEADER)
            {
                return NOT_COUNTERSIGNABLE;
            }
            if (code != Countersigner.OK)
            {
                return TOO_LARGE;
            }
            disposition = ENRICHED;
        }
        else
        {
            disposition = PASSED;
        }
        return writeHead(dst, dstOffset, dstCapacity, false);
    }

    private Countersigner countersigner(final SigningIdentity identity)
    {
        Countersigner countersigner = countersigners.get(identity);
        if (countersigner == null)
        {
            if (countersigners.size() >= MAX_COUNTERSIGNERS)
            {
                countersigners.clear();
            }
            countersigner = new Countersigner(identity.credentials(), identity.identityHeaders().identity());
            countersigners.put(identity, countersigner);
        }
        return countersigner;
    }

    /**
     * The one {@code Host} sent upstream. The guest's (the URL's authority for absolute-form), as sent, when the
     * guest signed the request (its signature covers it) or when the route is a {@code *.suffix} one (a virtual
     * host: the name says which resource, e.g. the S3 bucket); otherwise, and when the guest sent none, the
     * upstream's.
     */
    private boolean addHost(final HttpRequest request, final SigningRoute route, final boolean guestSigned)
    {
        final int length = hostLength(request);
        if (length > 0 && (guestSigned || route.isSuffix()))
        {
            if (length > scratch.length)
            {
                return false;
            }
            request.buffer().getBytes(hostOffset(request), scratch, 0, length);
            return view.addHeader(HOST, 0, HOST.length, scratch, 0, length);
        }
        final byte[] host = route.upstreamHost();
        return view.addHeader(HOST, 0, HOST.length, host, 0, host.length);
    }

    private static int hostOffset(final HttpRequest request)
    {
        if (request.isAbsoluteForm())
        {
            return request.authorityOffset();
        }
        final int index = request.hostIndex();
        return index < 0 ? 0 : request.headerValueOffset(index);
    }

    private static int hostLength(final HttpRequest request)
    {
        if (request.isAbsoluteForm())
        {
            return request.authorityLength();
        }
        final int index = request.hostIndex();
        return index < 0 ? 0 : request.headerValueLength(index);
    }

    /**
     * Whether a {@code Connection} header of the request names this field (RFC 9110 §7.6.1: a proxy removes the
     * fields the connection options name). Options are comma-separated tokens, compared ignoring case.
     */
    private static boolean isNamedInConnection(final HttpRequest request, final int nameOffset, final int nameLength)
    {
        final DirectBuffer buffer = request.buffer();
        for (int h = 0, count = request.headerCount(); h < count; h++)
        {
            if (!nameIs(buffer, request.headerNameOffset(h), request.headerNameLength(h), CONNECTION))
            {
                continue;
            }
            final int end = request.headerValueOffset(h) + request.headerValueLength(h);
            int i = request.headerValueOffset(h);
            while (i < end)
            {
                while (i < end && isListSeparator(buffer.getByte(i)))
                {
                    i++;
                }
                final int start = i;
                while (i < end && !isListSeparator(buffer.getByte(i)))
                {
                    i++;
                }
                if (i - start == nameLength && equalsIgnoreCase(buffer, start, buffer, nameOffset, nameLength))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isListSeparator(final byte b)
    {
        return b == ',' || b == ' ' || b == '\t';
    }

    /** @param authorization whether to add the signer's {@code Authorization} (not for a guest-signed request). */
    private int writeHead(
        final MutableDirectBuffer dst, final int offset, final int capacity, final boolean authorization)
    {
        int length = view.methodLength() + 1 + view.targetLength() + HTTP_1_1.length + CRLF.length +
            (authorization ? AUTHORIZATION_LINE.length + output.authorizationLength() + CRLF.length : 0);
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
        if (authorization)
        {
            o = put(dst, o, AUTHORIZATION_LINE, 0, AUTHORIZATION_LINE.length);
            o = put(dst, o, output.authorization(), 0, output.authorizationLength());
            o = put(dst, o, CRLF, 0, CRLF.length);
        }
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

    private static boolean isListed(final DirectBuffer buffer, final int offset, final int length, final byte[][] names)
    {
        for (final byte[] name : names)
        {
            if (nameIs(buffer, offset, length, name))
            {
                return true;
            }
        }
        return false;
    }

    /** {@code lowerName} must be lower case. */
    private static boolean nameIs(final DirectBuffer buffer, final int offset, final int length, final byte[] lowerName)
    {
        return lowerName.length == length && startsWithIgnoreCase(buffer, offset, length, lowerName);
    }

    private static boolean equalsIgnoreCase(
        final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (lower(a.getByte(aOffset + i)) != lower(b.getByte(bOffset + i)))
            {
                return false;
            }
        }
        return true;
    }

    private static byte lower(final byte b)
    {
        return b >= 'A' && b <= 'Z' ? (byte)(b + ('a' - 'A')) : b;
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
