package io.vnicsigner.control.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Prints the version of the running build and of the JVM under it.
 */
@Command(name = "version", description = "Print the vnic-signer and JVM versions.")
public final class VersionCommand implements Runnable
{
    public void run()
    {
        for (final String line : new Provider().getVersion())
        {
            System.out.println(line);
        }
    }

    /** Shared by {@code version} and {@code --version}. */
    public static final class Provider implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String v = VnicSignerCli.class.getPackage().getImplementationVersion();
            return new String[] {
                "vnic-signer " + (v == null ? "dev" : v),
                "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")" };
        }
    }
}
