package io.vnicsigner.control.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.vnicsigner.dataplane.frame.Ipv4Address;
import io.vnicsigner.dataplane.frame.MacAddress;
import io.vnicsigner.dataplane.pipeline.DataplaneLimits;
import io.vnicsigner.dataplane.pipeline.IdleStrategies;
import io.vnicsigner.dataplane.pipeline.ThreadingMode;
import io.vnicsigner.dataplane.port.PortSpecs;
import io.vnicsigner.dataplane.sign.SignedRequests;
import io.vnicsigner.dataplane.switching.GuestPort;
import io.vnicsigner.dataplane.switching.SigningIp;
import io.vnicsigner.dataplane.sign.PayloadPolicy;
import io.vnicsigner.dataplane.upstream.UpstreamRoute;
import io.vnicsigner.signer.identity.InstanceIdentity;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads and validates the YAML config. Unknown keys, wrong types and inconsistent values (duplicate MACs, IPs,
 * ports or ids) are refused with a message that names the key.
 */
public final class ConfigLoader
{
    private static final Set<String> TOP_KEYS =
        Set.of("signingIp", "signingMac", "uplink", "instances", "threading", "limits", "routes", "tenants", "audit",
            "tiers", "policies", "throttle");
    private static final Set<String> ROUTE_KEYS =
        Set.of("host", "prefix", "upstream", "caFile", "service", "region", "payload", "connectTimeoutMs",
            "responseTimeoutMs", "maxIdleConnections");
    private static final Set<String> TENANT_KEYS = Set.of("id", "credentialsFile");
    /** The image digest of an instance that does not declare one: all zeros, meaning "unknown image". */
    public static final String UNKNOWN_IMAGE_DIGEST = "sha256:" + "0".repeat(64);
    private static final Set<String> LIMIT_KEYS = Set.of("connections", "connectionsPerInstance", "halfOpen",
        "tcpBuffers", "httpSessions", "idleTimeoutSeconds", "headerReadTimeoutSeconds", "verifyChecksums",
        "maxBufferedBodyBytes", "bodyPoolBytes", "upstreamConnections");
    private static final Set<String> FAULT_KEYS = Set.of("seed", "drop", "duplicate", "reorder");
    private static final Set<String> UPLINK_KEYS = Set.of("port");
    private static final Set<String> INSTANCE_KEYS = Set.of("id", "tenant", "mac", "ip", "port", "hopLimit", "faults",
        "imageDigest", "signedRequests", "tokens");
    private static final Set<String> THREADING_KEYS = Set.of("mode", "idle");
    private static final Set<String> INSTANCE_CONTROL_KEYS = Set.of("tier", "policy");
    private static final Set<String> AUDIT_KEYS = Set.of("dir", "retentionDays");
    private static final Set<String> TIER_KEYS = Set.of("rate", "burst", "dailyQuota", "policy");
    private static final Set<String> POLICY_KEYS = Set.of("allow", "forms", "maxBody");
    private static final Set<String> RULE_KEYS = Set.of("methods", "host", "path");
    private static final Set<String> THROTTLE_KEYS = Set.of("hostRate", "hostBurst");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
    /** Wildcards a pattern may hold: the matcher backtracks, so this bounds its work per request. */
    public static final int MAX_PATTERN_WILDCARDS = 4;

    private ConfigLoader()
    {
    }

