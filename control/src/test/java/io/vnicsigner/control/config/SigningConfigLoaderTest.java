package io.vnicsigner.control.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.vnicsigner.control.daemon.CredentialExpiryWatch;
import io.vnicsigner.dataplane.sign.SignedRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigningConfigLoaderTest
{
    private static final String SECRET = "top-secret-value";

    @TempDir
    Path dir;

    private String config(final Path credentials, final String tenant, final String routeExtra)
    {
        return config(credentials, tenant, routeExtra, "");
    }

    private String config(final Path credentials, final String tenant, final String routeExtra, final String instanceExtra)
    {
        return """
            uplink: { port: "tap:vsup0" }
            instances:
              - id: i-demo1
                tenant: %s
                mac: "52:54:00:00:00:01"
                ip: 10.200.0.2
                port: "tap:vsg1"
            %s
            routes:
              - host: s3.local
                upstream: http://127.0.0.1:18080
                service: s3
                region: us-east-1
            %s
            tenants:
              - id: acme
                credentialsFile: %s
            """.formatted(tenant, instanceExtra, routeExtra, credentials);
    }

    private Path credentials(final String mode) throws Exception
    {
        final Path file = dir.resolve("acme.json");
        Files.writeString(file, "{\"accessKeyId\":\"AKID\",\"secretAccessKey\":\"" + SECRET + "\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void shouldLoadRoutesTenantsAndTheDefaultImageDigest() throws Exception
    {
        final VnicConfig config = ConfigLoader.parse(config(credentials("rw-------"), "acme", ""));

        final RouteConfig route = config.routes().get(0);
        assertEquals("s3.local", route.host());
        assertNull(route.prefix());
        assertEquals("http://127.0.0.1:18080", route.upstream());
        assertEquals(64, route.maxIdleConnections(), "default idle keep-alive connections to the provider");
        assertEquals(128, config.limits().upstreamConnections(), "default upstream connection slots");
        assertEquals("auto", route.payload(), "hash up to the buffered-body limit by default");
        assertEquals("AKID", config.tenants().get(0).credentials().accessKeyId());
        assertEquals(ConfigLoader.UNKNOWN_IMAGE_DIGEST, config.instances().get(0).imageDigest());
        assertFalse(config.tenants().get(0).toString().contains(SECRET), "the secret is never printed");
    }

    @Test
    void shouldRefuseACredentialsFileOthersCanRead() throws Exception
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(config(credentials("rw-r--r--"), "acme", "")));

        assertTrue(e.getMessage().startsWith("tenants[0].credentialsFile: "), e.getMessage());
        assertTrue(e.getMessage().contains("must be mode 0600"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void shouldRefuseACredentialsFileOwnedBySomeoneElse() throws Exception
    {
        final Path file = credentials("rw-------");
        Files.setAttribute(file, "unix:uid", 4242);
        final ConfigException e = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(config(file, "acme", "")));

        assertTrue(e.getMessage().contains("is owned by uid 4242, not by the daemon's user"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void shouldLoadTemporaryCredentialsAndWarnBeforeTheyExpire() throws Exception
    {
        final Path file = dir.resolve("acme.json");
        Files.writeString(file, "{\"accessKeyId\":\"ASIA1\",\"secretAccessKey\":\"" + SECRET +
            "\",\"sessionToken\":\"tok\",\"expiration\":\"2026-11-25T12:00:00Z\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        final TenantConfig tenant = ConfigLoader.parse(config(file, "acme", "")).tenants().get(0);
        assertEquals(java.time.Instant.parse("2026-11-25T12:00:00Z"), tenant.expiration());

        final CredentialExpiryWatch watch = new CredentialExpiryWatch(java.util.List.of(tenant));
        assertEquals(java.util.List.of(), watch.check(java.time.Instant.parse("2026-11-25T11:40:00Z")));
        final java.util.List<String> soon = watch.check(java.time.Instant.parse("2026-11-25T11:50:00Z"));
        assertEquals(1, soon.size());
        assertTrue(soon.get(0).startsWith("credentials of tenant acme expire at 2026-11-25T12:00:00Z (in 10 min)"),
            soon.get(0));
        assertEquals(java.util.List.of(), watch.check(java.time.Instant.parse("2026-11-25T11:55:00Z")), "warned once");
        final java.util.List<String> expired = watch.check(java.time.Instant.parse("2026-11-25T12:00:00Z"));
        assertTrue(expired.get(0).contains("expired at"), expired.toString());
        assertFalse((soon + expired.toString()).contains(SECRET) || (soon + expired.toString()).contains("tok"));

        Files.writeString(file, "{\"accessKeyId\":\"A\",\"secretAccessKey\":\"s\",\"expiration\":\"2026-11-25T12:00:00Z\"}");
        final ConfigException e = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(config(file, "acme", "")));
        assertTrue(e.getMessage().contains("also need a sessionToken"), e.getMessage());
    }

    @Test
    void shouldRefuseAnInstanceWhoseTenantHasNoCredentials() throws Exception
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(config(credentials("rw-------"), "globex", "")));

        assertTrue(e.getMessage().startsWith("instances[0].tenant: names no tenant"), e.getMessage());
    }

    @Test
    void shouldRefuseARouteWithBothHostAndPrefixAndAnUnknownPayload() throws Exception
    {
        final Path file = credentials("rw-------");
        final ConfigException both = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(config(file, "acme", "    prefix: /s3/")));
        assertTrue(both.getMessage().startsWith("routes[0]: needs exactly one of host"), both.getMessage());

        final ConfigException sha = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(config(file, "acme", "    payload: sha256")));
        assertTrue(sha.getMessage().startsWith("routes[0].payload: must be hash, unsigned or auto"), sha.getMessage());
    }

    @Test
    void shouldLoadEveryPayloadPolicyAndTheBodyLimits() throws Exception
    {
        final Path file = credentials("rw-------");
        for (final String policy : new String[] {"hash", "unsigned", "auto"})
        {
            assertEquals(policy, ConfigLoader.parse(config(file, "acme", "    payload: " + policy)).routes().get(0)
                .payload());
        }
        final VnicConfig config = ConfigLoader.parse(config(file, "acme", "") +
            "limits: { maxBufferedBodyBytes: 1048576, bodyPoolBytes: 4194304 }\n");
        assertEquals(1_048_576, config.limits().maxBufferedBody());
        assertEquals(4_194_304, config.limits().bodyPoolBytes());
    }

    @Test
    void shouldReadSignedRequestsPerInstanceDefaultingToReject() throws Exception
    {
        final Path file = credentials("rw-------");
        assertEquals(SignedRequests.REJECT, ConfigLoader.parse(config(file, "acme", "")).instances().get(0).signedRequests());
        assertEquals(SignedRequests.ENRICH, ConfigLoader.parse(config(file, "acme", "", "    signedRequests: enrich"))
            .instances().get(0).signedRequests());

        final ConfigException bad = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(config(file, "acme", "", "    signedRequests: allow")));
        assertTrue(bad.getMessage().startsWith("instances[0].signedRequests: must be reject, pass or enrich"),
            bad.getMessage());
    }
}
