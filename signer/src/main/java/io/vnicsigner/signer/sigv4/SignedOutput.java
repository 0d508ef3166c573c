package io.vnicsigner.signer.sigv4;

/**
 * Reusable result of one signing: the {@code Authorization} value and the headers the signer set (which
 * replace any of the same name the request had), or the presigned target. Lengths are zero when unused.
 */
public final class SignedOutput
{
    private static final byte[] AUTHORIZATION = "Authorization: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] X_AMZ_DATE = "X-Amz-Date: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] X_AMZ_CONTENT_SHA256 =
        "X-Amz-Content-Sha256: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] X_AMZ_SECURITY_TOKEN =
        "X-Amz-Security-Token: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    final byte[] authorization;
    int authorizationLength;
    final byte[] amzDate = new byte[AmzDate.LENGTH];
    boolean dateHeader;
    final byte[] signature = new byte[64];
    final byte[] contentSha256 = new byte[64];
    int contentSha256Length;
    byte[] securityToken;
    final byte[] presignedTarget;
    int presignedTargetLength;

    public SignedOutput()
    {
        this(4096, 16 * 1024);
    }

    public SignedOutput(final int authorizationCapacity, final int presignedTargetCapacity)
    {
        authorization = new byte[authorizationCapacity];
        presignedTarget = new byte[presignedTargetCapacity];
    }

    void clear()
    {
        authorizationLength = 0;
        dateHeader = false;
        contentSha256Length = 0;
        securityToken = null;
        presignedTargetLength = 0;
    }

    public byte[] authorization()
    {
        return authorization;
    }

    public int authorizationLength()
    {
        return authorizationLength;
    }

    /** The {@code x-amz-date} value signed. */
    public byte[] amzDate()
    {
        return amzDate;
    }

    /** The 64 hex digits of the signature. */
    public byte[] signature()
    {
        return signature;
    }

    public byte[] contentSha256()
    {
        return contentSha256;
    }

    public int contentSha256Length()
    {
        return contentSha256Length;
    }

    /** The session token added as a header, or null. */
    public byte[] securityToken()
    {
        return securityToken;
    }

    public byte[] presignedTarget()
    {
        return presignedTarget;
    }

    public int presignedTargetLength()
    {
        return presignedTargetLength;
    }

    /**
     * Writes the header lines to add ({@code Name: value\r\n} each) at {@code dst[offset]}; returns the offset
     * after them, or -1 when they do not fit.
     */
    public int writeHeaders(final byte[] dst, final int offset)
    {
        int o = offset;
        if (authorizationLength > 0)
        {
            o = line(dst, o, AUTHORIZATION, authorization, authorizationLength);
        }
        if (dateHeader)
        {
            o = line(dst, o, X_AMZ_DATE, amzDate, AmzDate.LENGTH);
        }
        if (contentSha256Length > 0)
        {
            o = line(dst, o, X_AMZ_CONTENT_SHA256, contentSha256, contentSha256Length);
        }
        if (securityToken != null)
        {
            o = line(dst, o, X_AMZ_SECURITY_TOKEN, securityToken, securityToken.length);
        }
        return o;
    }

    /** The header lines as text (allocates: for tools and tests). */
    public String headersAsString()
    {
        final byte[] buf = new byte[authorizationLength + 256 + (securityToken == null ? 0 : securityToken.length)];
        final int end = writeHeaders(buf, 0);
        return new String(buf, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String authorizationAsString()
    {
        return new String(authorization, 0, authorizationLength, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String presignedTargetAsString()
    {
        return new String(presignedTarget, 0, presignedTargetLength, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int line(final byte[] dst, final int offset, final byte[] name, final byte[] value, final int length)
    {
        if (offset < 0 || offset + name.length + length + 2 > dst.length)
        {
            return -1;
        }
        System.arraycopy(name, 0, dst, offset, name.length);
        System.arraycopy(value, 0, dst, offset + name.length, length);
        final int end = offset + name.length + length;
        dst[end] = '\r';
        dst[end + 1] = '\n';
        return end + 2;
    }
}
