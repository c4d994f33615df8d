package dev.storesync.shopify.oauth;

import dev.storesync.shops.ShopAccess;
import dev.storesync.shops.ShopTokens;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refreshes a shop's expiring offline token, once at a time per shop across all replicas: Shopify
 * rotates the refresh token on every use, so two concurrent refreshes would race and the loser
 * would lock the shop out. The refresh runs under a lock on the shop's row
 * ({@link ShopTokens#refreshLocked}); a replica that waited for it uses the token the winner
 * stored. Within one JVM, callers of the same shop also share one refresh in flight.
 */
@ApplicationScoped
public class TokenRefresher {

    private final ShopifyOAuthClient oauth;
    private final ShopTokens tokens;
    private final Map<String, Uni<Optional<ShopAccess>>> inFlight = new ConcurrentHashMap<>();

    public TokenRefresher(ShopifyOAuthClient oauth, ShopTokens tokens) {
        this.oauth = oauth;
        this.tokens = tokens;
    }

    /**
     * The shop's access after a refresh, or empty when it cannot be refreshed (re-authorization
     * needed). {@code staleAccessToken} is the token the caller found expiring or rejected: when
     * the stored one differs, someone else refreshed already and that one is returned (null:
     * refresh regardless). Fails with {@link ShopifyOAuthClient.OAuthException} when Shopify's token
     * endpoint did not answer or failed (no answer, 5xx): that says nothing about the grant.
     */
    public Uni<Optional<ShopAccess>> refresh(String shop, String staleAccessToken) {
        return inFlight.computeIfAbsent(shop, s -> doRefresh(s, staleAccessToken)
                .onTermination().invoke(() -> inFlight.remove(s))
                .memoize().indefinitely());
    }

    private Uni<Optional<ShopAccess>> doRefresh(String shop, String staleAccessToken) {
        return tokens.refreshLocked(shop, staleAccessToken, refreshToken -> oauth.refresh(shop, refreshToken)
                        .invoke(() -> Log.infof("Refreshed the access token of %s", shop)))
                .onFailure(ShopifyOAuthClient.OAuthException.class).recoverWithUni(e -> {
                    ShopifyOAuthClient.OAuthException failure = (ShopifyOAuthClient.OAuthException) e;
                    if (failure.unanswered()) {
                        Log.warnf("Could not refresh the access token of %s now: %s", shop, e.getMessage());
                        return Uni.createFrom().failure(e);
                    }
                    Log.warnf("Shopify refused to refresh the access token of %s: %s", shop, e.getMessage());
                    return Uni.createFrom().item(Optional.empty());
                });
    }
}
