package io.vnicsigner.control.config;

import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.pipeline.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest
{
    private static final String ISSUE_EXAMPLE = """
        signingIp: 169.254.169.250
        uplink: { port: "tap:vsup0" }
        instances:
          - id: i-demo1
            tenant: acme
            mac: "52:54:00:00:00:01"
            ip: 10.200.0.2
            port: "tap:vsg1"
        """;

    @Test
    void shouldLoadTheDocumentedExample() throws ConfigException
    {
        final VnicConfig config = ConfigLoader.parse(ISSUE_EXAMPLE);

        assertEquals(Ipv4Address.parse("169.254.169.250"), config.signingIp().ip());
        assertEquals(MacAddress.parse("02:76:6e:69:63:01"), config.signingIp().mac(), "default signing MAC");
        assertEquals("tap:vsup0", config.uplinkPort());
        assertEquals(1, config.instances().size());
        final InstanceConfig instance = config.instances().get(0);
        assertEquals("i-demo1", instance.id());
        assertEquals("acme", instance.tenant());
        assertEquals(MacAddress.parse("52:54:00:00:00:01"), instance.mac());
        assertEquals(Ipv4Address.parse("10.200.0.2"), instance.ip());
        assertEquals("tap:vsg1", instance.port());
        assertEquals(1, instance.hopLimit(), "hop limit defaults to 1, as IMDSv2");
        assertEquals(ThreadingMode.DEDICATED, config.threadingMode());
        assertEquals("poll", config.idleStrategy());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unquoted MAC            | mac: \"52:54:00:00:00:01\"  | mac: 52:54:00:00:00:01 | instances[0].mac: must be a quoted string",
        "bad MAC                 | mac: \"52:54:00:00:00:01\"  | mac: \"52:54:00:zz:00:01\" | instances[0].mac: '52:54:00:zz:00:01' is not a MAC",
        "multicast MAC           | mac: \"52:54:00:00:00:01\"  | mac: \"01:00:5e:00:00:01\" | instances[0].mac: must be a unicast MAC",
        "bad IP                  | ip: 10.200.0.2            | ip: 10.200.0.300 | instances[0].ip: '10.200.0.300' is not an IPv4",
        "IP is the signing IP    | ip: 10.200.0.2            | ip: 169.254.169.250 | instances[0].ip: must not be the signing IP",
        "unknown port kind       | port: \"tap:vsg1\"          | port: \"veth:vsg1\" | instances[0].port: unknown port kind 'veth'",
        "interface name too long | port: \"tap:vsg1\"          | port: \"tap:a-very-long-name\" | instances[0].port: interface name must be 1..15",
        "guest port is uplink    | port: \"tap:vsg1\"          | port: \"tap:vsup0\" | instances[0].port: duplicates uplink.port",
        "missing tenant          | '    tenant: acme'         | '' | instances[0].tenant: is required",
        "unknown key             | tenant: acme              | tennant: acme | instances[0].tennant: unknown key",
        "bad signing IP          | signingIp: 169.254.169.250 | signingIp: nope | signingIp: 'nope' is not an IPv4",
    })
    void shouldRefuseABadConfigNamingTheKey(
        final String name, final String from, final String to, final String expected)
    {
        final String yaml = ISSUE_EXAMPLE.replace(from, to);
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void shouldRefuseDuplicateInstances()
    {
        final String yaml = ISSUE_EXAMPLE + """
              - id: i-demo2
                tenant: acme
                mac: "52:54:00:00:00:01"
                ip: 10.200.0.3
                port: "tap:vsg2"
            """;
        final ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml));
        assertEquals("instances[1].mac: duplicates instances[0].mac", e.getMessage());
    }

    @Test
    void shouldRefuseAMissingUplinkAndAnEmptyFile()
    {
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("instances: []"))
            .getMessage().startsWith("uplink: is required"));
        assertEquals("config is empty", assertThrows(ConfigException.class, () -> ConfigLoader.parse("")).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("a: [b"))
            .getMessage().startsWith("config is not valid YAML"));
    }

    @Test
    void shouldReadThreadingAndHopLimit() throws ConfigException
    {
        final VnicConfig config = ConfigLoader.parse(ISSUE_EXAMPLE.replace("port: \"tap:vsg1\"",
            "port: \"tap:vsg1\"\n    hopLimit: 4") + "threading: { mode: shared, idle: backoff }\n");
        assertEquals(4, config.instances().get(0).hopLimit());
        assertEquals(ThreadingMode.SHARED, config.threadingMode());
        assertEquals("backoff", config.idleStrategy());

        final ConfigException e = assertThrows(ConfigException.class,
            () -> ConfigLoader.parse(ISSUE_EXAMPLE + "threading: { idle: spin }\n"));
        assertTrue(e.getMessage().startsWith("threading.idle: unknown idle strategy 'spin'"), e.getMessage());
    }
}
