package io.vnicsigner.control.testing;

import java.nio.charset.StandardCharsets;

import io.vnicsigner.dataplane.http.HttpLimits;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.http.HttpRequestParser;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import io.vnicsigner.signer.identity.IdentityHeaders;
import io.vnicsigner.signer.sigv4.Credentials;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Request heads parsed by the real parser, and signing identities, for the control plane's unit tests.
 */
public final class Requests
{
    /** A secret that must never reach an audit record or any output. */
    public static final String SECRET = "control-test-secret-0123456789";

    private final HttpRequestParser parser = new HttpRequestParser(new HttpLimits(), (r, d) -> Long.MAX_VALUE);

    public static SigningIdentity identity(final String instanceId, final String tenant)
    {
        return new SigningIdentity(tenant, Credentials.of("AKID" + tenant.toUpperCase(java.util.Locale.ROOT),
            SECRET.getBytes(StandardCharsets.US_ASCII)),
            IdentityHeaders.of(instanceId, tenant, "52:54:00:00:00:01", "sha256:" + "0".repeat(64)));
    }

    /** The control part of a config that must load. */
    public static io.vnicsigner.control.config.ControlConfig control(final String yaml)
    {
        try
        {
            return io.vnicsigner.control.config.ConfigLoader.parse(yaml).control();
        }
        catch (final io.vnicsigner.control.config.ConfigException e)
        {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Parses a request head; the returned view is valid until the next call. */
    public HttpRequest parse(final String head)
    {
        final byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
        parser.reset();
        final int result = parser.onBytes(new UnsafeBuffer(bytes), 0, bytes.length, 0);
        if (result != HttpRequestParser.HEADERS_COMPLETE && result != HttpRequestParser.MESSAGE_COMPLETE)
        {
            throw new IllegalArgumentException("not a complete head (" + result + "): " + head);
        }
        return parser.request();
    }
}
