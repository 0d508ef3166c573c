package io.vnicsigner.control.throttle;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import io.vnicsigner.control.config.ControlConfig;
import io.vnicsigner.control.policy.PolicyTable;
import io.vnicsigner.control.testing.Requests;
import io.vnicsigner.dataplane.http.HttpRequest;
import io.vnicsigner.dataplane.sign.PolicyHook;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The policy and throttle hooks run once per request on the agent thread, so in steady state they must not
 * allocate: measured with the JVM's per-thread allocation counter.
 */
class DecisionAllocationTest
{
    @Test
    void shouldDecideAndThrottleWithoutAllocating()
    {
        final ControlConfig control = Requests.control("""
            uplink: { port: "tap:ctup0" }
            instances:
              - { id: i-a, tenant: acme, mac: "52:54:00:00:00:01", ip: 10.0.0.1, port: "tap:ct1", tier: premium, policy: p }
            throttle: { hostRate: 1000000, hostBurst: 1000000 }
            policies:
              p:
                allow:
                  - { methods: [PUT], host: "*.other", path: "/x/**" }
                  - { methods: [GET, PUT], host: "s3.local", path: "/bucket/*/**" }
                maxBody: 100000
            """);
        final SigningIdentity a = Requests.identity("i-a", "acme");
        final PolicyTable policy = PolicyTable.of(control, List.of("i-a"));
        final Throttle throttle = new Throttle(control, Map.of("i-a", "acme"), new CountersManager(
            new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(64 * 1024)),
            new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(8 * 1024))));
        final HttpRequest request = new Requests().parse(
            "PUT /bucket/dir/key.bin HTTP/1.1\r\nHost: s3.local:80\r\nContent-Length: 10\r\n\r\n");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().threadId();
        long nowNs = 0;
        long sink = 0;
        for (int i = 0; i < 50_000; i++)
        {
            nowNs += 3_000_000;
            sink += policy.decide(a, request, 0, nowNs) + throttle.acquire(a, 0, nowNs);
        }
        final long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++)
        {
            nowNs += 3_000_000;
            sink += policy.decide(a, request, 0, nowNs) + throttle.acquire(a, 0, nowNs);
        }
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(PolicyHook.ALLOW, sink, "every request allowed and admitted (3 ms apart under premium's 500/s)");
        assertEquals(0, allocated, "bytes allocated by 100,000 policy decisions and throttle acquisitions");
    }
}
