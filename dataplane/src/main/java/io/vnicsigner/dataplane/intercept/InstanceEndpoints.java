package io.vnicsigner.dataplane.intercept;

import java.nio.charset.StandardCharsets;

import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.http.HttpResponseWriter;
import io.vnicsigner.dataplane.sign.InstanceServices;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.signer.token.SessionTokens;

/**
 * The signing IP's own answers to an instance: {@code PUT /vnic/v1/token} mints a session token for
 * {@code X-Vnic-Token-TTL-Seconds} (1..21600) seconds, {@code GET /vnic/v1/identity} returns the instance's identity
 * document with its signature in {@code X-Vnic-Signature}, and {@link #checkToken} guards the signing path of
 * instances that require tokens. A request carrying {@code X-Forwarded-For} never gets here: the sessions refuse
 * it first (403), so a request relayed by a proxy inside the guest cannot obtain a token. These are rare
 * requests: minting and checking allocate (see {@link SessionTokens}).
 */
final class InstanceEndpoints
{
    static final int NOT_MINE = 0;
    static final int TOKEN = 1;
    static final int IDENTITY = 2;

    /** {@link #checkToken}: no token needed, or a valid one presented. */
    static final int TOKEN_OK = 0;
    static final int TOKEN_MISSING = 1;
    static final int TOKEN_INVALID = 2;

    private static final byte[] TOKEN_PATH = ascii("/vnic/v1/token");
    private static final byte[] IDENTITY_PATH = ascii("/vnic/v1/identity");
    private static final byte[] TTL_HEADER = ascii("x-vnic-token-ttl-seconds");
    private static final byte[] TOKEN_HEADER = ascii("x-vnic-token");
    private static final byte[] CONTENT_TYPE = ascii("Content-Type");
    private static final byte[] TEXT = ascii("text/plain");
    private static final byte[] JSON = ascii("application/json");
    private static final byte[] TTL_RESPONSE_HEADER = ascii("X-Vnic-Token-TTL-Seconds");
    private static final byte[] SIGNATURE_HEADER = ascii("X-Vnic-Signature");
    private static final byte[] BAD_TTL = ascii("bad_token_ttl");
    private static final byte[] NO_IDENTITY = ascii("no_identity");
    private static final byte[] NOT_OFFERED = ascii("tokens_not_offered");

    private final InstanceServices services;

    InstanceEndpoints(final InstanceServices services)
    {
        this.services = services;
    }

    /** Which of these endpoints answers {@code request}, or {@link #NOT_MINE}. */
    int route(final HttpRequest request)
    {
        final int method = request.method();
        if (method == HttpRequest.METHOD_PUT && request.pathEquals(TOKEN_PATH))
        {
            return TOKEN;
        }
        if ((method == HttpRequest.METHOD_GET || method == HttpRequest.METHOD_HEAD) && request.pathEquals(IDENTITY_PATH))
        {
            return IDENTITY;
        }
        return NOT_MINE;
    }

    /**
     * Writes the whole response for {@code route}.
     *
     * @param instance the guest's instance; null when it has none.
     * @return the response's status.
     */
    int respond(
        final int route, final HttpRequest request, final SigningIdentity instance, final long nowNs,
        final boolean close, final HttpResponseWriter writer)
    {
        if (instance == null)
        {
            writer.errorResponse(403, NO_IDENTITY, -1, close, request);
            return 403;
        }
        return route == TOKEN ? mint(request, instance, nowNs, close, writer) : identity(request, instance, close, writer);
    }

    /**
     * @return {@link #TOKEN_OK}, {@link #TOKEN_MISSING} or {@link #TOKEN_INVALID} (forged, expired, or minted for
     * another instance).
     */
    int checkToken(final HttpRequest request, final SigningIdentity instance, final long nowNs)
    {
        if (!services.tokensRequired().contains(instance.instanceId()))
        {
            return TOKEN_OK;
        }
        final int index = request.indexOf(TOKEN_HEADER);
        if (index < 0)
        {
            return TOKEN_MISSING;
        }
        if (services.tokens() == null || request.indexOf(TOKEN_HEADER, index + 1) >= 0)
        {
            return TOKEN_INVALID;
        }
        final String token = request.buffer().getStringWithoutLengthAscii(
            request.headerValueOffset(index), request.headerValueLength(index));
        return services.tokens().check(token, instance.instanceId(), nowNs / 1_000_000_000L) == SessionTokens.VALID ?
            TOKEN_OK : TOKEN_INVALID;
    }

    private int mint(
        final HttpRequest request, final SigningIdentity instance, final long nowNs, final boolean close,
        final HttpResponseWriter writer)
    {
        if (services.tokens() == null)
        {
            writer.errorResponse(404, NOT_OFFERED, -1, close, request);
            return 404;
        }
        final long ttl = ttlSeconds(request);
        if (ttl < SessionTokens.MIN_TTL_SECONDS || ttl > SessionTokens.MAX_TTL_SECONDS)
        {
            writer.errorResponse(400, BAD_TTL, -1, close, request);
            return 400;
        }
        final byte[] token = services.tokens().mint(instance.instanceId(), nowNs / 1_000_000_000L, ttl)
            .getBytes(StandardCharsets.US_ASCII);
        writer.status(200).header(CONTENT_TYPE, TEXT).header(TTL_RESPONSE_HEADER, ttl).contentLength(token.length)
            .connection(close, request.version()).endHeaders().body(token);
        return 200;
    }

    private int identity(
        final HttpRequest request, final SigningIdentity instance, final boolean close, final HttpResponseWriter writer)
    {
        final InstanceServices.SignedDocument document = services.documents().get(instance.instanceId());
        if (document == null)
        {
            writer.errorResponse(404, NO_IDENTITY, -1, close, request);
            return 404;
        }
        writer.status(200).header(CONTENT_TYPE, JSON)
            .header(SIGNATURE_HEADER, document.signature().getBytes(StandardCharsets.US_ASCII))
            .contentLength(document.json().length).connection(close, request.version()).endHeaders();
        if (!request.isHead())
        {
            writer.body(document.json());
        }
        return 200;
    }

    /** The TTL header's value, or -1 when it is missing, repeated, or not 1..5 decimal digits. */
    private static long ttlSeconds(final HttpRequest request)
    {
        final int index = request.indexOf(TTL_HEADER);
        if (index < 0 || request.indexOf(TTL_HEADER, index + 1) >= 0)
        {
            return -1;
        }
        final int offset = request.headerValueOffset(index);
        final int length = request.headerValueLength(index);
        if (length < 1 || length > 5)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final int digit = request.buffer().getByte(offset + i) - '0';
            if (digit < 0 || digit > 9)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