    public static VnicConfig load(final Path file) throws ConfigException
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new ConfigException("cannot read config " + file + ": " + e.getMessage());
        }
        return parse(text);
    }

    public static VnicConfig parse(final String yamlText) throws ConfigException
    {
        final Object document;
        try
        {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
        }
        catch (final YAMLException e)
        {
            throw new ConfigException("config is not valid YAML: " + e.getMessage());
        }
        if (document == null)
        {
            throw new ConfigException("config is empty");
        }
        final YamlNode root = new YamlNode("", document);
        root.requireMap(TOP_KEYS);

        final YamlNode signingIpNode = root.get("signingIp");
        final int signingIp = ipv4(signingIpNode, SigningIp.DEFAULT_IP);
        final YamlNode signingMacNode = root.get("signingMac");
        final long signingMac = mac(signingMacNode, SigningIp.DEFAULT_MAC);
        if (!MacAddress.isLocallyAdministered(signingMac))
        {
            throw new ConfigException(signingMacNode.where() + "must be a locally administered MAC (second hex " +
                "digit 2, 6, a or e) so it cannot clash with a real NIC: " + MacAddress.format(signingMac));
        }

        final YamlNode uplink = root.get("uplink");
        if (uplink.isMissing())
        {
            throw new ConfigException("uplink: is required (for example uplink: { port: \"tap:vsup0\" })");
        }
        uplink.requireMap(UPLINK_KEYS);
        final String uplinkPort = portSpec(uplink.get("port"));

        final Map<String, String> portOwners = new HashMap<>();
        portOwners.put(uplinkPort, "uplink.port");
        final Map<String, String> ids = new HashMap<>();
        final Map<Long, String> macs = new HashMap<>();
        final Map<Integer, String> ips = new HashMap<>();
        final List<InstanceConfig> instances = new ArrayList<>();
        for (final YamlNode node : root.get("instances").list())
        {
            node.requireMap(union(INSTANCE_KEYS, INSTANCE_CONTROL_KEYS));
            final String id = node.get("id").string(null);
            final String tenant = node.get("tenant").string(null);
            final YamlNode macNode = node.get("mac");
            final long mac = mac(macNode, null);
            if (MacAddress.isMulticast(mac))
            {
                throw new ConfigException(macNode.where() + "must be a unicast MAC: " + MacAddress.format(mac));
            }
            final YamlNode ipNode = node.get("ip");
            final int ip = ipv4(ipNode, null);
            if (ip == signingIp)
            {
                throw new ConfigException(ipNode.where() + "must not be the signing IP");
            }
            final YamlNode portNode = node.get("port");
            final String port = portSpec(portNode);
            final int hopLimit = node.get("hopLimit").integer(GuestPort.DEFAULT_HOP_LIMIT, 1, 255);
            final YamlNode digestNode = node.get("imageDigest");
            final String imageDigest;
            try
            {
                imageDigest = InstanceIdentity.normalizeImageDigest(digestNode.string(UNKNOWN_IMAGE_DIGEST));
            }
            catch (final IllegalArgumentException e)
            {
                throw new ConfigException(digestNode.where() + "must be \"sha256:<64 hex digits>\"");
            }
            final YamlNode signedNode = node.get("signedRequests");
            final SignedRequests signedRequests =
                SignedRequests.ofConfigName(signedNode.string(SignedRequests.REJECT.configName()));
            if (signedRequests == null)
            {
                throw new ConfigException(signedNode.where() + "must be reject, pass or enrich");
            }
            final YamlNode tokensNode = node.get("tokens");
            final String tokens = tokensNode.string("optional");
            if (!tokens.equals("optional") && !tokens.equals("required"))
            {
                throw new ConfigException(tokensNode.where() + "must be optional or required, not '" + tokens + "'");
            }
            unique(ids, id, node.get("id"));
            unique(macs, mac, macNode);
            unique(ips, ip, ipNode);
            unique(portOwners, port, portNode);
            instances.add(new InstanceConfig(
                id, tenant, mac, ip, port, hopLimit, faults(node.get("faults")), imageDigest, signedRequests,
                tokens.equals("required")));
        }
        final List<RouteConfig> routes = routes(root.get("routes"));
        final List<TenantConfig> tenants = tenants(root.get("tenants"));
        if (!routes.isEmpty())
        {
            final Set<String> tenantIds = new java.util.HashSet<>();
            tenants.forEach(t -> tenantIds.add(t.id()));
            final List<YamlNode> instanceNodes = root.get("instances").list();
            for (int i = 0; i < instances.size(); i++)
            {
                if (!tenantIds.contains(instances.get(i).tenant()))
                {
                    throw new ConfigException(instanceNodes.get(i).get("tenant").where() + "names no tenant under " +
                        "tenants: ('" + instances.get(i).tenant() + "'); requests cannot be signed without one");
                }
            }
        }

        final YamlNode threading = root.get("threading");
        threading.requireMap(THREADING_KEYS);
        final YamlNode modeNode = threading.get("mode");
        final String modeName = modeNode.string("dedicated");
        final ThreadingMode mode;
        try
        {
            mode = ThreadingMode.valueOf(modeName.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException(modeNode.where() + "must be dedicated, shared or invoker, not '" + modeName + "'");
        }
        final YamlNode idleNode = threading.get("idle");
        final String idle = idleNode.string(IdleStrategies.DEFAULT);
        if (!IdleStrategies.isKnown(idle))
        {
            throw new ConfigException(idleNode.where() + "unknown idle strategy '" + idle +
                "' (poll, backoff, sleep, yield, busy-spin)");
        }
        return new VnicConfig(
            new SigningIp(signingIp, signingMac), uplinkPort, List.copyOf(instances), mode, idle,
            limits(root.get("limits")), routes, tenants, control(root, instances));
    }

    private static List<RouteConfig> routes(final YamlNode node) throws ConfigException
    {
        final List<RouteConfig> routes = new ArrayList<>();
        for (final YamlNode route : node.list())
        {
            route.requireMap(ROUTE_KEYS);
            final YamlNode hostNode = route.get("host");
            final YamlNode prefixNode = route.get("prefix");
            if (hostNode.isMissing() == prefixNode.isMissing())
            {
                throw new ConfigException(route.where() + "needs exactly one of host (s3.local, *.example) or " +
                    "prefix (/s3/)");
            }
            final String host = hostNode.isMissing() ? null : hostNode.string(null);
            final boolean wildcardOk = host != null &&
                (!host.contains("*") || (host.startsWith("*.") && host.length() > 2 && host.indexOf('*', 1) < 0));
            if (host != null && (!wildcardOk || host.contains(":") || host.contains("/")))
            {
                throw new ConfigException(hostNode.where() + "must be a host name without port, or *.suffix");
            }
            final String prefix = prefixNode.isMissing() ? null : prefixNode.string(null);
            if (prefix != null && !prefix.startsWith("/"))
            {
                throw new ConfigException(prefixNode.where() + "must start with /");
            }
            final YamlNode upstreamNode = route.get("upstream");
            final String upstream = upstreamNode.string(null);
            if (!upstream.startsWith("http://") && !upstream.startsWith("https://"))
            {
                throw new ConfigException(upstreamNode.where() + "must be an http:// or https:// URL");
            }
            final YamlNode caNode = route.get("caFile");
            final Path caFile = caNode.isMissing() ? null : Path.of(caNode.string(null));
            if (caFile != null && !upstream.startsWith("https://"))
            {
                throw new ConfigException(caNode.where() + "applies only to an https:// upstream");
            }
            final YamlNode payloadNode = route.get("payload");
            final String payload = payloadNode.string("auto");
            if (PayloadPolicy.parse(payload) == null)
            {
                throw new ConfigException(payloadNode.where() + "must be hash, unsigned or auto, not '" + payload + "'");
            }
            final int connectTimeoutMs = route.get("connectTimeoutMs").integer((int)java.util.concurrent.TimeUnit
                .NANOSECONDS.toMillis(UpstreamRoute.DEFAULT_CONNECT_TIMEOUT_NS), 1, 600_000);
            final int responseTimeoutMs = route.get("responseTimeoutMs").integer((int)java.util.concurrent.TimeUnit
                .NANOSECONDS.toMillis(UpstreamRoute.DEFAULT_RESPONSE_TIMEOUT_NS), 1, 3_600_000);
            final int maxIdle = route.get("maxIdleConnections").integer(UpstreamRoute.DEFAULT_MAX_IDLE_CONNECTIONS, 0,
                0xFFFF);
            routes.add(new RouteConfig(host, prefix, upstream, caFile, route.get("service").string(null),
                route.get("region").string(null), payload, connectTimeoutMs, responseTimeoutMs, maxIdle));
        }
        return List.copyOf(routes);
    }

    private static List<TenantConfig> tenants(final YamlNode node) throws ConfigException
    {
        final List<TenantConfig> tenants = new ArrayList<>();
        final Map<String, String> ids = new HashMap<>();
        for (final YamlNode tenant : node.list())
        {
            tenant.requireMap(TENANT_KEYS);
            final String id = tenant.get("id").string(null);
            unique(ids, id, tenant.get("id"));
            final YamlNode fileNode = tenant.get("credentialsFile");
            final Path file = Path.of(fileNode.string(null));
            final CredentialsFile.Loaded loaded = CredentialsFile.load(file, fileNode.where());
            tenants.add(new TenantConfig(id, file, loaded.credentials(), loaded.expiration()));
        }
        return List.copyOf(tenants);
    }

    private static DataplaneLimits limits(final YamlNode node) throws ConfigException
    {
        node.requireMap(LIMIT_KEYS);
        final DataplaneLimits d = DataplaneLimits.defaults();
        final int connections = node.get("connections").integer(d.connections(), 1, 1_000_000);
        final YamlNode perInstance = node.get("connectionsPerInstance");
        final int connectionsPerInstance = perInstance.integer(d.connectionsPerInstance(), 1, 1_000_000);
        if (connectionsPerInstance > connections)
        {
            throw new ConfigException(perInstance.where() + "must not exceed limits.connections (" + connections + ")");
        }
        return new DataplaneLimits(
            connections,
            connectionsPerInstance,
            node.get("halfOpen").integer(d.halfOpen(), 1, 1_000_000),
            node.get("tcpBuffers").integer(d.tcpBuffers(), 1, 1_000_000),
            node.get("httpSessions").integer(d.httpSessions(), 1, 100_000),
            seconds(node.get("idleTimeoutSeconds"), d.idleTimeoutNs()),
            seconds(node.get("headerReadTimeoutSeconds"), d.headerReadTimeoutNs()),
            node.get("verifyChecksums").bool(d.verifyChecksums()),
            node.get("maxBufferedBodyBytes").integer((int)d.maxBufferedBody(), 0, Integer.MAX_VALUE),
            node.get("bodyPoolBytes").integer((int)d.bodyPoolBytes(), 64 * 1024, Integer.MAX_VALUE),
            node.get("upstreamConnections").integer(d.upstreamConnections(), 1, 0xFFFF));
    }

    private static long seconds(final YamlNode node, final long defaultNs) throws ConfigException
    {
        return java.util.concurrent.TimeUnit.SECONDS.toNanos(
            node.integer((int)java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(defaultNs), 1, 86_400));
    }

    private static InstanceConfig.Faults faults(final YamlNode node) throws ConfigException
    {
        if (node.isMissing())
        {
            return null;
        }
        node.requireMap(FAULT_KEYS);
        return new InstanceConfig.Faults(
            node.get("seed").integer(1, Integer.MIN_VALUE, Integer.MAX_VALUE),
            node.get("drop").fraction(0), node.get("duplicate").fraction(0), node.get("reorder").fraction(0));
    }

    private static <K> void unique(final Map<K, String> seen, final K key, final YamlNode node) throws ConfigException
    {
        final String previous = seen.putIfAbsent(key, node.path());
        if (previous != null)
        {
            throw new ConfigException(node.where() + "duplicates " + previous);
        }
    }

    private static int ipv4(final YamlNode node, final String defaultValue) throws ConfigException
    {
        final String text = node.string(defaultValue);
        try
        {
            return Ipv4Address.parse(text);
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException(node.where() + "'" + text + "' is not an IPv4 address (like 10.200.0.2)");
        }
    }

    private static long mac(final YamlNode node, final String defaultValue) throws ConfigException
    {
        final String text = node.string(defaultValue);
        try
        {
            return MacAddress.parse(text);
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException(node.where() + "'" + text + "' is not a MAC address (like \"52:54:00:00:00:01\")");
        }
    }

    private static String portSpec(final YamlNode node) throws ConfigException
    {
        final String spec = node.string(null);
        try
        {
            PortSpecs.validate(spec);
            return spec;
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException(node.where() + e.getMessage());
        }
    }

    private static Set<String> union(final Set<String> a, final Set<String> b)
    {
        final Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** {@code audit}, {@code tiers}, {@code policies}, {@code throttle} and each instance's {@code tier}/{@code policy}. */
    private static ControlConfig control(final YamlNode root, final List<InstanceConfig> instances)
        throws ConfigException
    {
        final YamlNode auditNode = root.get("audit");
        AuditConfig audit = null;
        if (!auditNode.isMissing())
        {
            auditNode.requireMap(AUDIT_KEYS);
            audit = new AuditConfig(Path.of(auditNode.get("dir").string(null)),
                auditNode.get("retentionDays").integer(0, 0, 36_500));
        }
        final Map<String, PolicyConfig> policies = new java.util.LinkedHashMap<>();
        final YamlNode policiesNode = root.get("policies");
        for (final String name : policiesNode.keys())
        {
            policies.put(name, policy(name, policiesNode.get(name)));
        }
        final Map<String, TierConfig> tiers = new java.util.LinkedHashMap<>(ControlConfig.NONE.tiers());
        final YamlNode tiersNode = root.get("tiers");
        tiersNode.requireMap(tiers.keySet());
        for (final String name : tiersNode.keys())
        {
            final YamlNode tier = tiersNode.get(name);
            tier.requireMap(TIER_KEYS);
            final TierConfig d = tiers.get(name);
            final YamlNode policyNode = tier.get("policy");
            final String policy = policyNode.isMissing() ? null : policyNode.string(null);
            if (policy != null && !policies.containsKey(policy))
            {
                throw new ConfigException(policyNode.where() + "names no policy under policies: ('" + policy + "')");
            }
            tiers.put(name, new TierConfig(name, tier.get("rate").number(d.ratePerSecond(), 0.001, 1e9),
                tier.get("burst").integer(d.burst(), 1, 1_000_000_000),
                tier.get("dailyQuota").longInteger(d.dailyQuota(), 0, Long.MAX_VALUE), policy));
        }
        final YamlNode throttle = root.get("throttle");
        throttle.requireMap(THROTTLE_KEYS);
        final double hostRate = throttle.get("hostRate").number(0, 0, 1e9);
        final YamlNode hostBurstNode = throttle.get("hostBurst");
        final int hostBurst = hostBurstNode.integer((int)Math.max(1, Math.min(1_000_000_000, hostRate)), 1,
            1_000_000_000);
        if (!hostBurstNode.isMissing() && hostRate == 0)
        {
            throw new ConfigException(hostBurstNode.where() + "needs throttle.hostRate");
        }
        final Map<String, ControlConfig.Assignment> assignments = new HashMap<>();
        final List<YamlNode> instanceNodes = root.get("instances").list();
        for (int i = 0; i < instances.size(); i++)
        {
            final YamlNode tierNode = instanceNodes.get(i).get("tier");
            final YamlNode policyNode = instanceNodes.get(i).get("policy");
            final String tier = tierNode.isMissing() ? null : tierNode.string(null);
            final String policy = policyNode.isMissing() ? null : policyNode.string(null);
            if (tier != null && !tiers.containsKey(tier))
            {
                throw new ConfigException(tierNode.where() + "must be free, basic or premium, not '" + tier + "'");
            }
            if (policy != null && !policies.containsKey(policy))
            {
                throw new ConfigException(policyNode.where() + "names no policy under policies: ('" + policy + "')");
            }
            if (tier != null || policy != null)
            {
                assignments.put(instances.get(i).id(), new ControlConfig.Assignment(tier, policy));
            }
        }
        return new ControlConfig(audit, Map.copyOf(tiers), java.util.Collections.unmodifiableMap(policies),
            hostRate, hostRate == 0 ? 0 : hostBurst, Map.copyOf(assignments));
    }

    private static PolicyConfig policy(final String name, final YamlNode node) throws ConfigException
    {
        if (node.isMissing())
        {
            throw new ConfigException(node.where() + "must be a mapping with allow:, forms: or maxBody:");
        }
        node.requireMap(POLICY_KEYS);
        final List<PolicyConfig.Rule> rules = new ArrayList<>();
        for (final YamlNode rule : node.get("allow").list())
        {
            rule.requireMap(RULE_KEYS);
            final Set<String> methods = new java.util.TreeSet<>();
            final YamlNode methodsNode = rule.get("methods");
            for (final YamlNode method : methodsNode.list())
            {
                final String m = method.string(null);
                if (m.equals("*"))
                {
                    methods.clear();
                    break;
                }
                if (!METHODS.contains(m))
                {
                    throw new ConfigException(method.where() + "must be one of " + new java.util.TreeSet<>(METHODS) +
                        " or *, not '" + m + "'");
                }
                methods.add(m);
            }
            final YamlNode hostNode = rule.get("host");
            final String host = hostNode.isMissing() ? null : hostNode.string(null).toLowerCase(Locale.ROOT);
            if (host != null && (host.contains("/") || host.contains(":") || wildcards(host) > MAX_PATTERN_WILDCARDS))
            {
                throw new ConfigException(hostNode.where() + "must be a host pattern without port or /, with at " +
                    "most " + MAX_PATTERN_WILDCARDS + " wildcards");
            }
            final YamlNode pathNode = rule.get("path");
            final String path = pathNode.isMissing() ? null : pathNode.string(null);
            if (path != null && (!path.startsWith("/") || path.contains("?") || wildcards(path) > MAX_PATTERN_WILDCARDS))
            {
                throw new ConfigException(pathNode.where() + "must start with /, hold no ? and at most " +
                    MAX_PATTERN_WILDCARDS + " wildcards (* or **)");
            }
            rules.add(new PolicyConfig.Rule(Set.copyOf(methods), host, path));
        }
        boolean origin = true;
        boolean absolute = true;
        final YamlNode formsNode = node.get("forms");
        if (!formsNode.isMissing())
        {
            origin = false;
            absolute = false;
            for (final YamlNode form : formsNode.list())
            {
                final String f = form.string(null);
                switch (f)
                {
                    case "origin" -> origin = true;
                    case "absolute" -> absolute = true;
                    default -> throw new ConfigException(form.where() + "must be origin or absolute, not '" + f + "'");
                }
            }
            if (!origin && !absolute)
            {
                throw new ConfigException(formsNode.where() + "must name origin, absolute or both");
            }
        }
        final long maxBody = node.get("maxBody").longInteger(-1, 0, Long.MAX_VALUE);
        return new PolicyConfig(name, List.copyOf(rules), origin, absolute, maxBody);
    }

    private static int wildcards(final String pattern)
    {
        return pattern.replace("**", "*").length() - pattern.replace("**", "*").replace("*", "").length();
    }
}
