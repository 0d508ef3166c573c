package io.vnicsigner.control.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

import io.vnicsigner.signer.sigv4.Credentials;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a tenant's credentials file, JSON {@code {"accessKeyId", "secretAccessKey", "sessionToken"?}}, which must be
 * readable by its owner only (mode 0600 or stricter). Errors name the file and key, never a secret value.
 */
public final class CredentialsFile
{
    private static final Set<String> KEYS = Set.of("accessKeyId", "secretAccessKey", "sessionToken");
    private static final Set<PosixFilePermission> OTHERS = Set.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private CredentialsFile()
    {
    }

    /**
     * @param where the config key that named the file, for messages.
     */
    public static Credentials load(final Path file, final String where) throws ConfigException
    {
        final String text;
        try
        {
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
                    "' (accessKeyId, secretAccessKey, sessionToken)");
            }
        }
        final String accessKeyId = text(map, "accessKeyId", file, where, true);
        final String secret = text(map, "secretAccessKey", file, where, true);
        final String token = text(map, "sessionToken", file, where, false);
        return Credentials.of(accessKeyId, secret.getBytes(StandardCharsets.UTF_8), token);
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
