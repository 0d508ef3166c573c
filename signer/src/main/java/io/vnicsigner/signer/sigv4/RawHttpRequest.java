package io.vnicsigner.signer.sigv4;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw HTTP/1.1 request held as text lines for tools and tests (the {@code sign} and {@code verify}
 * commands, the AWS test vectors). It tolerates LF line ends, folded header lines and a target containing
 * spaces, as the vectors need; it allocates freely and is not for the dataplane.
 */
public final class RawHttpRequest
{
    private String method;
    private String target;
    private String version;
    private final List<String[]> headers = new ArrayList<>();
    private byte[] body = new byte[0];

    private RawHttpRequest()
    {
    }

    /** Parses a request; throws {@link IllegalArgumentException} when there is no request line. */
    public static RawHttpRequest parse(final byte[] raw)
    {
        final RawHttpRequest r = new RawHttpRequest();
        int i = 0;
        final int n = raw.length;
        int lineEnd = lineEnd(raw, i);
        final String requestLine = line(raw, i, lineEnd);
        final int firstSpace = requestLine.indexOf(' ');
        final int lastSpace = requestLine.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace)
        {
            throw new IllegalArgumentException("malformed request line");
        }
        r.method = requestLine.substring(0, firstSpace);
        r.target = requestLine.substring(firstSpace + 1, lastSpace);
        r.version = requestLine.substring(lastSpace + 1);
        i = next(raw, lineEnd);
        while (i < n)
        {
            lineEnd = lineEnd(raw, i);
            if (lineEnd == i)
            {
                i = next(raw, lineEnd);
                r.body = java.util.Arrays.copyOfRange(raw, Math.min(i, n), n);
                return r;
            }
            final String text = line(raw, i, lineEnd);
            if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && !r.headers.isEmpty())
            {
                final String[] last = r.headers.get(r.headers.size() - 1);
                last[1] = last[1] + " " + text.strip();
            }
            else
            {
                final int colon = text.indexOf(':');
                if (colon <= 0)
                {
                    throw new IllegalArgumentException("malformed header line");
                }
                r.headers.add(new String[] {text.substring(0, colon), text.substring(colon + 1)});
            }
            i = next(raw, lineEnd);
        }
        return r;
    }

    public String method()
    {
        return method;
    }

    public String target()
    {
        return target;
    }

    public RawHttpRequest target(final String newTarget)
    {
        target = newTarget;
        return this;
    }

    public byte[] body()
    {
        return body;
    }

    /** Header (name, raw value) pairs in order; names keep their case. */
    public List<String[]> headers()
    {
        return headers;
    }

    /** First value of a header, compared without case, or null. */
    public String header(final String name)
    {
        for (final String[] h : headers)
        {
            if (h[0].equalsIgnoreCase(name))
            {
                return h[1].strip();
            }
        }
        return null;
    }

    public RawHttpRequest removeHeader(final String name)
    {
        headers.removeIf(h -> h[0].equalsIgnoreCase(name));
        return this;
    }

    public RawHttpRequest addHeader(final String name, final String value)
    {
        headers.add(new String[] {name, value});
        return this;
    }

    /** Copies method, target, headers and body into a view (after resetting it); false if a bound was hit. */
    public boolean fill(final SigningRequest view)
    {
        view.reset();
        boolean ok = view.method(method) && view.target(target);
        for (final String[] h : headers)
        {
            ok &= view.addHeader(h[0], h[1]);
        }
        view.body(body, 0, body.length);
        return ok;
    }

    /** The request as CRLF-terminated HTTP/1.1 bytes. */
    public byte[] toBytes()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
        for (final String[] h : headers)
        {
            sb.append(h[0]).append(':').append(h[1].startsWith(" ") ? "" : " ").append(h[1]).append("\r\n");
        }
        sb.append("\r\n");
        out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static int lineEnd(final byte[] raw, final int from)
    {
        int i = from;
        while (i < raw.length && raw[i] != '\n')
        {
            i++;
        }
        return i > from && raw[i - 1] == '\r' ? i - 1 : i;
    }

    private static int next(final byte[] raw, final int lineEnd)
    {
        int i = lineEnd;
        if (i < raw.length && raw[i] == '\r')
        {
            i++;
        }
        return i < raw.length && raw[i] == '\n' ? i + 1 : raw.length;
    }

    private static String line(final byte[] raw, final int from, final int to)
    {
        return new String(raw, from, to - from, StandardCharsets.UTF_8);
    }
}
