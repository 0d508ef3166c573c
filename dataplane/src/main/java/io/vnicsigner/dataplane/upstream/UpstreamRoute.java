package io.vnicsigner.dataplane.upstream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * One provider endpoint and how to talk to it: plain HTTP or HTTPS (system trust store or a PEM CA file),
 * timeouts and keep-alive pool bounds. Immutable; built on the control thread, where the host name is
 * resolved once and the TLS context is loaded, so the agent never blocks on DNS or files.
 */
public final class UpstreamRoute
{
    public static final long DEFAULT_CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);
    public static final long DEFAULT_RESPONSE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /** Half the connector's slots: enough that 64 busy guest connections do not churn provider connections. */
    public static final int DEFAULT_MAX_IDLE_CONNECTIONS = 64;
    public static final long DEFAULT_IDLE_KEEP_ALIVE_NS = TimeUnit.SECONDS.toNanos(15);

    private final boolean tls;
    private final String host;
    private final int port;
    private final InetSocketAddress address;
    private final SSLContext sslContext;
    private final long connectTimeoutNs;
    private final long responseTimeoutNs;
    private final int maxIdleConnections;
    private final long idleKeepAliveNs;

    private UpstreamRoute(
        final boolean tls,
        final String host,
        final int port,
        final InetSocketAddress address,
        final SSLContext sslContext,
        final long connectTimeoutNs,
        final long responseTimeoutNs,
        final int maxIdleConnections,
        final long idleKeepAliveNs)
    {
        this.tls = tls;
        this.host = host;
        this.port = port;
        this.address = address;
        this.sslContext = sslContext;
        this.connectTimeoutNs = connectTimeoutNs;
        this.responseTimeoutNs = responseTimeoutNs;
        this.maxIdleConnections = maxIdleConnections;
        this.idleKeepAliveNs = idleKeepAliveNs;
    }

    /**
     * A plain HTTP route.
     */
    public static UpstreamRoute http(final String host, final int port)
    {
        return new UpstreamRoute(false, host, port, new InetSocketAddress(host, port), null,
            DEFAULT_CONNECT_TIMEOUT_NS, DEFAULT_RESPONSE_TIMEOUT_NS, DEFAULT_MAX_IDLE_CONNECTIONS,
            DEFAULT_IDLE_KEEP_ALIVE_NS);
    }

    /**
     * An HTTPS route trusting the PEM certificates in {@code caFile}, or the system trust store when null.
     */
    public static UpstreamRoute https(final String host, final int port, final Path caFile)
        throws IOException, GeneralSecurityException
    {
        final SSLContext context = caFile == null ? SSLContext.getDefault() : sslContext(caFile);
        return new UpstreamRoute(true, host, port, new InetSocketAddress(host, port), context,
            DEFAULT_CONNECT_TIMEOUT_NS, DEFAULT_RESPONSE_TIMEOUT_NS, DEFAULT_MAX_IDLE_CONNECTIONS,
            DEFAULT_IDLE_KEEP_ALIVE_NS);
    }

    /**
     * A route from a URL such as {@code http://127.0.0.1:18080} or {@code https://s3.example}; the default
     * ports are 80 and 443, and {@code caFile} (may be null) applies to https only.
     */
    public static UpstreamRoute of(final String url, final Path caFile) throws IOException, GeneralSecurityException
    {
        final URI uri = URI.create(url);
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !"/".equals(uri.getPath())))
        {
            throw new IllegalArgumentException("upstream must be scheme://host[:port]: " + url);
        }
        switch (scheme)
        {
            case "http":
                return http(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
            case "https":
                return https(uri.getHost(), uri.getPort() < 0 ? 443 : uri.getPort(), caFile);
            default:
                throw new IllegalArgumentException("upstream scheme must be http or https: " + url);
        }
    }

    /**
     * An SSL context trusting exactly the certificates of a PEM file.
     */
    public static SSLContext sslContext(final Path caFile) throws IOException, GeneralSecurityException
    {
        final Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile))
        {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty())
        {
            throw new GeneralSecurityException("no certificate in " + caFile);
        }
        final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (final Certificate certificate : certificates)
        {
            trust.setCertificateEntry("ca-" + i++, certificate);
        }
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    public UpstreamRoute withConnectTimeoutNs(final long connectTimeoutNs)
    {
        return new UpstreamRoute(tls, host, port, address, sslContext, connectTimeoutNs, responseTimeoutNs,
            maxIdleConnections, idleKeepAliveNs);
    }

    public UpstreamRoute withResponseTimeoutNs(final long responseTimeoutNs)
    {
        return new UpstreamRoute(tls, host, port, address, sslContext, connectTimeoutNs, responseTimeoutNs,
            maxIdleConnections, idleKeepAliveNs);
    }

    public UpstreamRoute withMaxIdleConnections(final int maxIdleConnections)
    {
        return new UpstreamRoute(tls, host, port, address, sslContext, connectTimeoutNs, responseTimeoutNs,
            maxIdleConnections, idleKeepAliveNs);
    }

    public UpstreamRoute withIdleKeepAliveNs(final long idleKeepAliveNs)
    {
        return new UpstreamRoute(tls, host, port, address, sslContext, connectTimeoutNs, responseTimeoutNs,
            maxIdleConnections, idleKeepAliveNs);
    }

    public boolean isTls()
    {
        return tls;
    }

    public String host()
    {
        return host;
    }

    public int port()
    {
        return port;
    }

    public InetSocketAddress address()
    {
        return address;
    }

    public SSLContext sslContext()
    {
        return sslContext;
    }

    public long connectTimeoutNs()
    {
        return connectTimeoutNs;
    }

    public long responseTimeoutNs()
    {
        return responseTimeoutNs;
    }

    public int maxIdleConnections()
    {
        return maxIdleConnections;
    }

    public long idleKeepAliveNs()
    {
        return idleKeepAliveNs;
    }

    public String toString()
    {
        return (tls ? "https://" : "http://") + host + ":" + port;
    }
}
