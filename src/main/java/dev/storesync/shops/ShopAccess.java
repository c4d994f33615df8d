package dev.storesync.shops;

import java.time.Instant;

/**
 * What the Shopify client needs to call a shop: its decrypted access token. Lives only in memory
 * for the duration of a call; {@link #toString()} never shows the token.
 */
public record ShopAccess(long shopId, String domain, String state, String apiVersion, String accessToken,
        Instant accessTokenExpiresAt, boolean canRefresh) {

    public boolean active() {
        return Shop.ACTIVE.equals(state);
    }

    /** True when the token is an expiring one that ends within the given seconds. */
    public boolean expiresWithin(long seconds, Instant now) {
        return accessTokenExpiresAt != null && accessTokenExpiresAt.isBefore(now.plusSeconds(seconds));
    }

    @Override
    public String toString() {
        return "ShopAccess[" + domain + ", state=" + state + ", token=<redacted>]";
    }
}
