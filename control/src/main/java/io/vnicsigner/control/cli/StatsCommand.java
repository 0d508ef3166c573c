package io.vnicsigner.control.cli;

import picocli.CommandLine.Command;

/** Placeholder, replaced in this change. */
@Command(name = "stats")
public final class StatsCommand implements Runnable
{
    public void run()
    {
    }
}
