package io.vnicsigner.signer.identity;

import java.nio.charset.StandardCharsets;

import io.vnicsigner.signer.sigv4.Credentials;
import io.vnicsigner.signer.sigv4.Hex;
import io.vnicsigner.signer.sigv4.HmacSha256;
import io.vnicsigner.signer.sigv4.SigningRequest;

/**
 * The {@code x-vnic-countersignature: v1 <hex>} of a request that arrived already signed ("enrich" policy):
 * HMAC-SHA256 under {@code kInstance = HMAC(tenantSecret, "vnic-signer/instance/v1" ‖ identity)} of
 * <pre>
 * vnic-signer/countersignature/v1\n
 * x-vnic-instance-id:&lt;value&gt;\n
 * x-vnic-identity:&lt;value&gt;\n
 * x-vnic-mac:&lt;value&gt;\n
 * x-vnic-image-digest:&lt;value&gt;\n
 * x-amz-date:&lt;value&gt;\n
 * authorization:&lt;value&gt;
 * </pre>
 * with each value the first of its header in the request, trimmed of spaces and tabs. Not thread-safe.
 */
public final class Countersigner
{
    public static final String HEADER = "x-vnic-countersignature";
    public static final String INSTANCE_KEY_DOMAIN = "vnic-signer/instance/v1";
    public static final int OK = 0;
    /** One of the covered headers is missing from the request. */
    public static final int ERR_MISSING_HEADER = -1;
    /** The view has no room for the countersignature header. */
    public static final int ERR_FULL = -2;
    /** Length of the header value {@code v1 <64 hex>}. */
    public static final int VALUE_LENGTH = 67;

    private static final byte[] PREAMBLE = ascii("vnic-signer/countersignature/v1\n");
    private static final byte[] HEADER_NAME = ascii(HEADER);
    private static final byte[][] COVERED =
    {
        IdentityHeaders.NAMES[0], IdentityHeaders.NAMES[1], IdentityHeaders.NAMES[2], IdentityHeaders.NAMES[3],
        ascii("x-amz-date"), ascii("authorization"),
    };

    private final HmacSha256 hmac = new HmacSha256();
    private final byte[] mac = new byte[HmacSha256.LENGTH];
    private final byte[] value = new byte[VALUE_LENGTH];

    /** Derives {@code kInstance} once for this tenant and identity. */
    public Countersigner(final Credentials tenant, final String identity)
    {
        final byte[] secret = tenant.copySecret();
        final byte[] message = (INSTANCE_KEY_DOMAIN + identity).getBytes(StandardCharsets.UTF_8);
        final byte[] instanceKey = new byte[HmacSha256.LENGTH];
        hmac.mac(secret, 0, secret.length, message, 0, message.length, instanceKey, 0);
        java.util.Arrays.fill(secret, (byte)0);
        hmac.init(instanceKey, 0, instanceKey.length);
        java.util.Arrays.fill(instanceKey, (byte)0);
    }

    /** Computes the 32-byte MAC over the view's covered headers into {@code out}. */
    public int compute(final SigningRequest view, final byte[] out, final int offset)
    {
        hmac.start().update(PREAMBLE, 0, PREAMBLE.length);
        for (int i = 0; i < COVERED.length; i++)
        {
            final byte[] name = COVERED[i];
            final int h = view.findHeader(name, 0, name.length);
            if (h < 0)
            {
                return ERR_MISSING_HEADER;
            }
            if (i > 0)
            {
                hmac.update((byte)'\n');
            }
            hmac.update(name, 0, name.length).update((byte)':');
            final byte[] arena = view.arena();
            int start = view.valueOffset(h);
            int end = start + view.valueLength(h);
            while (start < end && (arena[start] == ' ' || arena[start] == '\t'))
            {
                start++;
            }
            while (end > start && (arena[end - 1] == ' ' || arena[end - 1] == '\t'))
            {
                end--;
            }
            hmac.update(arena, start, end - start);
        }
        hmac.doFinal(out, offset);
        return OK;
    }

    /** Adds {@code x-vnic-countersignature: v1 <hex>} to the view (replacing any); returns a code. */
    public int countersign(final SigningRequest view)
    {
        view.removeHeader(HEADER_NAME, 0, HEADER_NAME.length);
        final int code = compute(view, mac, 0);
        if (code != OK)
        {
            return code;
        }
        value[0] = 'v';
        value[1] = '1';
        value[2] = ' ';
        Hex.encode(mac, 0, HmacSha256.LENGTH, value, 3);
        return view.addHeader(HEADER_NAME, 0, HEADER_NAME.length, value, 0, VALUE_LENGTH) ? OK : ERR_FULL;
    }

    /** The last header value written by {@link #countersign}, {@link #VALUE_LENGTH} bytes. */
    public byte[] value()
    {
        return value;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
