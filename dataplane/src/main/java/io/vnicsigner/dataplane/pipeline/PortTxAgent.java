package io.vnicsigner.dataplane.pipeline;

import io.vnicsigner.dataplane.switching.SwitchAgent;
import org.agrona.concurrent.Agent;

/**
 * The switch's sending half on its own, for pipelines that run on one thread (SHARED, INVOKER): placed after the
 * interceptor in the composite, it sends the interceptor's frames in the same cycle rather than the next one.
 */
final class PortTxAgent implements Agent
{
    private final SwitchAgent switchAgent;

    PortTxAgent(final SwitchAgent switchAgent)
    {
        this.switchAgent = switchAgent;
    }

    public int doWork()
    {
        return switchAgent.sendInterceptorFrames();
    }

    public String roleName()
    {
        return "port-tx";
    }
}
