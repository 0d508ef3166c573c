package io.vnicsigner.control.policy;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GlobTest
{
    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "/a/*,          /a/b,        true",
        "/a/*,          /a/,         true",
        "/a/*,          /a/b/c,      false",
        "/a/**,         /a/b/c,      true",
        "/a/**,         /a,          false",
        "/a/**/z,       /a/b/c/z,    true",
        "/a/**/z,       /a/z,        false",
        "/*.txt,        /x.txt,      true",
        "/*.txt,        /d/x.txt,    false",
        "/**.txt,       /d/x.txt,    true",
        "/a*b*c,        /aXbYc,      true",
        "/a*b*c,        /aXbY,       false",
        "/exact,        /exact,      true",
        "/exact,        /exactly,    false",
        "/exact,        /Exact,      false",
    })
    void shouldMatchPathsWithSegmentAwareStars(final String pattern, final String path, final boolean expected)
    {
        assertEquals(expected, new Glob(pattern, '/', false).matches(buffer(path), 0, path.length()));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "*.s3.local,    a.s3.local,     true",
        "*.s3.local,    A.S3.Local,     true",
        "*.s3.local,    a.b.s3.local,   false",
        "**.s3.local,   a.b.s3.local,   true",
        "*.s3.local,    s3.local,       false",
        "s3.local,      s3.local,       true",
        "*,             anything,       true",
        "*,             any.thing,      false",
        "**,            any.thing,      true",
    })
    void shouldMatchHostsLabelByLabelIgnoringCase(final String pattern, final String host, final boolean expected)
    {
        assertEquals(expected, new Glob(pattern, '.', true).matches(buffer(host), 0, host.length()));
    }

    private static UnsafeBuffer buffer(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }
}
