package io.vnicsigner.control.policy;

import java.util.List;

import io.vnicsigner.control.config.ControlConfig;
import io.vnicsigner.control.testing.Requests;
import io.vnicsigner.dataplane.sign.PolicyHook;
import io.vnicsigner.dataplane.sign.SigningIdentity;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PolicyTableTest
{
    private static final SigningIdentity READER = Requests.identity("i-reader", "acme");
    private static final SigningIdentity FREE = Requests.identity("i-free", "acme");
    private static final SigningIdentity OPEN = Requests.identity("i-open", "acme");
    private static final SigningIdentity OWN = Requests.identity("i-own", "acme");

    private final Requests requests = new Requests();
    private final ControlConfig control = Requests.control("""
        uplink: { port: "tap:ctup0" }
        instances:
          - { id: i-reader, tenant: acme, mac: "52:54:00:00:00:01", ip: 10.0.0.1, port: "tap:ct1", policy: readonly }
          - { id: i-free, tenant: acme, mac: "52:54:00:00:00:02", ip: 10.0.0.2, port: "tap:ct2", tier: free }
          - { id: i-open, tenant: acme, mac: "52:54:00:00:00:03", ip: 10.0.0.3, port: "tap:ct3", tier: basic }
          - { id: i-own, tenant: acme, mac: "52:54:00:00:00:04", ip: 10.0.0.4, port: "tap:ct4", tier: free, policy: uploads }
        policies:
          readonly:
            allow:
              - { methods: [GET, HEAD], host: "s3.local", path: "/demo-bucket/**" }
              - { methods: [GET], host: "*.buckets.test", path: "/*.txt" }
            forms: [origin]
          proxyOnly:
            allow:
              - { methods: ["*"] }
            forms: [absolute]
          uploads:
            allow:
              - { methods: [PUT], path: "/up/*" }
            maxBody: 1000
        tiers:
          free: { policy: proxyOnly }
        """);
    private final PolicyTable table = PolicyTable.of(control, List.of("i-reader", "i-free", "i-open", "i-own"));

    private int decide(final SigningIdentity who, final String head)
    {
        return table.decide(who, requests.parse(head), 0, 0);
    }

    @Test
    void shouldAllowWhatARuleAllowsAndDenyEverythingElseInsideANamedPolicy()
    {
        assertEquals(PolicyHook.ALLOW, decide(READER, "GET /demo-bucket/a/b.txt HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
        assertEquals("policy readonly: allowed by rule 0", table.lastReason());
        assertEquals(PolicyHook.ALLOW, decide(READER, "HEAD /demo-bucket/x HTTP/1.1\r\nHost: S3.LOCAL:9000\r\n\r\n"));
        assertEquals(403, decide(READER, "PUT /demo-bucket/x HTTP/1.1\r\nHost: s3.local\r\nContent-Length: 0\r\n\r\n"));
        assertEquals("policy readonly: no allow rule matches", table.lastReason());
        assertEquals(403, decide(READER, "GET /other-bucket/x HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
        assertEquals(403, decide(READER, "GET /demo-bucket/x HTTP/1.1\r\nHost: s3.local.evil\r\n\r\n"));
        assertEquals(403, decide(READER, "GET /demo-bucket HTTP/1.1\r\nHost: s3.local\r\n\r\n"), "** needs the /");
    }

    @Test
    void shouldKeepASingleStarInsideOnePathSegmentAndMatchHostPatterns()
    {
        assertEquals(PolicyHook.ALLOW, decide(READER, "GET /notes.txt HTTP/1.1\r\nHost: photos.buckets.test\r\n\r\n"));
        assertEquals("policy readonly: allowed by rule 1", table.lastReason());
        assertEquals(403, decide(READER, "GET /dir/notes.txt HTTP/1.1\r\nHost: photos.buckets.test\r\n\r\n"));
        assertEquals(403, decide(READER, "GET /notes.txt HTTP/1.1\r\nHost: buckets.test\r\n\r\n"));
        assertEquals(403, decide(READER, "GET /notes.txt HTTP/1.1\r\nHost: a.photos.buckets.test\r\n\r\n"),
            "* is one label");
    }

    @Test
    void shouldRefuseDotSegmentsThatCouldEscapeTheGlob()
    {
        assertEquals(403, decide(READER, "GET /demo-bucket/../secret/k HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
        assertEquals("policy readonly: dot segment in path", table.lastReason());
        assertEquals(403, decide(READER, "GET /demo-bucket/%2E%2e/secret HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
        assertEquals(PolicyHook.ALLOW, decide(READER, "GET /demo-bucket/...x HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
    }

    @Test
    void shouldApplyFormsPerPolicy()
    {
        assertEquals(403, decide(READER, "GET http://s3.local/demo-bucket/k HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
        assertEquals("policy readonly: request form not allowed", table.lastReason());
        // i-free names no policy, so its tier's (proxyOnly) applies: absolute-form only.
        assertEquals(PolicyHook.ALLOW, decide(FREE, "DELETE http://s3.local/b/k HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
        assertEquals(403, decide(FREE, "GET /b/k HTTP/1.1\r\nHost: s3.local\r\n\r\n"));
    }

    @Test
    void shouldLetAnInstanceWithoutAPolicyUseEveryRoute()
    {
        assertEquals(PolicyHook.ALLOW, decide(OPEN, "PATCH /anything/../at/all HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(PolicyTable.NO_POLICY, table.lastReason());
        assertNull(table.policyOf("i-open"));
    }

    @Test
    void shouldPreferTheInstancesOwnPolicyOverItsTiersAndRefuseBodiesOverMaxBodyWith413()
    {
        assertEquals("uploads", table.policyOf("i-own"));
        assertEquals(PolicyHook.ALLOW, decide(OWN, "PUT /up/a HTTP/1.1\r\nHost: s3.local\r\nContent-Length: 1000\r\n\r\n"));
        assertEquals(413, decide(OWN, "PUT /up/a HTTP/1.1\r\nHost: s3.local\r\nContent-Length: 1001\r\n\r\n"));
        assertEquals("policy uploads: body larger than maxBody 1000", table.lastReason());
        assertEquals(413, decide(OWN,
            "PUT /up/a HTTP/1.1\r\nHost: s3.local\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals("policy uploads: chunked body of unknown length with maxBody set", table.lastReason());
    }
}
