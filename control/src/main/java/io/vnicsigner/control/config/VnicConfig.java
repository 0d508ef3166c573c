package io.vnicsigner.control.config;

import java.util.List;

import io.vnicsigner.dataplane.pipeline.DataplaneLimits;
import io.vnicsigner.dataplane.pipeline.ThreadingMode;
import io.vnicsigner.dataplane.switching.SigningIp;

/**
 * The daemon's whole configuration, validated. {@code control} holds audit, tiers, policies and throttling.
 */
public record VnicConfig(
    SigningIp signingIp,
    String uplinkPort,
    List<InstanceConfig> instances,
    ThreadingMode threadingMode,
    String idleStrategy,
    DataplaneLimits limits,
    List<RouteConfig> routes,
    List<TenantConfig> tenants,
    ControlConfig control)
{
}
