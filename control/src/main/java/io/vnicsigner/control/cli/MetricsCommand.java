package io.vnicsigner.control.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import com.sun.net.httpserver.HttpServer;
import io.vnicsigner.control.daemon.Daemon;
import io.vnicsigner.control.metrics.PrometheusText;
import io.vnicsigner.dataplane.counters.CountersFile;
import io.vnicsigner.dataplane.counters.LatencySnapshots;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Serves the daemon's counters at {@code /metrics} in the Prometheus text format, read from the counters file on
 * every scrape. It runs beside the daemon rather than inside it, so a scrape never touches the dataplane's threads.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = "Serve the daemon's counters for Prometheus at http://LISTEN/metrics (or print them once).")
public final class MetricsCommand implements Callable<Integer>
{
    @Option(names = "--dir", description = "Runtime directory of the daemon (default: ${DEFAULT-VALUE}).",
        defaultValue = "${env:VNIC_SIGNER_DIR:-" + Daemon.DEFAULT_DIR + "}")
    File dir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9464",
        description = "Address to serve on (default: ${DEFAULT-VALUE}); keep it on loopback or a management network.")
    String listen;

    @Option(names = "--once", description = "Print the exposition to stdout and exit instead of serving it.")
    boolean once;

    public Integer call()
    {
        final CountersFile file;
        try
        {
            file = CountersFile.open(dir);
        }
        catch (final IllegalStateException e)
        {
            System.err.println("vnic-signer metrics: " + e.getMessage());
            return 1;
        }
        try (file)
        {
            if (once)
            {
                try
                {
                    System.out.print(exposition(file));
                }
                catch (final IOException e)
                {
                    System.err.println("vnic-signer metrics: " + e.getMessage());
                    return 1;
                }
                System.out.flush();
                return 0;
            }
            final int colon = listen.lastIndexOf(':');
            final HttpServer server;
            try
            {
                server = HttpServer.create(new InetSocketAddress(
                    listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))), 16);
            }
            catch (final IOException | RuntimeException e)
            {
                System.err.println("vnic-signer metrics: cannot listen on " + listen + ": " + e.getMessage());
                return 2;
            }
            server.createContext("/metrics", exchange ->
            {
                final byte[] body = exposition(file).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(body);
                }
            });
            try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
            {
                server.start();
                System.out.println("vnic-signer metrics: serving http://" + listen + "/metrics");
                System.out.flush();
                barrier.await();
            }
            finally
            {
                server.stop(0);
            }
        }
        return 0;
    }

    private String exposition(final CountersFile file) throws IOException
    {
        return PrometheusText.render(file.reader()) + PrometheusText.renderLatencies(LatencySnapshots.read(dir));
    }
}
