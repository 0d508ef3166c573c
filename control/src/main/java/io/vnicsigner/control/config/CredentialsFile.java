package io.vnicsigner.control.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.vnicsigner.signer.sigv4.Credentials;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a tenant's credentials file, JSON {@code {"accessKeyId", "secretAccessKey", "sessionToken"?, "expiration"?}},
 * which must be owned by the daemon's user and readable by its owner only (mode 0600 or stricter). Temporary
 * credentials carry a session token and an ISO-8601 {@code expiration}. Errors name the file and key, never a
 * secret value.
 */
public final class CredentialsFile
{
    private static final Set<String> KEYS = Set.of("accessKeyId", "secretAccessKey", "sessionToken", "expiration");
    private static final Set<PosixFilePermission> OTHERS = Set.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private CredentialsFile()
    {
    }

    /**
     * @param where the config key that named the file, for messages.
     */
    public static Loaded load(final Path file, final String where) throws ConfigException
    {
        final String text;
        try
        {
            // /proc/self belongs to the process's effective user.
            final Object owner = Files.getAttribute(file, "unix:uid");
            final Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!owner.equals(self))
            {
                throw new ConfigException(where + "credentials file " + file + " is owned by uid " + owner +
                    ", not by the daemon's user (uid " + self + "); run: chown " + self + " " + file);
            }
            final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            for (final PosixFilePermission p : permissions)
            {
                if (OTHERS.contains(p))
                {
                    throw new ConfigException(where + "credentials file " + file + " must be mode 0600 (owner only), " +
                        "but it is " + java.nio.file.attribute.PosixFilePermissions.toString(permissions) +
                        "; run: chmod 600 " + file);
                }
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new ConfigException(where + "cannot read credentials file " + file + ": " + e);
        }
        final Object document;
        try
        {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        }
        catch (final YAMLException e)
        {
            // The parser's message may quote the file's text, which holds the secret: keep only the position.
            throw new ConfigException(where + "credentials file " + file + " is not valid JSON");
        }
        if (!(document instanceof Map<?, ?> map))
        {
            throw new ConfigException(where + "credentials file " + file + " must hold a JSON object");
        }
        for (final Object key : map.keySet())
        {
            if (!KEYS.contains(key))
            {
                throw new ConfigException(where + "credentials file " + file + ": unknown key '" + key +
                    "' (accessKeyId, secretAccessKey, sessionToken, expiration)");
            }
        }
        final String accessKeyId = text(map, "accessKeyId", file, where, true);
        final String secret = text(map, "secretAccessKey", file, where, true);
        final String token = text(map, "sessionToken", file, where, false);
        final String expirationText = text(map, "expiration", file, where, false);
        Instant expiration = null;
        if (expirationText != null)
        {
            try
            {
                expiration = Instant.parse(expirationText);
            }
            catch (final java.time.format.DateTimeParseException e)
            {
                throw new ConfigException(where + "credentials file " + file +
                    ": expiration must be an ISO-8601 instant such as 2026-11-25T12:00:00Z");
            }
            if (token == null)
            {
                throw new ConfigException(where + "credentials file " + file +
                    ": expiration is for temporary credentials, which also need a sessionToken");
            }
        }
        return new Loaded(Credentials.of(accessKeyId, secret.getBytes(StandardCharsets.UTF_8), token), expiration);
    }

    /**
     * @param expiration when temporary credentials stop working; null for long-term ones.
     */
    public record Loaded(Credentials credentials, Instant expiration)
    {
    }

    private static String text(
        final Map<?, ?> map, final String key, final Path file, final String where, final boolean required)
        throws ConfigException
    {
        final Object value = map.get(key);
        if (value == null && !required)
        {
            return null;
        }
        if (!(value instanceof String s) || s.isEmpty())
        {
            throw new ConfigException(where + "credentials file " + file + ": " + key + " must be a non-empty string");
        }
        return s;
    }
}
