package io.vnicsigner.dataplane.tcp;

/**
 * Receives coalesced connection events from {@link TcpEndpoint#pollEvents}; it may call back into the endpoint.
 */
@FunctionalInterface
public interface TcpEventHandler
{
    /**
     * @param connId connection id as used by the application API.
     * @param events bit set of {@link TcpEvent} values.
     */
    void onEvent(int connId, int events);
}
