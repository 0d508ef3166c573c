/**
 * The packet dataplane: frames, ports, the switch, the interceptor and the agents that drive them.
 */
package io.vnicsigner.dataplane;
