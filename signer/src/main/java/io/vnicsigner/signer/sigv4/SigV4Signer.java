package io.vnicsigner.signer.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * AWS Signature Version 4 ({@code AWS4-HMAC-SHA256}) over a {@link SigningRequest}: builds the canonical
 * request and string to sign in reused buffers and writes the result into a {@link SignedOutput}. Pure: the
 * time comes in as an argument, bad input comes back as a negative code. Not thread-safe: one per agent.
 *
 * <p>Deviations written down: the signer leaves {@code authorization}, {@code connection}, {@code expect},
 * {@code user-agent} and {@code x-amzn-trace-id} out of {@code SignedHeaders}, as the AWS SDK does, because
 * proxies rewrite them; a {@code +} in the query decodes to a space, as in form encoding and the SDK; query
 * parameters with an empty name are left out, as the SDK does.
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
    private static final byte[][] UNSIGNED_HEADERS =
    {
        H_AUTHORIZATION, ascii("connection"), ascii("expect"), ascii("user-agent"), ascii("x-amzn-trace-id"),
    };
    private static final byte[] Q_ALGORITHM = ascii("X-Amz-Algorithm");
    private static final byte[] Q_CREDENTIAL = ascii("X-Amz-Credential");
    private static final byte[] Q_DATE = ascii("X-Amz-Date");
    private static final byte[] Q_EXPIRES = ascii("X-Amz-Expires");
    private static final byte[] Q_SECURITY_TOKEN = ascii("X-Amz-Security-Token");
    private static final byte[] Q_SIGNED_HEADERS = ascii("X-Amz-SignedHeaders");
    private static final byte[] Q_SIGNATURE = ascii("X-Amz-Signature");
    private static final byte[] HEX_UPPER = ascii("0123456789ABCDEF");
    private static final boolean[] UNRESERVED = unreserved();

    private final MessageDigest sha256 = HmacSha256.newSha256();
    private final HmacSha256 hmac = new HmacSha256();
    private final SigningKeyCache keyCache;
    private final byte[] hash = new byte[32];
    private final byte[] payloadHex = new byte[64];
    private final byte[] canonical;
    private int canonicalLength;
    private final byte[] stringToSign = new byte[512];
    private int stringToSignLength;
    private final byte[] scope = new byte[256];
    private int scopeLength;
    private final byte[] signedHeaders;
    private int signedHeadersLength;
    private final byte[] pathScratch;
    private final int[] segmentOffsets;
    private final int[] segmentLengths;
    private final byte[] query;
    private int queryUsed;
    private final int[] qNameOffsets = new int[MAX_QUERY_PARAMS];
    private final int[] qNameLengths = new int[MAX_QUERY_PARAMS];
    private final int[] qValueOffsets = new int[MAX_QUERY_PARAMS];
    private final int[] qValueLengths = new int[MAX_QUERY_PARAMS];
    private final int[] qOrder = new int[MAX_QUERY_PARAMS];
    private int qCount;
    private final int[] hOrder;
    private int hCount;
    private int firstPresignParam;
    private byte[] loadedKey;
    private long loadedMisses = -1;
    private final byte[] number = new byte[20];

    public SigV4Signer()
    {
        this(new SigningKeyCache(256), SigningRequest.DEFAULT_MAX_HEADERS, SigningRequest.DEFAULT_ARENA_BYTES,
            SigningRequest.DEFAULT_MAX_TARGET);
    }

    /** A signer sized for views built with the same bounds. */
    public SigV4Signer(final SigningKeyCache keyCache, final int maxHeaders, final int arenaBytes, final int maxTarget)
    {
        this.keyCache = keyCache;
        hOrder = new int[maxHeaders + 4];
        signedHeaders = new byte[arenaBytes + 128];
        pathScratch = new byte[maxTarget];
        segmentOffsets = new int[maxTarget / 2 + 2];
        segmentLengths = new int[maxTarget / 2 + 2];
        query = new byte[maxTarget * 3 + 8192];
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
        if (presign && !verify &&
            (request.presignExpirySeconds() < 1 || request.presignExpirySeconds() > SigningRequest.MAX_PRESIGN_EXPIRY_SECONDS))
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
        if (!buildSignedHeaders(request, !verify))
        {
            return ERR_TOO_LARGE;
        }

        // Canonical request.
        int c = 0;
        c = put(canonical, c, request.methodBytes(), 0, request.methodLength());
        canonical[c++] = '\n';
        final byte[] target = request.targetBytes();
        final int targetLength = request.targetLength();
        final int queryStart = indexOf(target, 0, targetLength, (byte)'?');
        final int pathEnd = queryStart < 0 ? targetLength : queryStart;
        c = uriMode == UriMode.S3 ? s3Path(target, pathEnd, c) : defaultPath(target, pathEnd, c);
        if (c < 0)
        {
            return ERR_TOO_LARGE;
        }
        canonical[c++] = '\n';
        queryUsed = 0;
        qCount = 0;
        if (queryStart >= 0 && !parseQuery(target, queryStart + 1, targetLength, verify))
        {
            return ERR_TOO_LARGE;
        }
        if (presign && !verify && !addPresignParams(credentials, out, request.presignExpirySeconds()))
        {
            return ERR_TOO_LARGE;
        }
        c = writeQuery(c);
        if (c < 0)
        {
            return ERR_TOO_LARGE;
        }
        canonical[c++] = '\n';
        c = writeHeaders(request, c);
        if (c < 0 || c + signedHeadersLength + payloadLength + 2 > canonical.length)
        {
            return ERR_TOO_LARGE;
        }
        canonical[c++] = '\n';
        c = put(canonical, c, signedHeaders, 0, signedHeadersLength);
        canonical[c++] = '\n';
        c = put(canonical, c, payload, 0, payloadLength);
        canonicalLength = c;

        // String to sign.
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

        // Signature.
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

        if (verify)
        {
            return OK;
        }
        return presign ? writePresignedTarget(request, out) : writeAuthorization(credentials, out);
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
        request.removeHeader(H_AUTHORIZATION, 0, H_AUTHORIZATION.length);
        request.removeHeader(H_X_AMZ_DATE, 0, H_X_AMZ_DATE.length);
        if (!request.addHeader(H_X_AMZ_DATE, 0, H_X_AMZ_DATE.length, out.amzDate, 0, AmzDate.LENGTH))
        {
            return ERR_TOO_MANY_HEADERS;
        }
        out.dateHeader = true;
        if (request.contentSha256Header())
        {
            request.removeHeader(H_X_AMZ_CONTENT_SHA256, 0, H_X_AMZ_CONTENT_SHA256.length);
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
            request.removeHeader(H_X_AMZ_SECURITY_TOKEN, 0, H_X_AMZ_SECURITY_TOKEN.length);
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

    /** Sorts the headers to sign (stable, by name) into hOrder and writes the {@code a;b;c} list. */
    private boolean buildSignedHeaders(final SigningRequest request, final boolean skipUnsigned)
    {
        final byte[] arena = request.arena();
        int n = 0;
        for (int i = 0, count = request.headerCount(); i < count; i++)
        {
            if (skipUnsigned && isUnsigned(request, i))
            {
                continue;
            }
            int j = n;
            while (j > 0 && compareNames(request, arena, hOrder[j - 1], i) > 0)
            {
                hOrder[j] = hOrder[j - 1];
                j--;
            }
            hOrder[j] = i;
            n++;
        }
        hCount = n;
        int s = 0;
        for (int k = 0; k < n; k++)
        {
            final int h = hOrder[k];
            if (k > 0 && compareNames(request, arena, hOrder[k - 1], h) == 0)
            {
                continue;
            }
            if (s + request.nameLength(h) + 1 > signedHeaders.length)
            {
                return false;
            }
            if (s > 0)
            {
                signedHeaders[s++] = ';';
            }
            s = put(signedHeaders, s, arena, request.nameOffset(h), request.nameLength(h));
        }
        signedHeadersLength = s;
        return true;
    }

    private int writeHeaders(final SigningRequest request, final int offset)
    {
        final byte[] arena = request.arena();
        int c = offset;
        for (int k = 0; k < hCount; k++)
        {
            final int h = hOrder[k];
            final boolean continuation = k > 0 && compareNames(request, arena, hOrder[k - 1], h) == 0;
            if (c + request.nameLength(h) + request.valueLength(h) + 3 > canonical.length)
            {
                return -1;
            }
            if (continuation)
            {
                canonical[c++] = ',';
            }
            else
            {
                if (k > 0)
                {
                    canonical[c++] = '\n';
                }
                c = put(canonical, c, arena, request.nameOffset(h), request.nameLength(h));
                canonical[c++] = ':';
            }
            c = trimmedValue(arena, request.valueOffset(h), request.valueLength(h), c);
        }
        if (hCount > 0)
        {
            canonical[c++] = '\n';
        }
        return c;
    }

    /** Copies a header value with leading and trailing whitespace removed and inner runs folded to one space. */
    private int trimmedValue(final byte[] src, final int offset, final int length, final int dst)
    {
        int start = offset;
        int end = offset + length;
        while (start < end && isSpace(src[start]))
        {
            start++;
        }
        while (end > start && isSpace(src[end - 1]))
        {
            end--;
        }
        // Most values need no folding: one scan, then one copy.
        boolean fold = false;
        for (int i = start; i < end; i++)
        {
            final byte b = src[i];
            if (b <= ' ' && isSpace(b) && (b != ' ' || isSpace(src[i + 1])))
            {
                fold = true;
                break;
            }
        }
        if (!fold)
        {
            System.arraycopy(src, start, canonical, dst, end - start);
            return dst + end - start;
        }
        int c = dst;
        boolean inSpace = false;
        for (int i = start; i < end; i++)
        {
            final byte b = src[i];
            if (isSpace(b))
            {
                if (!inSpace)
                {
                    canonical[c++] = ' ';
                    inSpace = true;
                }
            }
            else
            {
                canonical[c++] = b;
                inSpace = false;
            }
        }
        return c;
    }

    /** Default rules: dot and empty segments removed, then every byte but '/' and unreserved escaped again. */
    private int defaultPath(final byte[] target, final int pathEnd, final int offset)
    {
        int segments = 0;
        int i = 0;
        // As the SDK does: a trailing slash survives only if the request's own path ends with one.
        final boolean trailingSlash = pathEnd > 0 && target[pathEnd - 1] == '/';
        while (i < pathEnd)
        {
            while (i < pathEnd && target[i] == '/')
            {
                i++;
            }
            final int start = i;
            while (i < pathEnd && target[i] != '/')
            {
                i++;
            }
            final int length = i - start;
            if (length == 0)
            {
                continue;
            }
            if (length == 1 && target[start] == '.')
            {
                continue;
            }
            if (length == 2 && target[start] == '.' && target[start + 1] == '.')
            {
                if (segments > 0)
                {
                    segments--;
                }
                continue;
            }
            segmentOffsets[segments] = start;
            segmentLengths[segments] = length;
            segments++;
        }
        int c = offset;
        if (c + pathEnd * 3 + 2 > canonical.length)
        {
            return -1;
        }
        canonical[c++] = '/';
        for (int s = 0; s < segments; s++)
        {
            if (s > 0)
            {
                canonical[c++] = '/';
            }
            for (int j = segmentOffsets[s], end = j + segmentLengths[s]; j < end; j++)
            {
                c = encodeByte(target[j], canonical, c);
            }
        }
        if (segments > 0 && trailingSlash)
        {
            canonical[c++] = '/';
        }
        return c;
    }

    /** S3 rules: no normalisation, no second encoding; escapes kept (re-cased) and stray bytes escaped once. */
    private int s3Path(final byte[] target, final int pathEnd, final int offset)
    {
        int c = offset;
        if (c + pathEnd * 3 + 1 > canonical.length)
        {
            return -1;
        }
        if (pathEnd == 0 || target[0] != '/')
        {
            canonical[c++] = '/';
        }
        int runStart = 0;
        for (int i = 0; i < pathEnd; i++)
        {
            final byte b = target[i];
            if (b == '/' || UNRESERVED[b & 0xFF])
            {
                continue;
            }
            // Copy the run of bytes that need no change in one go.
            System.arraycopy(target, runStart, canonical, c, i - runStart);
            c += i - runStart;
            if (b == '%' && i + 2 < pathEnd && Hex.digit(target[i + 1]) >= 0 && Hex.digit(target[i + 2]) >= 0)
            {
                c = encodeByte((byte)((Hex.digit(target[i + 1]) << 4) | Hex.digit(target[i + 2])), canonical, c);
                i += 2;
            }
            else
            {
                c = encodeByte(b, canonical, c);
            }
            runStart = i + 1;
        }
        System.arraycopy(target, runStart, canonical, c, pathEnd - runStart);
        return c + pathEnd - runStart;
    }

    private boolean parseQuery(final byte[] target, final int start, final int end, final boolean skipSignature)
    {
        int i = start;
        while (i < end)
        {
            int amp = indexOf(target, i, end, (byte)'&');
            if (amp < 0)
            {
                amp = end;
            }
            if (amp > i)
            {
                final int eq = indexOf(target, i, amp, (byte)'=');
                final int nameEnd = eq < 0 ? amp : eq;
                final int valueStart = eq < 0 ? amp : eq + 1;
                if (qCount == MAX_QUERY_PARAMS || queryUsed + (amp - i) * 3 > query.length)
                {
                    return false;
                }
                final int nameOffset = queryUsed;
                queryUsed = decodeEncode(target, i, nameEnd, queryUsed);
                final int nameLength = queryUsed - nameOffset;
                if (nameLength == 0 || (skipSignature && regionEquals(query, nameOffset, nameLength, Q_SIGNATURE)))
                {
                    queryUsed = nameOffset;
                }
                else
                {
                    final int valueOffset = queryUsed;
                    queryUsed = decodeEncode(target, valueStart, amp, queryUsed);
                    addParam(nameOffset, nameLength, valueOffset, queryUsed - valueOffset);
                }
            }
            i = amp + 1;
        }
        return true;
    }

    private boolean addPresignParams(final Credentials credentials, final SignedOutput out, final int expirySeconds)
    {
        firstPresignParam = qCount;
        if (!addRawParam(Q_ALGORITHM, ALGORITHM, 0, ALGORITHM.length))
        {
            return false;
        }
        // Credential value is access key id + "/" + scope, percent-encoded.
        final byte[] ak = credentials.accessKeyIdBytes();
        if (queryUsed + Q_CREDENTIAL.length + (ak.length + scopeLength + 1) * 3 > query.length)
        {
            return false;
        }
        int nameOffset = queryUsed;
        queryUsed = put(query, queryUsed, Q_CREDENTIAL, 0, Q_CREDENTIAL.length);
        int valueOffset = queryUsed;
        queryUsed = encodeInto(ak, 0, ak.length, queryUsed);
        queryUsed = encodeByte((byte)'/', query, queryUsed);
        queryUsed = encodeInto(scope, 0, scopeLength, queryUsed);
        addParam(nameOffset, Q_CREDENTIAL.length, valueOffset, queryUsed - valueOffset);
        if (!addRawParam(Q_DATE, out.amzDate, 0, AmzDate.LENGTH))
        {
            return false;
        }
        final int digits = digits(expirySeconds);
        if (!addRawParam(Q_EXPIRES, number, number.length - digits, digits))
        {
            return false;
        }
        final byte[] token = credentials.sessionTokenBytes();
        if (token != null && !addRawParam(Q_SECURITY_TOKEN, token, 0, token.length))
        {
            return false;
        }
        return addRawParam(Q_SIGNED_HEADERS, signedHeaders, 0, signedHeadersLength);
    }

    private boolean addRawParam(final byte[] name, final byte[] value, final int offset, final int length)
    {
        if (qCount == MAX_QUERY_PARAMS || queryUsed + name.length + length * 3 > query.length)
        {
            return false;
        }
        final int nameOffset = queryUsed;
        queryUsed = put(query, queryUsed, name, 0, name.length);
        final int valueOffset = queryUsed;
        queryUsed = encodeInto(value, offset, length, queryUsed);
        addParam(nameOffset, name.length, valueOffset, queryUsed - valueOffset);
        return true;
    }

    /** Inserts a parameter into qOrder, sorted by encoded name and then encoded value. */
    private void addParam(final int nameOffset, final int nameLength, final int valueOffset, final int valueLength)
    {
        final int p = qCount++;
        qNameOffsets[p] = nameOffset;
        qNameLengths[p] = nameLength;
        qValueOffsets[p] = valueOffset;
        qValueLengths[p] = valueLength;
        int j = p;
        while (j > 0 && compareParams(qOrder[j - 1], p) > 0)
        {
            qOrder[j] = qOrder[j - 1];
            j--;
        }
        qOrder[j] = p;
    }

    private int compareParams(final int a, final int b)
    {
        final int byName = compare(query, qNameOffsets[a], qNameLengths[a], query, qNameOffsets[b], qNameLengths[b]);
        return byName != 0 ? byName :
            compare(query, qValueOffsets[a], qValueLengths[a], query, qValueOffsets[b], qValueLengths[b]);
    }

    private int writeQuery(final int offset)
    {
        int c = offset;
        if (c + queryUsed + qCount * 2 > canonical.length)
        {
            return -1;
        }
        for (int k = 0; k < qCount; k++)
        {
            final int p = qOrder[k];
            if (k > 0)
            {
                canonical[c++] = '&';
            }
            c = put(canonical, c, query, qNameOffsets[p], qNameLengths[p]);
            canonical[c++] = '=';
            c = put(canonical, c, query, qValueOffsets[p], qValueLengths[p]);
        }
        return c;
    }

    private int writeAuthorization(final Credentials credentials, final SignedOutput out)
    {
        final byte[] ak = credentials.accessKeyIdBytes();
        final byte[] a = out.authorization;
        if (ALGORITHM.length + CREDENTIAL.length + ak.length + 1 + scopeLength + SIGNED_HEADERS.length +
            signedHeadersLength + SIGNATURE.length + 64 > a.length)
        {
            return ERR_TOO_LARGE;
        }
        int o = put(a, 0, ALGORITHM, 0, ALGORITHM.length);
        o = put(a, o, CREDENTIAL, 0, CREDENTIAL.length);
        o = put(a, o, ak, 0, ak.length);
        a[o++] = '/';
        o = put(a, o, scope, 0, scopeLength);
        o = put(a, o, SIGNED_HEADERS, 0, SIGNED_HEADERS.length);
        o = put(a, o, signedHeaders, 0, signedHeadersLength);
        o = put(a, o, SIGNATURE, 0, SIGNATURE.length);
        out.authorizationLength = put(a, o, out.signature, 0, 64);
        return OK;
    }

    /** Original target, then the presign parameters in canonical order, then {@code X-Amz-Signature}. */
    private int writePresignedTarget(final SigningRequest request, final SignedOutput out)
    {
        final byte[] t = out.presignedTarget;
        final int targetLength = request.targetLength();
        if (targetLength + queryUsed + qCount * 2 + Q_SIGNATURE.length + 66 > t.length)
        {
            return ERR_TOO_LARGE;
        }
        int o = put(t, 0, request.targetBytes(), 0, targetLength);
        final boolean hasQuery = indexOf(request.targetBytes(), 0, targetLength, (byte)'?') >= 0;
        boolean first = !hasQuery;
        for (int k = 0; k < qCount; k++)
        {
            final int p = qOrder[k];
            if (!startsWithXAmz(p))
            {
                continue;
            }
            t[o++] = (byte)(first ? '?' : '&');
            first = false;
            o = put(t, o, query, qNameOffsets[p], qNameLengths[p]);
            t[o++] = '=';
            o = put(t, o, query, qValueOffsets[p], qValueLengths[p]);
        }
        t[o++] = '&';
        o = put(t, o, Q_SIGNATURE, 0, Q_SIGNATURE.length);
        t[o++] = '=';
        out.presignedTargetLength = put(t, o, out.signature, 0, 64);
        return OK;
    }

    /** True for the parameters this signer added (they were added after the request's own). */
    private boolean startsWithXAmz(final int p)
    {
        return p >= firstPresignParam;
    }

    private boolean isUnsigned(final SigningRequest request, final int index)
    {
        final int length = request.nameLength(index);
        if (length != 6 && length != 10 && length != 13 && length != 15)
        {
            return false;
        }
        for (final byte[] name : UNSIGNED_HEADERS)
        {
            if (request.nameEquals(index, name, 0, name.length))
            {
                return true;
            }
        }
        return false;
    }

    private static int compareNames(final SigningRequest request, final byte[] arena, final int a, final int b)
    {
        return compare(arena, request.nameOffset(a), request.nameLength(a), arena, request.nameOffset(b), request.nameLength(b));
    }

    private static int compare(
        final byte[] x, final int xOffset, final int xLength, final byte[] y, final int yOffset, final int yLength)
    {
        final int n = Math.min(xLength, yLength);
        for (int i = 0; i < n; i++)
        {
            final int d = (x[xOffset + i] & 0xFF) - (y[yOffset + i] & 0xFF);
            if (d != 0)
            {
                return d;
            }
        }
        return xLength - yLength;
    }

    /** Percent-decodes {@code src[start, end)} ('+' as space) and writes it strictly encoded into the query buffer. */
    private int decodeEncode(final byte[] src, final int start, final int end, final int offset)
    {
        int o = offset;
        for (int i = start; i < end; i++)
        {
            byte b = src[i];
            if (b == '%' && i + 2 < end && Hex.digit(src[i + 1]) >= 0 && Hex.digit(src[i + 2]) >= 0)
            {
                b = (byte)((Hex.digit(src[i + 1]) << 4) | Hex.digit(src[i + 2]));
                i += 2;
            }
            else if (b == '+')
            {
                b = ' ';
            }
            o = encodeByte(b, query, o);
        }
        return o;
    }

    private int encodeInto(final byte[] src, final int offset, final int length, final int dst)
    {
        int o = dst;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            o = encodeByte(src[i], query, o);
        }
        return o;
    }

    private static int encodeByte(final byte b, final byte[] dst, final int offset)
    {
        if (UNRESERVED[b & 0xFF])
        {
            dst[offset] = b;
            return offset + 1;
        }
        dst[offset] = '%';
        dst[offset + 1] = HEX_UPPER[(b >> 4) & 0xF];
        dst[offset + 2] = HEX_UPPER[b & 0xF];
        return offset + 3;
    }

    private static boolean[] unreserved()
    {
        final boolean[] table = new boolean[256];
        for (int b = 0; b < 256; b++)
        {
            table[b] = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                b == '-' || b == '_' || b == '.' || b == '~';
        }
        return table;
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

    private static boolean isSpace(final byte b)
    {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == 0x0C;
    }

    private static boolean regionEquals(final byte[] src, final int offset, final int length, final byte[] expected)
    {
        return compare(src, offset, length, expected, 0, expected.length) == 0;
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
