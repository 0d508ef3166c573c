package io.vnicsigner.signer.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import io.vnicsigner.signer.identity.Countersigner;
import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.sigv4.AmzDate;
import io.vnicsigner.signer.sigv4.Credentials;
import io.vnicsigner.signer.sigv4.Hex;
import io.vnicsigner.signer.sigv4.HmacSha256;
import io.vnicsigner.signer.sigv4.PayloadMode;
import io.vnicsigner.signer.sigv4.SigV4Signer;
import io.vnicsigner.signer.sigv4.SignMode;
import io.vnicsigner.signer.sigv4.SignedOutput;
import io.vnicsigner.signer.sigv4.SigningRequest;
import io.vnicsigner.signer.sigv4.UriMode;

/**
 * Provider-side check of SigV4 requests (header or presigned) and of countersignatures: recomputes the
 * signature with {@link SigV4Signer}, compares in constant time, enforces the skew window and presign expiry,
 * and optionally rejects replays. Allocates a little per call (parsed strings); not for the dataplane.
 * Header-signed requests must carry {@code x-amz-date} (the {@code Date} header alternative is not supported);
 * a presigned S3 request without {@code x-amz-content-sha256} is checked as {@code UNSIGNED-PAYLOAD}.
 */
public final class SigV4Verifier
{
    public static final long DEFAULT_MAX_SKEW_MILLIS = 5 * 60 * 1000L;

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    private final CredentialsLookup lookup;
    private final long maxSkewMillis;
    private final ReplayCache replayCache;
    private final SigV4Signer signer = new SigV4Signer();
    private final SigningRequest signed = new SigningRequest();
    private final SignedOutput out = new SignedOutput();
    private final MessageDigest sha256 = HmacSha256.newSha256();

    public SigV4Verifier(final CredentialsLookup lookup)
    {
        this(lookup, DEFAULT_MAX_SKEW_MILLIS, null);
    }

    /** {@code replayCache} may be null to accept repeated signatures. */
    public SigV4Verifier(final CredentialsLookup lookup, final long maxSkewMillis, final ReplayCache replayCache)
    {
        this.lookup = lookup;
        this.maxSkewMillis = maxSkewMillis;
        this.replayCache = replayCache;
    }

    /** Verifies the request as received (all its headers, its body if any) at {@code nowMillis}. */
    public ReasonCode verify(final SigningRequest request, final UriMode uriMode, final long nowMillis)
    {
        final String authorization = request.header("authorization");
        if (authorization != null)
        {
            return verifyHeader(request, authorization, uriMode, nowMillis);
        }
        final List<String[]> query = queryParams(request.target());
        if (param(query, "X-Amz-Signature") != null || param(query, "X-Amz-Algorithm") != null)
        {
            return verifyPresigned(request, query, uriMode, nowMillis);
        }
        return ReasonCode.MISSING_AUTH;
    }

    /** Checks {@code x-vnic-countersignature} against the tenant's secret and the identity the request names. */
    public ReasonCode verifyCountersignature(final SigningRequest request, final Credentials tenant)
    {
        final String value = request.header(Countersigner.HEADER);
        if (value == null)
        {
            return ReasonCode.MISSING_AUTH;
        }
        final String identity = request.header(IdentityHeaders.IDENTITY);
        final String trimmed = value.strip();
        if (identity == null || !trimmed.startsWith("v1 ") || trimmed.length() != Countersigner.VALUE_LENGTH)
        {
            return ReasonCode.MALFORMED;
        }
        final byte[] given = new byte[HmacSha256.LENGTH];
        final byte[] hex = trimmed.substring(3).getBytes(StandardCharsets.US_ASCII);
        if (!Hex.decode(hex, 0, hex.length, given, 0))
        {
            return ReasonCode.MALFORMED;
        }
        final byte[] expected = new byte[HmacSha256.LENGTH];
        if (new Countersigner(tenant, identity.strip()).compute(request, expected, 0) != Countersigner.OK)
        {
            return ReasonCode.MALFORMED;
        }
        return MessageDigest.isEqual(expected, given) ? ReasonCode.OK : ReasonCode.BAD_SIGNATURE;
    }

