package io.vnicsigner.control.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code scripts/vnic-signer}: one picocli command with a subcommand per operator task.
 */
@Command(
    name = "vnic-signer",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Userspace dataplane that signs guests' provider API requests on the host.",
    subcommands = {
        RunCommand.class,
        StatsCommand.class,
        VersionCommand.class,
        SignCommand.class,
        VerifyCommand.class,
        IdentityCommand.class,
        VerifyIdentityCommand.class,
        MetricsCommand.class,
        PktgenCommand.class,
        AuditCommand.class,
    })
public final class VnicSignerCli implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    public static int execute(final String... args)
    {
        return new CommandLine(new VnicSignerCli()).execute(args);
    }
}
