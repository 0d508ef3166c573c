package io.vnicsigner.control.config;

/**
 * One throttling tier: a token bucket of {@code burst} requests refilled at {@code ratePerSecond}, a quota of
 * requests per UTC day (0 for none), and the policy its instances get when they name none (null for none).
 */
public record TierConfig(String name, double ratePerSecond, int burst, long dailyQuota, String policy)
{
    public static final TierConfig FREE = new TierConfig("free", 5, 10, 10_000, null);
    public static final TierConfig BASIC = new TierConfig("basic", 50, 100, 1_000_000, null);
    public static final TierConfig PREMIUM = new TierConfig("premium", 500, 1_000, 0, null);
}
