package io.vnicsigner.signer.sigv4;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) over one reused {@link MessageDigest}, with keys held as precomputed pad blocks so
 * a MAC costs no allocation and no {@code javax.crypto.Mac.init} per request. Not thread-safe.
 */
public final class HmacSha256
{
    public static final int BLOCK = 64;
    public static final int LENGTH = 32;

    private final MessageDigest sha256 = newSha256();
    private final byte[] inner = new byte[LENGTH];
    private final byte[] keyBlock = new byte[BLOCK];
    private final byte[] ipad = new byte[BLOCK];
    private final byte[] opad = new byte[BLOCK];

    /** A fresh SHA-256 digest; the algorithm is mandatory in every JDK. */
    public static MessageDigest newSha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Loads a key for the following {@link #update}/{@link #doFinal} calls and starts a MAC. */
    public HmacSha256 init(final byte[] key, final int offset, final int length)
    {
        java.util.Arrays.fill(keyBlock, (byte)0);
        if (length > BLOCK)
        {
            sha256.reset();
            sha256.update(key, offset, length);
            digestInto(keyBlock, 0);
        }
        else
        {
            System.arraycopy(key, offset, keyBlock, 0, length);
        }
        for (int i = 0; i < BLOCK; i++)
        {
            ipad[i] = (byte)(keyBlock[i] ^ 0x36);
            opad[i] = (byte)(keyBlock[i] ^ 0x5c);
        }
        return start();
    }

    /** Restarts a MAC under the key already loaded. */
    public HmacSha256 start()
    {
        sha256.reset();
        sha256.update(ipad, 0, BLOCK);
        return this;
    }

    public HmacSha256 update(final byte[] data, final int offset, final int length)
    {
        sha256.update(data, offset, length);
        return this;
    }

    public HmacSha256 update(final byte b)
    {
        sha256.update(b);
        return this;
    }

    /** Writes the 32-byte MAC at {@code out[offset]}; the key stays loaded. */
    public void doFinal(final byte[] out, final int offset)
    {
        digestInto(inner, 0);
        sha256.reset();
        sha256.update(opad, 0, BLOCK);
        sha256.update(inner, 0, LENGTH);
        digestInto(out, offset);
    }

    /** One-shot MAC of {@code data} under {@code key} into {@code out}. */
    public void mac(
        final byte[] key, final int keyOffset, final int keyLength,
        final byte[] data, final int offset, final int length,
        final byte[] out, final int outOffset)
    {
        init(key, keyOffset, keyLength).update(data, offset, length).doFinal(out, outOffset);
    }

    private void digestInto(final byte[] out, final int offset)
    {
        try
        {
            sha256.digest(out, offset, LENGTH);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
