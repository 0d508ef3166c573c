package io.vnicsigner.signer.identity;

import java.nio.charset.StandardCharsets;

import io.vnicsigner.signer.sigv4.SigningRequest;

/**
 * The four identity headers of one instance, encoded once at registration and added to each request view
 * before signing so they land in {@code SignedHeaders}. Any copy the guest sent is removed first.
 */
public final class IdentityHeaders
{
    public static final String INSTANCE_ID = "x-vnic-instance-id";
    public static final String IDENTITY = "x-vnic-identity";
    public static final String MAC = "x-vnic-mac";
    public static final String IMAGE_DIGEST = "x-vnic-image-digest";

    static final byte[][] NAMES =
    {
        ascii(INSTANCE_ID), ascii(IDENTITY), ascii(MAC), ascii(IMAGE_DIGEST),
    };

    private static final byte[][] DISPLAY_NAMES =
    {
        ascii("X-Vnic-Instance-Id"), ascii("X-Vnic-Identity"), ascii("X-Vnic-Mac"), ascii("X-Vnic-Image-Digest"),
    };

    private final String instanceId;
    private final String identity;
    private final String mac;
    private final String imageDigest;
    private final byte[][] values;

    private IdentityHeaders(final String instanceId, final String identity, final String mac, final String imageDigest)
    {
        if (instanceId == null || instanceId.isEmpty() || instanceId.chars().anyMatch(c -> c < 0x21 || c > 0x7E))
        {
            throw new IllegalArgumentException("instance id must be visible ASCII");
        }
        this.instanceId = instanceId;
        this.identity = identity;
        this.mac = mac;
        this.imageDigest = imageDigest;
        values = new byte[][] {ascii(instanceId), ascii(identity), ascii(mac), ascii(imageDigest)};
    }

    /** Normalises the MAC and digest and derives the identity. */
    public static IdentityHeaders of(final String instanceId, final String tenant, final String mac, final String imageDigest)
    {
        final String normalMac = InstanceIdentity.normalizeMac(mac);
        final String normalDigest = InstanceIdentity.normalizeImageDigest(imageDigest);
        return new IdentityHeaders(
            instanceId, InstanceIdentity.derive(tenant, normalMac, normalDigest), normalMac, normalDigest);
    }

    /** Replaces any {@code x-vnic-*} identity headers in the view with this instance's; false if the view is full. */
    public boolean addTo(final SigningRequest view)
    {
        for (final byte[] name : NAMES)
        {
            view.removeHeader(name, 0, name.length);
        }
        for (int i = 0; i < NAMES.length; i++)
        {
            if (!view.addHeader(NAMES[i], 0, NAMES[i].length, values[i], 0, values[i].length))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the four header lines ({@code X-Vnic-Identity: vni-…\r\n} and so on) that the forwarded request must
     * carry; returns the offset after them, or -1 when they do not fit.
     */
    public int writeHeaders(final byte[] dst, final int offset)
    {
        int o = offset;
        for (int i = 0; i < NAMES.length; i++)
        {
            final byte[] name = DISPLAY_NAMES[i];
            if (o + name.length + 2 + values[i].length + 2 > dst.length)
            {
                return -1;
            }
            System.arraycopy(name, 0, dst, o, name.length);
            o += name.length;
            dst[o++] = ':';
            dst[o++] = ' ';
            System.arraycopy(values[i], 0, dst, o, values[i].length);
            o += values[i].length;
            dst[o++] = '\r';
            dst[o++] = '\n';
        }
        return o;
    }

    public String instanceId()
    {
        return instanceId;
    }

    public String identity()
    {
        return identity;
    }

    public String mac()
    {
        return mac;
    }

    public String imageDigest()
    {
        return imageDigest;
    }

    public String toString()
    {
        return "IdentityHeaders{" + instanceId + ", " + identity + ", " + mac + ", " + imageDigest + "}";
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
