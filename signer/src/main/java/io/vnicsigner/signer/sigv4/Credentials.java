package io.vnicsigner.signer.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Immutable tenant credentials: access key id, secret and optional session token. Each instance gets a
 * never-reused serial, which the signing-key cache uses as the secret's identity, so a rotated secret
 * (always a new instance) can never hit a key derived from the old one.
 */
public final class Credentials
{
    private static final AtomicLong SERIALS = new AtomicLong();

    private final long serial = SERIALS.incrementAndGet();
    private final String accessKeyId;
    private final byte[] accessKeyIdBytes;
    private final byte[] secret;
    private final String sessionToken;
    private final byte[] sessionTokenBytes;

    private Credentials(final String accessKeyId, final byte[] secret, final String sessionToken)
    {
        if (accessKeyId == null || accessKeyId.isEmpty() || secret == null || secret.length == 0)
        {
            throw new IllegalArgumentException("access key id and secret must be non-empty");
        }
        this.accessKeyId = accessKeyId;
        this.accessKeyIdBytes = accessKeyId.getBytes(StandardCharsets.UTF_8);
        this.secret = secret.clone();
        this.sessionToken = sessionToken == null || sessionToken.isEmpty() ? null : sessionToken;
        this.sessionTokenBytes = this.sessionToken == null ? null : this.sessionToken.getBytes(StandardCharsets.UTF_8);
    }

    /** Long-term credentials; the secret bytes are copied. */
    public static Credentials of(final String accessKeyId, final byte[] secret)
    {
        return new Credentials(accessKeyId, secret, null);
    }

    /** Temporary credentials with a session token (null or empty means none); the secret bytes are copied. */
    public static Credentials of(final String accessKeyId, final byte[] secret, final String sessionToken)
    {
        return new Credentials(accessKeyId, secret, sessionToken);
    }

    public String accessKeyId()
    {
        return accessKeyId;
    }

    byte[] accessKeyIdBytes()
    {
        return accessKeyIdBytes;
    }

    /** Serial unique to this instance for the life of the JVM. */
    public long serial()
    {
        return serial;
    }

    /** The session token, or null. */
    public String sessionToken()
    {
        return sessionToken;
    }

    byte[] sessionTokenBytes()
    {
        return sessionTokenBytes;
    }

    /** The secret itself: package-level readers only, never exposed as text. */
    byte[] secret()
    {
        return secret;
    }

    /** Copy of the secret bytes for key derivations outside SigV4 (countersignature). */
    public byte[] copySecret()
    {
        return secret.clone();
    }

    public String toString()
    {
        return "Credentials{accessKeyId=" + accessKeyId + ", secret=<redacted>, sessionToken=" +
            (sessionToken == null ? "none" : "<redacted>") + "}";
    }
}
