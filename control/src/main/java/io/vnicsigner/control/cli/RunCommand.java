package io.vnicsigner.control.cli;

import picocli.CommandLine.Command;

/** Placeholder, replaced in this change. */
@Command(name = "run")
public final class RunCommand implements Runnable
{
    public void run()
    {
    }
}
