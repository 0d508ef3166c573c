package io.vnicsigner.signer.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

import io.vnicsigner.signer.sigv4.HmacSha256;

/**
 * The stable instance identity {@code vni-…}: lower-case unpadded base32 of
 * {@code SHA-256("vnic-signer/identity/v1" 0x00 tenant 0x00 mac 0x00 imageDigest)}, cut to 26 characters
 * (130 bits). The MAC is taken as {@code aa:bb:cc:dd:ee:ff}, the digest as {@code sha256:<64 lower hex>}.
 */
public final class InstanceIdentity
{
    public static final String DOMAIN = "vnic-signer/identity/v1";
    public static final String PREFIX = "vni-";
    public static final int HASH_CHARS = 26;

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private InstanceIdentity()
    {
    }

    /** Derives the identity; the MAC and digest may be in any accepted spelling and are normalised first. */
    public static String derive(final String tenant, final String mac, final String imageDigest)
    {
        if (tenant == null || tenant.isEmpty() || tenant.indexOf('\0') >= 0)
        {
            throw new IllegalArgumentException("tenant must be non-empty and free of NUL");
        }
        final MessageDigest sha256 = HmacSha256.newSha256();
        sha256.update(DOMAIN.getBytes(StandardCharsets.US_ASCII));
        sha256.update((byte)0);
        sha256.update(tenant.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte)0);
        sha256.update(normalizeMac(mac).getBytes(StandardCharsets.US_ASCII));
        sha256.update((byte)0);
        sha256.update(normalizeImageDigest(imageDigest).getBytes(StandardCharsets.US_ASCII));
        return PREFIX + base32(sha256.digest(), HASH_CHARS);
    }

    /** Accepts {@code AA:BB:…}, {@code aa-bb-…}, {@code aabb.ccdd.eeff} or 12 bare hex digits. */
    public static String normalizeMac(final String mac)
    {
        if (mac == null)
        {
            throw new IllegalArgumentException("MAC address missing");
        }
        final StringBuilder hex = new StringBuilder(12);
        for (int i = 0; i < mac.length(); i++)
        {
            final char c = mac.charAt(i);
            if (c == ':' || c == '-' || c == '.')
            {
                continue;
            }
            if (Character.digit(c, 16) < 0)
            {
                throw new IllegalArgumentException("not a MAC address: " + mac);
            }
            hex.append(Character.toLowerCase(c));
        }
        if (hex.length() != 12)
        {
            throw new IllegalArgumentException("not a MAC address: " + mac);
        }
        final StringBuilder out = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2)
        {
            if (i > 0)
            {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }

    /** Accepts {@code sha256:} followed by 64 hex digits of either case; returns it in lower case. */
    public static String normalizeImageDigest(final String digest)
    {
        if (digest == null || !digest.regionMatches(true, 0, "sha256:", 0, 7) || digest.length() != 71)
        {
            throw new IllegalArgumentException("image digest must be sha256:<64 hex digits>");
        }
        for (int i = 7; i < 71; i++)
        {
            if (Character.digit(digest.charAt(i), 16) < 0)
            {
                throw new IllegalArgumentException("image digest must be sha256:<64 hex digits>");
            }
        }
        return digest.toLowerCase(Locale.ROOT);
    }

    /** RFC 4648 base32, lower case, no padding, first {@code chars} characters. */
    static String base32(final byte[] data, final int chars)
    {
        final StringBuilder sb = new StringBuilder(chars);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < data.length && sb.length() < chars; i++)
        {
            buffer = (buffer << 8) | (data[i] & 0xFF);
            bits += 8;
            while (bits >= 5 && sb.length() < chars)
            {
                sb.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0 && sb.length() < chars)
        {
            sb.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }
}
