package io.vnicsigner.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real S3Proxy, started as a child process ({@code java -jar}) on a free loopback port, verifying AWS
 * SigV2/SigV4 for one identity/credential pair, storing objects under a temporary directory (jclouds
 * {@code filesystem}), optionally serving HTTPS with a self-signed certificate made here by {@code keytool}.
 * <p>
 * Its output goes to {@link #logFile()} at debug level, so tests can see which requests reached it. It is
 * killed by PID on {@link #close()}, and by a shutdown hook if a test never gets there.
 * <pre>{@code
 * try (S3ProxyFixture s3 = S3ProxyFixture.builder().credentials("AKID", "secret").https(true).start())
 * {
 *     s3.createBucket("demo-bucket");
 *     UpstreamRoute route = UpstreamRoute.https("127.0.0.1", s3.port(), s3.caCertificate());
 * }
 * }</pre>
 * The jar is looked up in the system property {@code vnic.s3proxy.jar} (set by the dataplane build, which
 * fetches {@code org.gaul:s3proxy:jar-with-dependencies} from Maven Central), then in the local Maven
 * repository.
 */
public final class S3ProxyFixture implements AutoCloseable
{
    public static final String DEFAULT_VERSION = "2.6.0";
    private static final String HOST = "127.0.0.1";
    /** Password of every key store this fixture makes. */
    public static final String STORE_PASSWORD = "vnic-test";
    private static final long START_TIMEOUT_MS = 60_000;

    private final Process process;
    private final Thread reaper;
    private final Path directory;
    private final Path logFile;
    private final Path storeDirectory;
    private final Path caCertificate;
    private final int port;
    private final boolean https;
    private final String identity;
    private final String credential;

    private S3ProxyFixture(
        final Process process,
        final Thread reaper,
        final Path directory,
        final Path storeDirectory,
        final Path caCertificate,
        final int port,
        final boolean https,
        final String identity,
        final String credential)
    {
        this.process = process;
        this.reaper = reaper;
        this.directory = directory;
        this.logFile = directory.resolve("s3proxy.log");
        this.storeDirectory = storeDirectory;
        this.caCertificate = caCertificate;
        this.port = port;
        this.https = https;
        this.identity = identity;
        this.credential = credential;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Builds and starts an S3Proxy; defaults are plain HTTP and the identity {@code vnic-test-id}.
     */
    public static final class Builder
    {
        private String identity = "vnic-test-id";
        private String credential = "vnic-test-secret";
        private boolean https;
        private final Map<String, String> properties = new LinkedHashMap<>();

        public Builder credentials(final String identity, final String credential)
        {
            this.identity = identity;
            this.credential = credential;
            return this;
        }

        /**
         * Serve HTTPS only, with a fresh self-signed certificate for {@code 127.0.0.1} and {@code localhost}.
         */
        public Builder https(final boolean https)
        {
            this.https = https;
            return this;
        }

        /**
         * Any further S3Proxy property, for example {@code s3proxy.v4-max-non-chunked-request-size}.
         */
        public Builder property(final String key, final String value)
        {
            properties.put(key, value);
            return this;
        }

        public S3ProxyFixture start() throws IOException
        {
            return S3ProxyFixture.start(this);
        }
    }

    /**
     * Starts several S3Proxies at once (each takes seconds to come up), in the builders' order; if one fails, those
     * that started are closed again.
     */
    public static List<S3ProxyFixture> startAll(final Builder... builders) throws IOException
    {
        final List<java.util.concurrent.CompletableFuture<S3ProxyFixture>> starting = new ArrayList<>();
        for (final Builder builder : builders)
        {
            starting.add(java.util.concurrent.CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return builder.start();
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }));
        }
        final List<S3ProxyFixture> started = new ArrayList<>();
        RuntimeException failure = null;
        for (final java.util.concurrent.CompletableFuture<S3ProxyFixture> future : starting)
        {
            try
            {
                started.add(future.join());
            }
            catch (final RuntimeException ex)
            {
                failure = failure == null ? ex : failure;
            }
        }
        if (failure != null)
        {
            started.forEach(S3ProxyFixture::close);
            final Throwable cause = failure.getCause() instanceof UncheckedIOException unchecked ?
                unchecked.getCause() : failure.getCause();
            throw cause instanceof IOException io ? io : new IOException("S3Proxy did not start", failure);
        }
        return started;
    }

    public int port()
    {
        return port;
    }

    public String host()
    {
        return HOST;
    }

    /**
     * {@code http://127.0.0.1:port} or {@code https://127.0.0.1:port}.
     */
    public String endpoint()
    {
        return (https ? "https://" : "http://") + HOST + ":" + port;
    }

    public boolean isHttps()
    {
        return https;
    }

    /**
     * The PEM certificate to trust for this instance (its own self-signed certificate), or null for HTTP.
     */
    public Path caCertificate()
    {
        return caCertificate;
    }

    public String identity()
    {
        return identity;
    }

    public String credential()
    {
        return credential;
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public Path logFile()
    {
        return logFile;
    }

    /**
     * Everything S3Proxy has logged so far.
     */
    public String log()
    {
        try
        {
            return Files.readString(logFile, StandardCharsets.ISO_8859_1);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Creates a bucket directly in the store (a directory for jclouds {@code filesystem}), so no signed
     * request is needed.
     */
    public Path createBucket(final String bucket) throws IOException
    {
        return Files.createDirectories(storeDirectory.resolve(bucket));
    }

    /**
     * Where an object is stored, for byte-exact checks of uploads.
     */
    public Path objectPath(final String bucket, final String key)
    {
        return storeDirectory.resolve(bucket).resolve(key);
    }

    /**
     * Kills S3Proxy (by PID, forcibly if it does not exit within 5 s), waits for it, deletes its files.
     */
    public void close()
    {
        stop(process);
        try
        {
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
        catch (final IllegalStateException ignore)
        {
            // Already shutting down: the hook is running or has run.
        }
        deleteRecursively(directory);
    }

    private static S3ProxyFixture start(final Builder builder) throws IOException
    {
        final Path jar = locateJar();
        IOException lastFailure = null;
        // A free port found by binding port 0 can be taken before S3Proxy binds it; try a few times.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            final Path directory = Files.createTempDirectory("s3proxy-");
            try
            {
                return launch(builder, jar, directory);
            }
            catch (final IOException ex)
            {
                deleteRecursively(directory);
                lastFailure = ex;
            }
        }
        throw lastFailure;
    }

    private static S3ProxyFixture launch(final Builder builder, final Path jar, final Path directory) throws IOException
    {
        final Path store = Files.createDirectories(directory.resolve("store"));
        final int port = freePort();
        final Properties properties = new Properties();
        properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        properties.setProperty("s3proxy.identity", builder.identity);
        properties.setProperty("s3proxy.credential", builder.credential);
        properties.setProperty("jclouds.provider", "filesystem");
        properties.setProperty("jclouds.filesystem.basedir", store.toString());
        properties.setProperty("jclouds.identity", "unused");
        properties.setProperty("jclouds.credential", "unused");
        Path caCertificate = null;
        if (builder.https)
        {
            final Path keyStore = directory.resolve("keystore.p12");
            caCertificate = directory.resolve("ca.pem");
            makeSelfSignedCertificate(keyStore, caCertificate, "ip:127.0.0.1,dns:localhost");
            properties.setProperty("s3proxy.secure-endpoint", "https://" + HOST + ":" + port);
            properties.setProperty("s3proxy.keystore-path", keyStore.toString());
            properties.setProperty("s3proxy.keystore-password", STORE_PASSWORD);
        }
        else
        {
            properties.setProperty("s3proxy.endpoint", "http://" + HOST + ":" + port);
        }
        builder.properties.forEach(properties::setProperty);
        final Path propertiesFile = directory.resolve("s3proxy.conf");
        try (var out = Files.newBufferedWriter(propertiesFile))
        {
            properties.store(out, "written by S3ProxyFixture");
        }

        final Path logFile = directory.resolve("s3proxy.log");
        final ProcessBuilder processBuilder = new ProcessBuilder(javaExecutable(), "-Xmx256m", "-jar",
            jar.toString(), "--properties", propertiesFile.toString())
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
        processBuilder.environment().put("LOG_LEVEL", "debug");
        processBuilder.environment().put("JETTY_LOG_LEVEL", "info");
        final Process process = processBuilder.start();
        final Thread reaper = new Thread(() -> stop(process), "s3proxy-reaper-" + process.pid());
        Runtime.getRuntime().addShutdownHook(reaper);
        final S3ProxyFixture fixture = new S3ProxyFixture(process, reaper, directory, store, caCertificate, port,
            builder.https, builder.identity, builder.credential);
        try
        {
            fixture.awaitListening();
            return fixture;
        }
        catch (final IOException | RuntimeException ex)
        {
            stop(process);
            Runtime.getRuntime().removeShutdownHook(reaper);
            throw ex;
        }
    }

    private void awaitListening() throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true)
        {
            if (!process.isAlive())
            {
                throw new IOException("S3Proxy exited with " + process.exitValue() + ":\n" + tail(log()));
            }
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(HOST, port), 200);
                return;
            }
            catch (final IOException notYet)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IOException("S3Proxy did not listen on " + port + " within " + START_TIMEOUT_MS +
                        " ms:\n" + tail(log()));
                }
                sleep(50);
            }
        }
    }

    /**
     * Makes a PKCS12 key store ({@link #STORE_PASSWORD}) holding a self-signed EC certificate for the
     * keytool {@code subjectAltNames} (such as {@code ip:127.0.0.1,dns:localhost}), and that certificate as PEM.
     */
    public static void makeSelfSignedCertificate(final Path keyStore, final Path pem, final String subjectAltNames)
        throws IOException
    {
        final String keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "s3proxy", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=vnic-test", "-ext", "SAN=" + subjectAltNames, "-validity", "2",
            "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
            "-keypass", STORE_PASSWORD);
        run(keytool, "-exportcert", "-rfc", "-alias", "s3proxy", "-keystore", keyStore.toString(),
            "-storepass", STORE_PASSWORD, "-file", pem.toString());
    }

    private static void run(final String... command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try
        {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0)
            {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed:\n" + output);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
    }

    /**
     * The S3Proxy jar: {@code -Dvnic.s3proxy.jar}, else the local Maven repository.
     */
    public static Path locateJar()
    {
        final List<Path> candidates = new ArrayList<>();
        final String configured = System.getProperty("vnic.s3proxy.jar");
        if (configured != null)
        {
            candidates.add(Paths.get(configured));
        }
        final String version = System.getProperty("vnic.s3proxy.version", DEFAULT_VERSION);
        final String repository = System.getProperty("maven.repo.local",
            Paths.get(System.getProperty("user.home"), ".m2", "repository").toString());
        candidates.add(Paths.get(repository, "org", "gaul", "s3proxy", version,
            "s3proxy-" + version + "-jar-with-dependencies.jar"));
        for (final Path candidate : candidates)
        {
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("S3Proxy jar not found at " + candidates +
            "; build the dataplane module's tests once (it fetches org.gaul:s3proxy:" + version +
            ":jar-with-dependencies) or set -Dvnic.s3proxy.jar");
    }

    private static void stop(final Process process)
    {
        if (!process.isAlive())
        {
            return;
        }
        process.destroy();
        try
        {
            if (!process.waitFor(5, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST)))
        {
            return socket.getLocalPort();
        }
    }

    private static String javaExecutable()
    {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(final String log)
    {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for S3Proxy", ex);
        }
    }

    private static void deleteRecursively(final Path directory)
    {
        if (!Files.exists(directory))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ignore)
        {
            // Leftovers in the temporary directory are harmless.
        }
    }
}
