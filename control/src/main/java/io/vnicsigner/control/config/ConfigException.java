package io.vnicsigner.control.config;

/**
 * A config that cannot be used, with a message naming the key and what is wrong with it.
 */
public final class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(message);
    }
}
