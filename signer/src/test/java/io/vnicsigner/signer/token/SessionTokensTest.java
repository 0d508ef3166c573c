package io.vnicsigner.signer.token;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SessionTokensTest
{
    private static final long NOW = 1_790_000_000L;
    private static final long SIX_HOURS = SessionTokens.MAX_TTL_SECONDS;

    private final SessionTokens tokens = new SessionTokens(new SecureRandom(), SIX_HOURS);

    @Test
    void shouldAcceptATokenForItsInstanceUntilItExpires()
    {
        final String token = tokens.mint("i-1", NOW, 60);
        assertEquals(SessionTokens.TOKEN_CHARS, token.length());
        assertEquals(SessionTokens.VALID, tokens.check(token, "i-1", NOW));
        assertEquals(SessionTokens.VALID, tokens.check(token, "i-1", NOW + 59));
        assertEquals(SessionTokens.EXPIRED, tokens.check(token, "i-1", NOW + 60));
    }

    @Test
    void shouldRefuseATokenMintedForAnotherInstance()
    {
        final String token = tokens.mint("i-1", NOW, 60);
        assertEquals(SessionTokens.INVALID, tokens.check(token, "i-2", NOW));
        assertEquals(SessionTokens.INVALID, tokens.check(token, "i-1x", NOW));
    }

    @Test
    void shouldRefuseEveryAlteredByte()
    {
        final String token = tokens.mint("i-1", NOW, 600);
        final byte[] raw = java.util.Base64.getUrlDecoder().decode(token);
        for (int i = 0; i < raw.length; i++)
        {
            final byte[] altered = raw.clone();
            altered[i] ^= 0x01;
            final String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
            final int result = tokens.check(forged, "i-1", NOW);
            assertNotEquals(SessionTokens.VALID, result, "byte " + i);
        }
    }

    @Test
    void shouldRefuseATokenFromAnotherHost()
    {
        final SessionTokens otherHost = new SessionTokens(new SecureRandom(), SIX_HOURS);
        assertEquals(SessionTokens.INVALID, tokens.check(otherHost.mint("i-1", NOW, 60), "i-1", NOW));
    }

    @Test
    void shouldCallGarbageMalformed()
    {
        assertEquals(SessionTokens.MALFORMED, tokens.check(null, "i-1", NOW));
        assertEquals(SessionTokens.MALFORMED, tokens.check("", "i-1", NOW));
        assertEquals(SessionTokens.MALFORMED, tokens.check("!".repeat(SessionTokens.TOKEN_CHARS), "i-1", NOW));
        assertEquals(SessionTokens.MALFORMED, tokens.check("A".repeat(SessionTokens.TOKEN_CHARS), "i-1", NOW));
    }

    @Test
    void shouldKeepTokensCheckableAcrossOneRotationButNotTwo()
    {
        final String token = tokens.mint("i-1", NOW, SIX_HOURS);
        // One rotation later the previous key is still held and the token is still in date.
        assertEquals(SessionTokens.VALID, tokens.check(token, "i-1", NOW + SIX_HOURS - 1));
        tokens.mint("i-1", NOW + SIX_HOURS, 60);
        assertEquals(SessionTokens.EXPIRED, tokens.check(token, "i-1", NOW + SIX_HOURS));
        // A second rotation drops the key: the token is no longer verifiable at all.
        tokens.mint("i-1", NOW + 2 * SIX_HOURS, 60);
        assertEquals(SessionTokens.INVALID, tokens.check(token, "i-1", NOW + 2 * SIX_HOURS));
    }

    @Test
    void shouldRefuseTtlsOutsideTheRange()
    {
        assertThrows(IllegalArgumentException.class, () -> tokens.mint("i-1", NOW, 0));
        assertThrows(IllegalArgumentException.class, () -> tokens.mint("i-1", NOW, SIX_HOURS + 1));
        tokens.mint("i-1", NOW, 1);
        tokens.mint("i-1", NOW, SIX_HOURS);
    }
}
