package io.vnicsigner.control.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.vnicsigner.control.config.ConfigException;
import io.vnicsigner.control.config.ConfigLoader;
import io.vnicsigner.control.config.VnicConfig;
import io.vnicsigner.control.daemon.CredentialExpiryWatch;
import io.vnicsigner.control.daemon.Daemon;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the daemon in the foreground until SIGINT or SIGTERM.
 */
@Command(name = "run", description = "Run the dataplane with a config file until SIGINT or SIGTERM.")
public final class RunCommand implements Callable<Integer>
{
    @Option(names = "--config", required = true, description = "YAML config file.")
    Path config;

    @Option(names = "--dir", description = "Runtime directory for the counters file (default: ${DEFAULT-VALUE}).",
        defaultValue = "${env:VNIC_SIGNER_DIR:-" + Daemon.DEFAULT_DIR + "}")
    File dir;

    public Integer call()
    {
        final VnicConfig cfg;
        try
        {
            cfg = ConfigLoader.load(config);
        }
        catch (final ConfigException e)
        {
            System.err.println("vnic-signer: config error in " + config + ": " + e.getMessage());
            return 2;
        }
        // Closing the barrier after the daemon lets the JVM's shutdown hook, which waits for it, complete.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            Daemon daemon = Daemon.start(cfg, dir, null))
        {
            System.out.println("vnic-signer: serving " + cfg.instances().size() + " instance(s), signing IP " +
                cfg.signingIp() + ", uplink " + cfg.uplinkPort() + ", counters " + daemon.countersFile().file());
            System.out.flush();
            final CredentialExpiryWatch expiry = new CredentialExpiryWatch(cfg.tenants());
            final java.util.concurrent.ScheduledExecutorService watch =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                    .name("vnic-signer-credential-watch").factory());
            watch.scheduleAtFixedRate(() -> expiry.check(java.time.Instant.now())
                .forEach(w -> System.err.println("vnic-signer: WARNING: " + w)), 0, 1, java.util.concurrent.TimeUnit.MINUTES);
            barrier.await();
            watch.shutdownNow();
            System.out.println("vnic-signer: shutting down");
        }
        catch (final Daemon.StartException e)
        {
            System.err.println("vnic-signer: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
