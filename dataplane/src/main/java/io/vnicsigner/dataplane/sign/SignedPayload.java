package io.vnicsigner.dataplane.sign;

import io.vnicsigner.signer.sigv4.PayloadMode;
import io.vnicsigner.signer.sigv4.SigningRequest;

/**
 * How {@link RequestSigner#signHead} signs one request's body: the empty-body hash, {@code UNSIGNED-PAYLOAD}, or a
 * SHA-256 computed while the body was buffered; and, for a body that arrived chunked and goes up de-chunked, the
 * {@code Content-Length} to add. Mutable and reused: set it for each request. Not thread-safe.
 */
public final class SignedPayload
{
    /** {@link #decodedLength()} when the guest's own framing ({@code Content-Length} or none) goes up as it is. */
    public static final long AS_SENT = -1;

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] hashHex = new byte[64];
    private final byte[] digits = new byte[20];
    private PayloadMode mode = PayloadMode.EMPTY;
    private long decodedLength = AS_SENT;

    /** The request has no body. */
    public SignedPayload empty()
    {
        mode = PayloadMode.EMPTY;
        decodedLength = AS_SENT;
        return this;
    }

    /** {@code UNSIGNED-PAYLOAD}; {@code decodedLength} is {@link #AS_SENT} or the length of a de-chunked body. */
    public SignedPayload unsigned(final long decodedLength)
    {
        mode = PayloadMode.UNSIGNED;
        this.decodedLength = decodedLength;
        return this;
    }

    /** The hash the caller wrote into {@link #hashHex()}; {@code decodedLength} as for {@link #unsigned}. */
    public SignedPayload hashed(final long decodedLength)
    {
        mode = PayloadMode.HASH;
        this.decodedLength = decodedLength;
        return this;
    }

    /** Where the caller writes the body's lower-case hex SHA-256 before {@link #hashed}. */
    public byte[] hashHex()
    {
        return hashHex;
    }

    public PayloadMode mode()
    {
        return mode;
    }

    public long decodedLength()
    {
        return decodedLength;
    }

    /** Sets the view's payload and adds the de-chunked body's {@code Content-Length}; false if it does not fit. */
    boolean applyTo(final SigningRequest view)
    {
        view.payloadMode(mode);
        if (mode == PayloadMode.HASH && !view.payloadHashHex(hashHex, 0))
        {
            return false;
        }
        return addDecodedLength(view);
    }

    /** Adds the de-chunked body's {@code Content-Length}, if any; false if it does not fit. */
    boolean addDecodedLength(final SigningRequest view)
    {
        if (decodedLength == AS_SENT)
        {
            return true;
        }
        int start = digits.length;
        long value = decodedLength;
        do
        {
            digits[--start] = (byte)('0' + value % 10);
            value /= 10;
        }
        while (value > 0);
        return view.addHeader(CONTENT_LENGTH, 0, CONTENT_LENGTH.length, digits, start, digits.length - start);
    }
}
