package io.vnicsigner.control.throttle;

import java.util.Map;

import io.vnicsigner.control.config.ControlConfig;
import io.vnicsigner.control.testing.Requests;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThrottleTest
{
    private static final long SECOND = 1_000_000_000L;
    /** 2026-11-30T23:59:50Z: ten seconds before a UTC midnight. */
    private static final long LATE = 1_796_083_190L * SECOND;
    private static final SigningIdentity A = Requests.identity("i-a", "acme");
    private static final SigningIdentity B = Requests.identity("i-b", "acme");
    private static final SigningIdentity C = Requests.identity("i-c", "globex");

    private final CountersManager counters =
        new CountersManager(new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(1024 * 1024)),
            new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(128 * 1024)));

    private Throttle throttle(final String yaml)
    {
        final ControlConfig control = Requests.control("""
            uplink: { port: "tap:ctup0" }
            instances:
              - { id: i-a, tenant: acme, mac: "52:54:00:00:00:01", ip: 10.0.0.1, port: "tap:ct1", tier: free }
              - { id: i-b, tenant: acme, mac: "52:54:00:00:00:02", ip: 10.0.0.2, port: "tap:ct2", tier: basic }
              - { id: i-c, tenant: globex, mac: "52:54:00:00:00:03", ip: 10.0.0.3, port: "tap:ct3" }
            """ + yaml);
        return new Throttle(control, Map.of("i-a", "acme", "i-b", "acme", "i-c", "globex"), counters);
    }

    @Test
    void shouldAdmitTheBurstThenAnswerRetryAfterUntilTheBucketRefills()
    {
        final Throttle throttle = throttle("tiers: { free: { rate: 2, burst: 3 } }");
        final long t0 = 1_000 * SECOND;
        for (int i = 0; i < 3; i++)
        {
            assertEquals(0, throttle.acquire(A, 0, t0), "burst request " + i);
        }
        assertEquals(1, throttle.acquire(A, 0, t0), "half a second to the next token, rounded up");
        assertEquals(Throttle.INSTANCE_RATE, throttle.lastReason());
        assertEquals(1, throttle.acquire(A, 0, t0 + SECOND / 4));
        assertEquals(0, throttle.acquire(A, 0, t0 + SECOND / 2), "one token earned at 2/s");
        assertEquals(1, throttle.acquire(A, 0, t0 + SECOND / 2));
        assertEquals(4, throttle.admitted("i-a"));
        assertEquals(3, throttle.throttled("i-a"));
        assertEquals(3, throttle.throttledForTenant("acme"));
        assertEquals(0, throttle.throttledForTenant("globex"));
    }

    @Test
    void shouldAnswerRetryAfterInWholeSecondsForSlowRates()
    {
        final Throttle throttle = throttle("tiers: { free: { rate: 0.1, burst: 1 } }");
        assertEquals(0, throttle.acquire(A, 0, SECOND));
        assertEquals(10, throttle.acquire(A, 0, SECOND));
        assertEquals(7, throttle.acquire(A, 0, 4 * SECOND));
    }

    @Test
    void shouldStopAtTheDailyQuotaUntilUtcMidnight()
    {
        final Throttle throttle = throttle("tiers: { free: { rate: 1000, burst: 1000, dailyQuota: 5 } }");
        for (int i = 0; i < 5; i++)
        {
            assertEquals(0, throttle.acquire(A, 0, LATE));
        }
        assertEquals(10, throttle.acquire(A, 0, LATE), "seconds to midnight");
        assertEquals(Throttle.QUOTA, throttle.lastReason());
        assertEquals(1, throttle.acquire(A, 0, LATE + 9 * SECOND + 1));
        assertEquals(0, throttle.acquire(A, 0, LATE + 10 * SECOND), "a new UTC day");
        assertEquals(0, throttle.acquire(B, 0, LATE), "quotas are per instance");
    }

    @Test
    void shouldCapTheWholeHostAcrossInstancesAndTenants()
    {
        final Throttle throttle = throttle("throttle: { hostRate: 1, hostBurst: 2 }");
        final long t0 = 50 * SECOND;
        assertEquals(0, throttle.acquire(B, 0, t0));
        assertEquals(0, throttle.acquire(C, 0, t0), "an instance without a tier has only the host cap");
        assertEquals(1, throttle.acquire(C, 0, t0));
        assertEquals(Throttle.HOST_RATE, throttle.lastReason());
        assertEquals(1, throttle.acquire(B, 0, t0));
        assertEquals(1, throttle.throttledForTenant("globex"));
        assertEquals(1, throttle.throttledForTenant("acme"));
        assertEquals(0, throttle.acquire(B, 0, t0 + SECOND));
    }

    @Test
    void shouldNotSpendTheInstancesTokenWhenTheHostRefuses()
    {
        final Throttle throttle = throttle("tiers: { free: { rate: 1, burst: 1 } }\nthrottle: { hostRate: 1, hostBurst: 1 }");
        assertEquals(0, throttle.acquire(B, 0, 0));
        assertEquals(1, throttle.acquire(A, 0, 0), "host bucket empty");
        assertEquals(0, throttle.acquire(A, 0, SECOND), "the instance kept its token");
    }

    @Test
    void shouldUseTheDocumentedTierDefaults()
    {
        final Throttle throttle = throttle("");
        int admitted = 0;
        while (throttle.acquire(A, 0, 7 * SECOND) == 0)
        {
            admitted++;
        }
        assertEquals(10, admitted, "free: burst 10");
        admitted = 0;
        while (throttle.acquire(B, 0, 7 * SECOND) == 0)
        {
            admitted++;
        }
        assertEquals(100, admitted, "basic: burst 100");
        for (int i = 0; i < 10_000; i++)
        {
            assertEquals(0, throttle.acquire(C, 0, 7 * SECOND), "no tier, no host cap: unlimited");
        }
        final Map<String, Long> shown = Throttle.read(counters);
        assertEquals(10L, shown.get("admitted instance i-a (tenant acme, tier free)"));
        assertEquals(2L, shown.get("throttled tenant acme"));
    }
}
