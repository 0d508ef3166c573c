/**
 * Request bodies held in memory so they can be hashed before their head is signed: a bounded pool of off-heap
 * slabs shared by all connections, and one request's body spread over some of them.
 */
package io.vnicsigner.dataplane.body;
