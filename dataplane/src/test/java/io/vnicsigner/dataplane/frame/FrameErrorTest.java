package io.vnicsigner.dataplane.frame;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameErrorTest
{
    @Test
    void shouldDescribeEveryCodeDistinctly()
    {
        final Set<String> descriptions = new HashSet<>();
        for (int code = 0; code < FrameError.CODE_COUNT; code++)
        {
            assertTrue(descriptions.add(FrameError.describe(code)), "code " + code);
        }
        assertEquals("ok", FrameError.describe(FrameError.OK));
    }

    @Test
    void shouldDescribeUnknownCodes()
    {
        assertEquals("unknown frame error", FrameError.describe(FrameError.CODE_COUNT));
        assertEquals("unknown frame error", FrameError.describe(-1));
    }
}
