package io.vnicsigner.signer.verify;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded memory of signatures already accepted, each kept until its request could no longer verify. When
 * full, the oldest entry is dropped, so a replay older than {@code capacity} requests goes unseen: size it to
 * the request rate times the skew window.
 */
public final class ReplayCache
{
    private final int capacity;
    private final LinkedHashMap<String, Long> seen;

    public ReplayCache(final int capacity)
    {
        this.capacity = capacity;
        seen = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 2);
    }

    /** Records the signature; returns true if it was already there and still valid (a replay). */
    public boolean checkAndRecord(final String signature, final long validUntilMillis, final long nowMillis)
    {
        final Long until = seen.get(signature);
        if (until != null && until >= nowMillis)
        {
            return true;
        }
        evictExpired(nowMillis);
        seen.remove(signature);
        seen.put(signature, validUntilMillis);
        if (seen.size() > capacity)
        {
            final Iterator<String> eldest = seen.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return false;
    }

    public int size()
    {
        return seen.size();
    }

    private void evictExpired(final long nowMillis)
    {
        // Insertion order is close to expiry order; stop at the first live entry to keep this O(expired).
        final Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext())
        {
            if (it.next().getValue() >= nowMillis)
            {
                return;
            }
            it.remove();
        }
    }
}