    private ReasonCode verifyHeader(
        final SigningRequest request, final String authorization, final UriMode uriMode, final long nowMillis)
    {
        final String value = authorization.strip();
        if (!value.startsWith(ALGORITHM + " "))
        {
            return ReasonCode.MALFORMED;
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (final String part : value.substring(ALGORITHM.length() + 1).split(","))
        {
            final String p = part.strip();
            final int eq = p.indexOf('=');
            if (eq < 0)
            {
                return ReasonCode.MALFORMED;
            }
            final String v = p.substring(eq + 1).strip();
            switch (p.substring(0, eq).strip())
            {
                case "Credential" -> credential = v;
                case "SignedHeaders" -> signedHeaders = v;
                case "Signature" -> signature = v;
                default -> { }
            }
        }
        final String amzDate = request.header("x-amz-date");
        if (credential == null || signedHeaders == null || signature == null || amzDate == null)
        {
            return ReasonCode.MALFORMED;
        }
        final long time = AmzDate.parse(amzDate.strip().getBytes(StandardCharsets.US_ASCII), 0, amzDate.strip().length());
        if (time == Long.MIN_VALUE)
        {
            return ReasonCode.MALFORMED;
        }
        return check(request, credential, signedHeaders, signature, amzDate.strip(), time, -1, uriMode, nowMillis);
    }

    private ReasonCode verifyPresigned(
        final SigningRequest request, final List<String[]> query, final UriMode uriMode, final long nowMillis)
    {
        final String algorithm = param(query, "X-Amz-Algorithm");
        final String credential = param(query, "X-Amz-Credential");
        final String amzDate = param(query, "X-Amz-Date");
        final String expires = param(query, "X-Amz-Expires");
        final String signedHeaders = param(query, "X-Amz-SignedHeaders");
        final String signature = param(query, "X-Amz-Signature");
        if (!ALGORITHM.equals(algorithm) || credential == null || amzDate == null || expires == null ||
            signedHeaders == null || signature == null)
        {
            return ReasonCode.MALFORMED;
        }
        final long time = AmzDate.parse(amzDate.getBytes(StandardCharsets.US_ASCII), 0, amzDate.length());
        final int expirySeconds;
        try
        {
            expirySeconds = Integer.parseInt(expires);
        }
        catch (final NumberFormatException ex)
        {
            return ReasonCode.MALFORMED;
        }
        if (time == Long.MIN_VALUE || expirySeconds < 1 || expirySeconds > SigningRequest.MAX_PRESIGN_EXPIRY_SECONDS)
        {
            return ReasonCode.MALFORMED;
        }
        return check(request, credential, signedHeaders, signature, amzDate, time, expirySeconds, uriMode, nowMillis);
    }

    private ReasonCode check(
        final SigningRequest request, final String credential, final String signedHeaders, final String signature,
        final String amzDate, final long time, final int expirySeconds, final UriMode uriMode, final long nowMillis)
    {
        final String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4]) || !amzDate.startsWith(scope[1]) ||
            signature.length() != 64)
        {
            return ReasonCode.MALFORMED;
        }
        final Credentials credentials = lookup.lookup(scope[0]);
        if (credentials == null)
        {
            return ReasonCode.UNKNOWN_KEY;
        }
        final boolean presign = expirySeconds > 0;
        if (presign)
        {
            if (time - maxSkewMillis > nowMillis)
            {
                return ReasonCode.SKEWED;
            }
            if (nowMillis > time + expirySeconds * 1000L)
            {
                return ReasonCode.EXPIRED;
            }
        }
        else if (Math.abs(nowMillis - time) > maxSkewMillis)
        {
            return ReasonCode.SKEWED;
        }

        final ReasonCode copied = copySigned(request, signedHeaders, presign, uriMode);
        if (copied != ReasonCode.OK)
        {
            return copied;
        }
        final int code = signer.recompute(signed, credentials, scope[2], scope[3],
            presign ? SignMode.PRESIGN : SignMode.HEADER, uriMode, time, out);
        if (code != SigV4Signer.OK)
        {
            return ReasonCode.MALFORMED;
        }
        final String token = presign ?
            param(queryParams(request.target()), "X-Amz-Security-Token") : request.header("x-amz-security-token");
        final boolean tokenOk = credentials.sessionToken() == null ||
            (token != null && credentials.sessionToken().equals(token.strip()));
        if (!MessageDigest.isEqual(out.signature(), signature.getBytes(StandardCharsets.US_ASCII)) || !tokenOk)
        {
            return ReasonCode.BAD_SIGNATURE;
        }
        if (replayCache != null &&
            replayCache.checkAndRecord(signature, presign ? time + expirySeconds * 1000L : time + maxSkewMillis, nowMillis))
        {
            return ReasonCode.REPLAYED;
        }
        return ReasonCode.OK;
    }

    /** Fills the scratch view with the method, target, signed headers only and the payload hash to use. */
    private ReasonCode copySigned(
        final SigningRequest request, final String signedHeaders, final boolean presign, final UriMode uriMode)
    {
        signed.reset();
        signed.method(request.methodBytes(), 0, request.methodLength());
        signed.target(request.targetBytes(), 0, request.targetLength());
        for (final String name : signedHeaders.split(";", -1))
        {
            final byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            boolean found = false;
            for (int i = 0; i < request.headerCount(); i++)
            {
                if (request.nameEquals(i, n, 0, n.length))
                {
                    found = true;
                    if (!signed.addHeader(request.arena(), request.nameOffset(i), request.nameLength(i),
                        request.arena(), request.valueOffset(i), request.valueLength(i)))
                    {
                        return ReasonCode.MALFORMED;
                    }
                }
            }
            if (!found)
            {
                return ReasonCode.MALFORMED;
            }
        }

        final String contentSha256 = request.header("x-amz-content-sha256");
        if (contentSha256 == null)
        {
            signed.payloadMode(presign && uriMode == UriMode.S3 ? PayloadMode.UNSIGNED : PayloadMode.HASH);
            if (request.body() != null)
            {
                signed.body(request.body(), request.bodyOffset(), request.bodyLength());
            }
            return ReasonCode.OK;
        }
        final String claimed = contentSha256.strip();
        if (UNSIGNED_PAYLOAD.equals(claimed))
        {
            signed.payloadMode(PayloadMode.UNSIGNED);
            return ReasonCode.OK;
        }
        final byte[] hex = claimed.getBytes(StandardCharsets.US_ASCII);
        if (hex.length != 64 || !signed.payloadHashHex(hex, 0))
        {
            return ReasonCode.MALFORMED;
        }
        if (request.body() != null)
        {
            sha256.reset();
            sha256.update(request.body(), request.bodyOffset(), request.bodyLength());
            final byte[] actual = new byte[64];
            Hex.encode(sha256.digest(), 0, 32, actual, 0);
            if (!MessageDigest.isEqual(actual, hex))
            {
                return ReasonCode.BAD_SIGNATURE;
            }
        }
        return ReasonCode.OK;
    }

    private static String param(final List<String[]> query, final String name)
    {
        for (final String[] p : query)
        {
            if (p[0].equals(name))
            {
                return p[1];
            }
        }
        return null;
    }

    /** Decoded query parameters of a target ({@code +} stays literal here: AWS parameter values never use it). */
    static List<String[]> queryParams(final String target)
    {
        final List<String[]> params = new ArrayList<>();
        final int q = target.indexOf('?');
        if (q < 0)
        {
            return params;
        }
        for (final String pair : target.substring(q + 1).split("&"))
        {
            if (pair.isEmpty())
            {
                continue;
            }
            final int eq = pair.indexOf('=');
            params.add(new String[] {
                percentDecode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : percentDecode(pair.substring(eq + 1))});
        }
        return params;
    }

    private static String percentDecode(final String s)
    {
        final byte[] in = s.getBytes(StandardCharsets.UTF_8);
        final byte[] decoded = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++)
        {
            if (in[i] == '%' && i + 2 < in.length && Hex.digit(in[i + 1]) >= 0 && Hex.digit(in[i + 2]) >= 0)
            {
                decoded[n++] = (byte)((Hex.digit(in[i + 1]) << 4) | Hex.digit(in[i + 2]));
                i += 2;
            }
            else
            {
                decoded[n++] = in[i];
            }
        }
        return new String(decoded, 0, n, StandardCharsets.UTF_8);
    }
}
