package io.vnicsigner.control.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control plane's keys: audit, tiers, policies, throttle, instances[].tier and instances[].policy.
 */
class ControlConfigLoaderTest
{
    private static final String BASE = """
        uplink: { port: "tap:ctup0" }
        instances:
          - id: i-1
            tenant: acme
            mac: "52:54:00:00:00:01"
            ip: 10.200.0.2
            port: "tap:ctg1"
            INSTANCE
          - { id: i-2, tenant: acme, mac: "52:54:00:00:00:02", ip: 10.200.0.3, port: "tap:ctg2", tier: free }
        """;

    private static ControlConfig load(final String instanceLines, final String top) throws ConfigException
    {
        return ConfigLoader.parse(BASE.replace("INSTANCE", instanceLines) + top).control();
    }

    @Test
    void shouldUseTheDocumentedDefaultsWhenNothingIsConfigured() throws ConfigException
    {
        final ControlConfig control = load("", "");
        assertNull(control.audit(), "audit is off unless configured");
        assertEquals(TierConfig.FREE, control.tiers().get("free"));
        assertEquals(new TierConfig("basic", 50, 100, 1_000_000, null), control.tiers().get("basic"));
        assertEquals(new TierConfig("premium", 500, 1_000, 0, null), control.tiers().get("premium"));
        assertEquals(0, control.hostRatePerSecond());
        assertNull(control.tierOf("i-1"));
        assertEquals("free", control.tierOf("i-2").name());
        assertNull(control.policyOf("i-1"));
    }

    @Test
    void shouldLoadEveryControlKey() throws ConfigException
    {
        final ControlConfig control = load("tier: premium\n    policy: readonly", """
            audit: { dir: /var/lib/vnic-signer/audit, retentionDays: 30 }
            tiers:
              free: { rate: 0.5, burst: 2, dailyQuota: 100, policy: readonly }
              premium: { dailyQuota: 5000000000 }
            throttle: { hostRate: 2000, hostBurst: 4000 }
            policies:
              readonly:
                allow:
                  - { methods: [GET, HEAD], host: "*.s3.local", path: "/logs/**" }
                  - { path: "/public/*" }
                forms: [origin]
                maxBody: 0
            """);
        assertEquals(new AuditConfig(Path.of("/var/lib/vnic-signer/audit"), 30), control.audit());
        assertEquals(new TierConfig("free", 0.5, 2, 100, "readonly"), control.tiers().get("free"));
        assertEquals(new TierConfig("premium", 500, 1_000, 5_000_000_000L, null), control.tiers().get("premium"));
        assertEquals(2000, control.hostRatePerSecond());
        assertEquals(4000, control.hostBurst());
        final PolicyConfig readonly = control.policies().get("readonly");
        assertEquals(List.of(new PolicyConfig.Rule(Set.of("GET", "HEAD"), "*.s3.local", "/logs/**"),
            new PolicyConfig.Rule(Set.of(), null, "/public/*")), readonly.allow());
        assertTrue(readonly.originForm() && !readonly.absoluteForm());
        assertEquals(0, readonly.maxBody());
        assertEquals("premium", control.tierOf("i-1").name());
        assertEquals(readonly, control.policyOf("i-1"));
        assertEquals(readonly, control.policyOf("i-2"), "the free tier's default policy");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "|audit: { retentionDays: 3 }|audit.dir: is required",
        "|audit: { dir: /a, keep: 3 }|audit.keep: unknown key",
        "|audit: { dir: /a, retentionDays: -1 }|audit.retentionDays: must be within 0..36500",
        "|tiers: { gold: { rate: 1 } }|tiers.gold: unknown key (allowed here: basic, free, premium)",
        "|tiers: { free: { rate: 0 } }|tiers.free.rate: must be within",
        "|tiers: { free: { burst: 0 } }|tiers.free.burst: must be within 1..",
        "|tiers: { free: { policy: nope } }|tiers.free.policy: names no policy under policies: ('nope')",
        "|throttle: { hostBurst: 10 }|throttle.hostBurst: needs throttle.hostRate",
        "|throttle: { hostrate: 10 }|throttle.hostrate: unknown key",
        "tier: gold||instances[0].tier: must be free, basic or premium, not 'gold'",
        "policy: nope||instances[0].policy: names no policy under policies: ('nope')",
        "|policies: { p: { allow: [ { methods: [FETCH] } ] } }|policies.p.allow[0].methods[0]: must be one of",
        "|policies: { p: { allow: [ { host: \"s3.local:80\" } ] } }|policies.p.allow[0].host: must be a host pattern",
        "|policies: { p: { allow: [ { path: \"logs/*\" } ] } }|policies.p.allow[0].path: must start with /",
        "|policies: { p: { allow: [ { path: \"/*/*/*/*/*\" } ] } }|policies.p.allow[0].path: must start with /, hold no ? and at most 4",
        "|policies: { p: { allow: [ { verbs: [GET] } ] } }|policies.p.allow[0].verbs: unknown key",
        "|policies: { p: { forms: [proxy] } }|policies.p.forms[0]: must be origin or absolute, not 'proxy'",
        "|policies: { p: { forms: [] } }|policies.p.forms: must name origin, absolute or both",
        "|policies: { p: { maxBody: -5 } }|policies.p.maxBody: must be within 0..",
        "|policies: { p: }|policies.p: must be a mapping",
        "|policies: [ p ]|policies: must be a mapping of keys",
    })
    void shouldRefuseBadControlKeysNamingTheKey(final String testCase)
    {
        final String[] parts = testCase.split("\\|", -1);
        final ConfigException e = assertThrows(ConfigException.class, () -> load(parts[0], parts[1]));
        assertTrue(e.getMessage().startsWith(parts[2]), e.getMessage());
    }
}
