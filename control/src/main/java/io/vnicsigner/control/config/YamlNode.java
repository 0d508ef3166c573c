package io.vnicsigner.control.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A position in a parsed YAML document that knows its own path ({@code instances[0].mac}), so that every error can
 * name the key it is about.
 */
final class YamlNode
{
    private final String path;
    private final Object value;

    YamlNode(final String path, final Object value)
    {
        this.path = path;
        this.value = value;
    }

    String path()
    {
        return path;
    }

    boolean isMissing()
    {
        return value == null;
    }

    YamlNode get(final String key)
    {
        final Map<?, ?> map = asMapOrEmpty();
        return new YamlNode(path.isEmpty() ? key : path + "." + key, map.get(key));
    }

    private Map<?, ?> asMapOrEmpty()
    {
        if (value == null)
        {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map)
        {
            return map;
        }
        return Map.of();
    }

    void requireMap(final Set<String> allowedKeys) throws ConfigException
    {
        if (value == null)
        {
            return;
        }
        if (!(value instanceof Map<?, ?> map))
        {
            throw new ConfigException(where() + "must be a mapping of keys, not " + describe(value));
        }
        for (final Object key : map.keySet())
        {
            if (!(key instanceof String name) || !allowedKeys.contains(name))
            {
                throw new ConfigException(
                    (path.isEmpty() ? "" : path + ".") + key + ": unknown key (allowed here: " +
                    String.join(", ", new java.util.TreeSet<>(allowedKeys)) + ")");
            }
        }
    }

    List<YamlNode> list() throws ConfigException
    {
        if (value == null)
        {
            return List.of();
        }
        if (!(value instanceof List<?> items))
        {
            throw new ConfigException(where() + "must be a list, not " + describe(value));
        }
        final List<YamlNode> nodes = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++)
        {
            nodes.add(new YamlNode(path + "[" + i + "]", items.get(i)));
        }
        return nodes;
    }

    String string(final String defaultValue) throws ConfigException
    {
        if (value == null)
        {
            if (defaultValue == null)
            {
                throw new ConfigException(where() + "is required");
            }
            return defaultValue;
        }
        if (value instanceof String s)
        {
            if (s.isBlank())
            {
                throw new ConfigException(where() + "must not be empty");
            }
            return s;
        }
        if (value instanceof Integer || value instanceof Long)
        {
            throw new ConfigException(where() + "must be a quoted string, not the number " + value +
                " (YAML reads unquoted values such as 52:54:00:00:00:01 as base-60 numbers; quote them)");
        }
        throw new ConfigException(where() + "must be a string, not " + describe(value));
    }

    int integer(final int defaultValue, final int min, final int max) throws ConfigException
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (!(value instanceof Integer i))
        {
            throw new ConfigException(where() + "must be a whole number, not " + describe(value));
        }
        if (i < min || i > max)
        {
            throw new ConfigException(where() + "must be within " + min + ".." + max + ", not " + i);
        }
        return i;
    }

    /** A whole number that may exceed an int (YAML gives Integer or Long). */
    long longInteger(final long defaultValue, final long min, final long max) throws ConfigException
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (!(value instanceof Integer) && !(value instanceof Long))
        {
            throw new ConfigException(where() + "must be a whole number, not " + describe(value));
        }
        final long l = ((Number)value).longValue();
        if (l < min || l > max)
        {
            throw new ConfigException(where() + "must be within " + min + ".." + max + ", not " + l);
        }
        return l;
    }

    /** A number (whole or not) within {@code min..max}. */
    double number(final double defaultValue, final double min, final double max) throws ConfigException
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (!(value instanceof Number number))
        {
            throw new ConfigException(where() + "must be a number, not " + describe(value));
        }
        final double d = number.doubleValue();
        if (!(d >= min && d <= max))
        {
            throw new ConfigException(where() + "must be within " + min + ".." + max + ", not " + d);
        }
        return d;
    }

    /** The keys of a mapping in document order; empty when missing. */
    List<String> keys() throws ConfigException
    {
        if (value == null)
        {
            return List.of();
        }
        if (!(value instanceof Map<?, ?> map))
        {
            throw new ConfigException(where() + "must be a mapping of keys, not " + describe(value));
        }
        final List<String> keys = new ArrayList<>();
        for (final Object key : map.keySet())
        {
            if (!(key instanceof String name))
            {
                throw new ConfigException(where() + "key '" + key + "' must be a string");
            }
            keys.add(name);
        }
        return keys;
    }

    double fraction(final double defaultValue) throws ConfigException
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (!(value instanceof Number number))
        {
            throw new ConfigException(where() + "must be a number within 0..1, not " + describe(value));
        }
        final double d = number.doubleValue();
        if (!(d >= 0.0 && d <= 1.0))
        {
            throw new ConfigException(where() + "must be within 0..1, not " + d);
        }
        return d;
    }

    boolean bool(final boolean defaultValue) throws ConfigException
    {
        if (value == null)
        {
            return defaultValue;
        }
        if (!(value instanceof Boolean b))
        {
            throw new ConfigException(where() + "must be true or false, not " + describe(value));
        }
        return b;
    }

    String where()
    {
        return (path.isEmpty() ? "(top level)" : path) + ": ";
    }

    private static String describe(final Object value)
    {
        if (value instanceof Map)
        {
            return "a mapping";
        }
        if (value instanceof List)
        {
            return "a list";
        }
        return "'" + value + "'";
    }
}
