package io.vnicsigner.signer.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * AWS Signature Version 4 ({@code AWS4-HMAC-SHA256}) over a {@link SigningRequest}: builds the canonical
 * request and string to sign in reused buffers and writes the result into a {@link SignedOutput}. Pure: the
 * time comes in as an argument, bad input comes back as a negative code. Not thread-safe: one per agent.
 * Deviations from the letter of the specification follow the AWS SDK and are written down on
 * {@link CanonicalUri}, {@link CanonicalQuery} and {@link CanonicalHeaders}.
 */
public final class SigV4Signer
{
    public static final int OK = 0;
    /** A bound of the signer's or the output's buffers would be exceeded. */
    public static final int ERR_TOO_LARGE = -1;
    /** Presign expiry outside 1 s to 7 days. */
    public static final int ERR_EXPIRY = -2;
    /** No method set on the request. */
    public static final int ERR_NO_METHOD = -3;
    /** The view's header bound was reached while adding the signer's own headers. */
    public static final int ERR_TOO_MANY_HEADERS = -4;

    public static final int MAX_QUERY_PARAMS = 256;

    private static final byte[] ALGORITHM = ascii("AWS4-HMAC-SHA256");
    private static final byte[] UNSIGNED_PAYLOAD = ascii("UNSIGNED-PAYLOAD");
    private static final byte[] EMPTY_SHA256 = ascii("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    private static final byte[] AWS4_REQUEST = ascii("aws4_request");
    private static final byte[] CREDENTIAL = ascii(" Credential=");
    private static final byte[] SIGNED_HEADERS = ascii(", SignedHeaders=");
    private static final byte[] SIGNATURE = ascii(", Signature=");
    private static final byte[] H_AUTHORIZATION = ascii("authorization");
    private static final byte[] H_X_AMZ_DATE = ascii("x-amz-date");
    private static final byte[] H_X_AMZ_CONTENT_SHA256 = ascii("x-amz-content-sha256");
    private static final byte[] H_X_AMZ_SECURITY_TOKEN = ascii("x-amz-security-token");
    private static final byte[][] REPLACED = {H_AUTHORIZATION, H_X_AMZ_DATE};
    private static final byte[][] REPLACED_WITH_HASH = {H_AUTHORIZATION, H_X_AMZ_DATE, H_X_AMZ_CONTENT_SHA256};
    private static final byte[][] REPLACED_WITH_TOKEN = {H_AUTHORIZATION, H_X_AMZ_DATE, H_X_AMZ_SECURITY_TOKEN};
    private static final byte[][] REPLACED_WITH_HASH_AND_TOKEN =
    {
        H_AUTHORIZATION, H_X_AMZ_DATE, H_X_AMZ_CONTENT_SHA256, H_X_AMZ_SECURITY_TOKEN,
    };
    private static final byte[] Q_ALGORITHM = ascii("X-Amz-Algorithm");
    private static final byte[] Q_CREDENTIAL = ascii("X-Amz-Credential");
    private static final byte[] Q_DATE = ascii("X-Amz-Date");
    private static final byte[] Q_EXPIRES = ascii("X-Amz-Expires");
    private static final byte[] Q_SECURITY_TOKEN = ascii("X-Amz-Security-Token");
    private static final byte[] Q_SIGNED_HEADERS = ascii("X-Amz-SignedHeaders");

    private final MessageDigest sha256 = HmacSha256.newSha256();
    private final HmacSha256 hmac = new HmacSha256();
    private final SigningKeyCache keyCache;
    private final CanonicalUri uri;
    private final CanonicalQuery query;
    private final CanonicalHeaders headers;
    private final byte[] hash = new byte[32];
    private final byte[] payloadHex = new byte[64];
    private final byte[] canonical;
    private int canonicalLength;
    private final byte[] stringToSign = new byte[512];
    private int stringToSignLength;
    private final byte[] scope = new byte[256];
    private int scopeLength;
    private final byte[] credential = new byte[512];
    private final byte[] number = new byte[20];
    private byte[] loadedKey;
    private long loadedMisses = -1;

    public SigV4Signer()
    {
        this(new SigningKeyCache(256), SigningRequest.DEFAULT_MAX_HEADERS, SigningRequest.DEFAULT_ARENA_BYTES,
            SigningRequest.DEFAULT_MAX_TARGET);
    }

    /** A signer sized for views built with the same bounds. */
    public SigV4Signer(final SigningKeyCache keyCache, final int maxHeaders, final int arenaBytes, final int maxTarget)
    {
        this.keyCache = keyCache;
        uri = new CanonicalUri(maxTarget);
        query = new CanonicalQuery(maxTarget, MAX_QUERY_PARAMS);
        headers = new CanonicalHeaders(maxHeaders, arenaBytes);
        canonical = new byte[arenaBytes * 2 + maxTarget * 6 + 16384];
    }

    public SigningKeyCache keyCache()
    {
        return keyCache;
    }

    /**
     * Signs the request at {@code epochMillis}. In {@link SignMode#HEADER} mode the view gains
     * {@code x-amz-date}, {@code x-amz-content-sha256} (if asked) and {@code x-amz-security-token} (if the
     * credentials have one), replacing any it had, and its {@code authorization} is dropped; in
     * {@link SignMode#PRESIGN} mode the output holds the target with the {@code X-Amz-*} parameters.
     */
    public int sign(
        final SigningRequest request, final Credentials credentials, final String region, final String service,
        final SignMode mode, final UriMode uriMode, final long epochMillis, final SignedOutput out)
    {
        return run(request, credentials, region, service, mode, uriMode, epochMillis, out, false);
    }

    /**
     * Recomputes the signature of a request already signed, for a verifier: the view must hold exactly the
     * signed headers (with their {@code x-amz-date}) and, in presign mode, the target with its
     * {@code X-Amz-*} parameters (the {@code X-Amz-Signature} one is skipped). Only the signature is output.
     */
    public int recompute(
        final SigningRequest request, final Credentials credentials, final String region, final String service,
        final SignMode mode, final UriMode uriMode, final long epochMillis, final SignedOutput out)
    {
        return run(request, credentials, region, service, mode, uriMode, epochMillis, out, true);
    }

    /** The canonical request of the last signing, valid until the next one. */
    public byte[] canonicalRequest()
    {
        return canonical;
    }

    public int canonicalRequestLength()
    {
        return canonicalLength;
    }

    /** The string to sign of the last signing, valid until the next one. */
    public byte[] stringToSign()
    {
        return stringToSign;
    }

    public int stringToSignLength()
    {
        return stringToSignLength;
    }

    public String canonicalRequestAsString()
    {
        return new String(canonical, 0, canonicalLength, StandardCharsets.UTF_8);
    }

    public String stringToSignAsString()
    {
        return new String(stringToSign, 0, stringToSignLength, StandardCharsets.UTF_8);
    }

    private int run(
        final SigningRequest request, final Credentials credentials, final String region, final String service,
        final SignMode mode, final UriMode uriMode, final long epochMillis, final SignedOutput out,
        final boolean verify)
    {
        out.clear();
        if (request.methodLength() == 0)
        {
            return ERR_NO_METHOD;
        }
        final boolean presign = mode == SignMode.PRESIGN;
        final int expiry = request.presignExpirySeconds();
        if (presign && !verify && (expiry < 1 || expiry > SigningRequest.MAX_PRESIGN_EXPIRY_SECONDS))
        {
            return ERR_EXPIRY;
        }
        if (region.length() + service.length() > scope.length - 32)
        {
            return ERR_TOO_LARGE;
        }
        AmzDate.format(epochMillis, out.amzDate, 0);
        final byte[] payload = payloadHash(request);
        final int payloadLength = payload == UNSIGNED_PAYLOAD ? UNSIGNED_PAYLOAD.length : 64;
        if (!verify && !presign)
        {
            final int code = addSignerHeaders(request, credentials, out, payload, payloadLength);
            if (code != OK)
            {
                return code;
            }
        }
        buildScope(out.amzDate, region, service);
        if (!headers.sort(request, !verify))
        {
            return ERR_TOO_LARGE;
        }
        final int c = canonicalRequest(request, credentials, out, uriMode, presign && !verify, verify, payload, payloadLength);
        if (c < 0)
        {
            return ERR_TOO_LARGE;
        }
        canonicalLength = c;
        signature(credentials, region, service, out);
        if (verify)
        {
            return OK;
        }
        return presign ? writePresignedTarget(request, out) : writeAuthorization(credentials, out);
    }

    private int canonicalRequest(
        final SigningRequest request, final Credentials credentials, final SignedOutput out, final UriMode uriMode,
        final boolean addPresignParams, final boolean verify, final byte[] payload, final int payloadLength)
    {
        int c = put(canonical, 0, request.methodBytes(), 0, request.methodLength());
        canonical[c++] = '\n';
        final byte[] target = request.targetBytes();
        final int targetLength = request.targetLength();
        final int queryStart = indexOf(target, 0, targetLength, (byte)'?');
        c = uri.write(target, queryStart < 0 ? targetLength : queryStart, uriMode, canonical, c);
        if (c < 0)
        {
            return -1;
        }
        canonical[c++] = '\n';
        query.reset();
        if (queryStart >= 0 && !query.parse(target, queryStart + 1, targetLength, verify))
        {
            return -1;
        }
        if (addPresignParams && !addPresignParams(credentials, out, request.presignExpirySeconds()))
        {
            return -1;
        }
        c = query.write(canonical, c);
        if (c < 0)
        {
            return -1;
        }
        canonical[c++] = '\n';
        c = headers.write(request, canonical, c);
        final int signedLength = headers.signedHeadersLength();
        if (c < 0 || c + signedLength + payloadLength + 2 > canonical.length)
        {
            return -1;
        }
        canonical[c++] = '\n';
        c = put(canonical, c, headers.signedHeaders(), 0, signedLength);
        canonical[c++] = '\n';
        return put(canonical, c, payload, 0, payloadLength);
    }

    private void signature(
        final Credentials credentials, final String region, final String service, final SignedOutput out)
    {
        sha256.reset();
        sha256.update(canonical, 0, canonicalLength);
        digest(hash);
        int s = put(stringToSign, 0, ALGORITHM, 0, ALGORITHM.length);
        stringToSign[s++] = '\n';
        s = put(stringToSign, s, out.amzDate, 0, AmzDate.LENGTH);
        stringToSign[s++] = '\n';
        s = put(stringToSign, s, scope, 0, scopeLength);
        stringToSign[s++] = '\n';
        stringToSignLength = Hex.encode(hash, 0, 32, stringToSign, s);

        final byte[] key = keyCache.key(credentials, date(out.amzDate), out.amzDate, 0, region, service);
        // Reloading the HMAC pads is skipped while the same cache slot holds the same derived key.
        if (key != loadedKey || keyCache.misses() != loadedMisses)
        {
            hmac.init(key, 0, HmacSha256.LENGTH);
            loadedKey = key;
            loadedMisses = keyCache.misses();
        }
        else
        {
            hmac.start();
        }
        hmac.update(stringToSign, 0, stringToSignLength).doFinal(hash, 0);
        Hex.encode(hash, 0, 32, out.signature, 0);
    }

    private byte[] payloadHash(final SigningRequest request)
    {
        switch (request.payloadMode())
        {
            case UNSIGNED:
                return UNSIGNED_PAYLOAD;
            case EMPTY:
                return EMPTY_SHA256;
            default:
                if (request.hasPayloadHash())
                {
                    return request.payloadHash();
                }
                if (request.body() == null || request.bodyLength() == 0)
                {
                    return EMPTY_SHA256;
                }
                sha256.reset();
                sha256.update(request.body(), request.bodyOffset(), request.bodyLength());
                digest(hash);
                Hex.encode(hash, 0, 32, payloadHex, 0);
                return payloadHex;
        }
    }

    private int addSignerHeaders(
        final SigningRequest request, final Credentials credentials, final SignedOutput out,
        final byte[] payload, final int payloadLength)
    {
        request.removeHeaders(request.contentSha256Header() ? (credentials.sessionTokenBytes() != null ?
            REPLACED_WITH_HASH_AND_TOKEN : REPLACED_WITH_HASH) :
            (credentials.sessionTokenBytes() != null ? REPLACED_WITH_TOKEN : REPLACED));
        if (!request.addHeader(H_X_AMZ_DATE, 0, H_X_AMZ_DATE.length, out.amzDate, 0, AmzDate.LENGTH))
        {
            return ERR_TOO_MANY_HEADERS;
        }
        out.dateHeader = true;
        if (request.contentSha256Header())
        {
            if (!request.addHeader(
                H_X_AMZ_CONTENT_SHA256, 0, H_X_AMZ_CONTENT_SHA256.length, payload, 0, payloadLength))
            {
                return ERR_TOO_MANY_HEADERS;
            }
            System.arraycopy(payload, 0, out.contentSha256, 0, payloadLength);
            out.contentSha256Length = payloadLength;
        }
        final byte[] token = credentials.sessionTokenBytes();
        if (token != null)
        {
            if (!request.addHeader(H_X_AMZ_SECURITY_TOKEN, 0, H_X_AMZ_SECURITY_TOKEN.length, token, 0, token.length))
            {
                return ERR_TOO_MANY_HEADERS;
            }
            out.securityToken = token;
        }
        return OK;
    }

    private void buildScope(final byte[] amzDate, final String region, final String service)
    {
        int s = put(scope, 0, amzDate, 0, 8);
        scope[s++] = '/';
        s = putAscii(scope, s, region);
        scope[s++] = '/';
        s = putAscii(scope, s, service);
        scope[s++] = '/';
        scopeLength = put(scope, s, AWS4_REQUEST, 0, AWS4_REQUEST.length);
    }

    private boolean addPresignParams(final Credentials credentials, final SignedOutput out, final int expirySeconds)
    {
        final byte[] ak = credentials.accessKeyIdBytes();
        if (ak.length + 1 + scopeLength > credential.length)
        {
            return false;
        }
        int c = put(credential, 0, ak, 0, ak.length);
        credential[c++] = '/';
        c = put(credential, c, scope, 0, scopeLength);
        final int digits = digits(expirySeconds);
        final byte[] token = credentials.sessionTokenBytes();
        return query.add(Q_ALGORITHM, ALGORITHM, 0, ALGORITHM.length) &&
            query.add(Q_CREDENTIAL, credential, 0, c) &&
            query.add(Q_DATE, out.amzDate, 0, AmzDate.LENGTH) &&
            query.add(Q_EXPIRES, number, number.length - digits, digits) &&
            (token == null || query.add(Q_SECURITY_TOKEN, token, 0, token.length)) &&
            query.add(Q_SIGNED_HEADERS, headers.signedHeaders(), 0, headers.signedHeadersLength());
    }

    private int writeAuthorization(final Credentials credentials, final SignedOutput out)
    {
        final byte[] ak = credentials.accessKeyIdBytes();
        final byte[] a = out.authorization;
        final int signedLength = headers.signedHeadersLength();
        if (ALGORITHM.length + CREDENTIAL.length + ak.length + 1 + scopeLength + SIGNED_HEADERS.length +
            signedLength + SIGNATURE.length + 64 > a.length)
        {
            return ERR_TOO_LARGE;
        }
        int o = put(a, 0, ALGORITHM, 0, ALGORITHM.length);
        o = put(a, o, CREDENTIAL, 0, CREDENTIAL.length);
        o = put(a, o, ak, 0, ak.length);
        a[o++] = '/';
        o = put(a, o, scope, 0, scopeLength);
        o = put(a, o, SIGNED_HEADERS, 0, SIGNED_HEADERS.length);
        o = put(a, o, headers.signedHeaders(), 0, signedLength);
        o = put(a, o, SIGNATURE, 0, SIGNATURE.length);
        out.authorizationLength = put(a, o, out.signature, 0, 64);
        return OK;
    }

    /** Original target, then the presign parameters in canonical order, then {@code X-Amz-Signature}. */
    private int writePresignedTarget(final SigningRequest request, final SignedOutput out)
    {
        final byte[] t = out.presignedTarget;
        final int targetLength = request.targetLength();
        if (targetLength > t.length)
        {
            return ERR_TOO_LARGE;
        }
        int o = put(t, 0, request.targetBytes(), 0, targetLength);
        final boolean hasQuery = indexOf(request.targetBytes(), 0, targetLength, (byte)'?') >= 0;
        o = query.writeAdded(t, o, hasQuery ? '&' : '?');
        if (o < 0 || o + CanonicalQuery.SIGNATURE.length + 66 > t.length)
        {
            return ERR_TOO_LARGE;
        }
        t[o++] = '&';
        o = put(t, o, CanonicalQuery.SIGNATURE, 0, CanonicalQuery.SIGNATURE.length);
        t[o++] = '=';
        out.presignedTargetLength = put(t, o, out.signature, 0, 64);
        return OK;
    }

    private int digits(final int value)
    {
        int v = value;
        int n = 0;
        do
        {
            number[number.length - 1 - n] = (byte)('0' + v % 10);
            v /= 10;
            n++;
        }
        while (v > 0);
        return n;
    }

    private static int date(final byte[] amzDate)
    {
        int d = 0;
        for (int i = 0; i < 8; i++)
        {
            d = d * 10 + (amzDate[i] - '0');
        }
        return d;
    }

    private static int indexOf(final byte[] src, final int from, final int to, final byte b)
    {
        for (int i = from; i < to; i++)
        {
            if (src[i] == b)
            {
                return i;
            }
        }
        return -1;
    }

    private static int put(final byte[] dst, final int offset, final byte[] src, final int srcOffset, final int length)
    {
        System.arraycopy(src, srcOffset, dst, offset, length);
        return offset + length;
    }

    private static int putAscii(final byte[] dst, final int offset, final String s)
    {
        for (int i = 0, n = s.length(); i < n; i++)
        {
            dst[offset + i] = (byte)s.charAt(i);
        }
        return offset + s.length();
    }

    private void digest(final byte[] out)
    {
        try
        {
            sha256.digest(out, 0, 32);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
