package io.vnicsigner.dataplane.http;

/**
 * Byte classes from RFC 9110, RFC 9112 and RFC 3986, as lookup tables indexed by {@code byte & 0xFF}.
 */
final class HttpGrammar
{
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    private static final int TCHAR = 1;
    private static final int PCHAR = 2;
    private static final int AUTHORITY = 4;
    private static final int FIELD_VALUE = 8;
    private static final int SCHEME = 16;
    private static final int EXTENSION = 32;

    private static final byte[] CLASSES = new byte[256];
    private static final byte[] HEX_VALUES = new byte[256];

    static
    {
        for (int c = 'a'; c <= 'z'; c++)
        {
            add(c, TCHAR | PCHAR | AUTHORITY | SCHEME);
            add(c - 32, TCHAR | PCHAR | AUTHORITY | SCHEME);
        }
        for (int c = '0'; c <= '9'; c++)
        {
            add(c, TCHAR | PCHAR | AUTHORITY | SCHEME);
        }
        addAll("!#$%&'*+-.^_`|~", TCHAR);
        // RFC 3986 unreserved and sub-delims, plus ':' and '@' for pchar; '%' starts a pct-encoding.
        addAll("-._~!$&'()*+,;=:@%", PCHAR);
        addAll("-._~!$&'()*+,;=:[]%", AUTHORITY);
        addAll("+-.", SCHEME);
        for (int c = 0x21; c <= 0x7E; c++)
        {
            add(c, FIELD_VALUE | EXTENSION);
        }
        for (int c = 0x80; c <= 0xFF; c++)
        {
            add(c, FIELD_VALUE | EXTENSION);
        }
        add(SP, FIELD_VALUE | EXTENSION);
        add(HTAB, FIELD_VALUE | EXTENSION);

        java.util.Arrays.fill(HEX_VALUES, (byte)-1);
        for (int c = '0'; c <= '9'; c++)
        {
            HEX_VALUES[c] = (byte)(c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++)
        {
            HEX_VALUES[c] = (byte)(c - 'a' + 10);
            HEX_VALUES[c - 32] = (byte)(c - 'a' + 10);
        }
    }

    private HttpGrammar()
    {
    }

    static boolean isTchar(final byte b)
    {
        return (CLASSES[b & 0xFF] & TCHAR) != 0;
    }

    static boolean isPchar(final byte b)
    {
        return (CLASSES[b & 0xFF] & PCHAR) != 0;
    }

    static boolean isAuthorityChar(final byte b)
    {
        return (CLASSES[b & 0xFF] & AUTHORITY) != 0;
    }

    static boolean isFieldValueChar(final byte b)
    {
        return (CLASSES[b & 0xFF] & FIELD_VALUE) != 0;
    }

    static boolean isChunkExtensionChar(final byte b)
    {
        return (CLASSES[b & 0xFF] & EXTENSION) != 0;
    }

    static boolean isSchemeChar(final byte b)
    {
        return (CLASSES[b & 0xFF] & SCHEME) != 0;
    }

    static boolean isAlpha(final byte b)
    {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    static boolean isWhitespace(final byte b)
    {
        return b == SP || b == HTAB;
    }

    /**
     * The value of a hex digit, or -1 when the byte is not one.
     */
    static int hexValue(final byte b)
    {
        return HEX_VALUES[b & 0xFF];
    }

    static byte toLowerCase(final byte b)
    {
        return b >= 'A' && b <= 'Z' ? (byte)(b + 32) : b;
    }

    private static void add(final int c, final int classes)
    {
        CLASSES[c] |= (byte)classes;
    }

    private static void addAll(final String chars, final int classes)
    {
        for (int i = 0; i < chars.length(); i++)
        {
            add(chars.charAt(i), classes);
        }
    }
}
