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
 * Refreshes a shop's expiring offline token, once at a time per shop: Shopify rotates the refresh
 * token on every use, so two concurrent refreshes would race and one would lock the shop out.
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

    /** The shop's access after a refresh, or empty when it cannot be refreshed (re-authorization needed). */
    public Uni<Optional<ShopAccess>> refresh(String shop) {
        return inFlight.computeIfAbsent(shop, s -> doRefresh(s)
                .onTermination().invoke(() -> inFlight.remove(s))
                .memoize().indefinitely());
    }

    private Uni<Optional<ShopAccess>> doRefresh(String shop) {
        return tokens.refreshToken(shop).chain(refreshToken -> {
            if (refreshToken.isEmpty()) {
                return Uni.createFrom().item(Optional.<ShopAccess>empty());
            }
            return oauth.refresh(shop, refreshToken.get())
                    .chain(grant -> tokens.replace(shop, grant))
                    .invoke(() -> Log.infof("Refreshed the access token of %s", shop))
                    .chain(() -> tokens.access(shop))
                    .onFailure(ShopifyOAuthClient.OAuthException.class).recoverWithItem(e -> {
                        Log.warnf("Could not refresh the access token of %s: %s", shop, e.getMessage());
                        return Optional.empty();
                    });
        });
    }
}
