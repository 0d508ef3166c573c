package io.vnicsigner.signer.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and checks session tokens. A token is AES-256-GCM with an empty plaintext, whose associated data is the
 * instance id and the expiry, so it is stateless, cannot be forged without the host key, and fails for every
 * instance but the one it was minted for. It reads as {@code base64url(version ‖ keyId ‖ expiry ‖ nonce ‖ tag)}:
 * <pre>
 *  0      1      2                10                    22                  38
 *  +------+------+----------------+---------------------+-------------------+
 *  | 0x01 | key  | expiry (s, BE) | nonce (12 random)   | GCM tag (16)      |
 *  +------+------+----------------+---------------------+-------------------+
 * </pre>
 * The host key rotates every {@code rotationSeconds} (at least {@link #MAX_TTL_SECONDS}); the previous key is kept
 * for one more period, so every token stays checkable until it expires. Keys live only in memory: a daemon
 * restart makes guests fetch a new token, as a rotation would. Not thread-safe. Minting and checking allocate
 * (the JDK's GCM does), which is why the signing path checks a token only when the instance requires one.
 */
public final class SessionTokens
{
    public static final int MIN_TTL_SECONDS = 1;
    public static final int MAX_TTL_SECONDS = 21_600;
    /** Length of a token as text. */
    public static final int TOKEN_CHARS = 51;

    public static final int VALID = 0;
    /** Not a token of this format (length, alphabet or version). */
    public static final int MALFORMED = 1;
    /** Past its expiry. */
    public static final int EXPIRED = 2;
    /** Its key is no longer held, or its tag does not verify: forged, altered, or minted for another instance. */
    public static final int INVALID = 3;

    private static final byte VERSION = 1;
    private static final int NONCE = 12;
    private static final int TAG = 16;
    private static final int EXPIRY_OFFSET = 2;
    private static final int NONCE_OFFSET = 10;
    private static final int TAG_OFFSET = NONCE_OFFSET + NONCE;
    private static final int RAW = TAG_OFFSET + TAG;

    private final SecureRandom random;
    private final long rotationSeconds;
    private final byte[][] keys = new byte[256][];
    private int currentKeyId = -1;
    private long rotateAtSeconds;
    private final Cipher cipher;

    public SessionTokens(final SecureRandom random, final long rotationSeconds)
    {
        if (rotationSeconds < MAX_TTL_SECONDS)
        {
            throw new IllegalArgumentException("key rotation must be at least the longest token TTL, " +
                MAX_TTL_SECONDS + " s");
        }
        this.random = random;
        this.rotationSeconds = rotationSeconds;
        try
        {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /**
     * Mints a token for {@code instanceId} that expires {@code ttlSeconds} after {@code nowSeconds}.
     *
     * @throws IllegalArgumentException when the TTL is outside 1..21600.
     */
    public String mint(final String instanceId, final long nowSeconds, final long ttlSeconds)
    {
        if (ttlSeconds < MIN_TTL_SECONDS || ttlSeconds > MAX_TTL_SECONDS)
        {
            throw new IllegalArgumentException("TTL must be " + MIN_TTL_SECONDS + ".." + MAX_TTL_SECONDS + " s");
        }
        rotateIfDue(nowSeconds);
        final byte[] raw = new byte[RAW];
        raw[0] = VERSION;
        raw[1] = (byte)currentKeyId;
        putLong(raw, EXPIRY_OFFSET, nowSeconds + ttlSeconds);
        final byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, raw, NONCE_OFFSET, NONCE);
        try
        {
            init(Cipher.ENCRYPT_MODE, keys[currentKeyId], nonce);
            cipher.updateAAD(associatedData(instanceId, raw));
            cipher.doFinal(new byte[0], 0, 0, raw, TAG_OFFSET);
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("token sealing failed", e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /**
     * @return {@link #VALID}, {@link #MALFORMED}, {@link #EXPIRED} or {@link #INVALID}.
     */
    public int check(final CharSequence token, final String instanceId, final long nowSeconds)
    {
        rotateIfDue(nowSeconds);
        if (token == null || token.length() != TOKEN_CHARS)
        {
            return MALFORMED;
        }
        final byte[] raw;
        try
        {
            raw = Base64.getUrlDecoder().decode(token.toString());
        }
        catch (final IllegalArgumentException e)
        {
            return MALFORMED;
        }
        if (raw.length != RAW || raw[0] != VERSION)
        {
            return MALFORMED;
        }
        final byte[] key = keys[raw[1] & 0xFF];
        if (key == null)
        {
            return INVALID;
        }
        try
        {
            init(Cipher.DECRYPT_MODE, key, java.util.Arrays.copyOfRange(raw, NONCE_OFFSET, TAG_OFFSET));
            cipher.updateAAD(associatedData(instanceId, raw));
            cipher.doFinal(raw, TAG_OFFSET, TAG);
        }
        catch (final GeneralSecurityException e)
        {
            return INVALID;
        }
        // Checked after the tag, so an altered expiry reads as forged rather than as expired.
        return getLong(raw, EXPIRY_OFFSET) - nowSeconds <= 0 ? EXPIRED : VALID;
    }

    private void rotateIfDue(final long nowSeconds)
    {
        if (currentKeyId >= 0 && rotateAtSeconds - nowSeconds > 0)
        {
            return;
        }
        final int next = (currentKeyId + 1) & 0xFF;
        final byte[] key = new byte[32];
        random.nextBytes(key);
        // Only the current and the previous key stay: older tokens have expired by now.
        final int stale = (next + 255 - 1) & 0xFF;
        if (keys[stale] != null)
        {
            java.util.Arrays.fill(keys[stale], (byte)0);
            keys[stale] = null;
        }
        keys[next] = key;
        currentKeyId = next;
        rotateAtSeconds = nowSeconds + rotationSeconds;
    }

    private void init(final int mode, final byte[] key, final byte[] nonce) throws GeneralSecurityException
    {
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce));
    }

    private static byte[] associatedData(final String instanceId, final byte[] raw)
    {
        final byte[] id = instanceId.getBytes(StandardCharsets.UTF_8);
        final byte[] aad = new byte[NONCE_OFFSET + id.length];
        System.arraycopy(raw, 0, aad, 0, NONCE_OFFSET);
        System.arraycopy(id, 0, aad, NONCE_OFFSET, id.length);
        return aad;
    }

    private static void putLong(final byte[] dst, final int offset, final long value)
    {
        for (int i = 0; i < 8; i++)
        {
            dst[offset + i] = (byte)(value >>> (56 - 8 * i));
        }
    }

    private static long getLong(final byte[] src, final int offset)
    {
        long value = 0;
        for (int i = 0; i < 8; i++)
        {
            value = (value << 8) | (src[offset + i] & 0xFF);
        }
        return value;
    }
}
