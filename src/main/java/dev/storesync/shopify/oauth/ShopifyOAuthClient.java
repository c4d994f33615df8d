package dev.storesync.shopify.oauth;

import dev.storesync.StoreSyncConfig;
import dev.storesync.shops.TokenGrant;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Shopify's token endpoint: authorization-code exchange and refresh of expiring offline tokens. */
@ApplicationScoped
public class ShopifyOAuthClient {

    /** Shopify refused the grant (bad code, revoked refresh token) or could not be reached. */
    public static class OAuthException extends RuntimeException {
        private final int status;

        OAuthException(String message, int status) {
            super(message, null, false, false);
            this.status = status;
        }

        /** HTTP status from Shopify, or 0 when there was no answer. */
        public int status() {
            return status;
        }

        /** No answer, or a 5xx: Shopify said nothing about the grant, so trying later may work. */
        public boolean unanswered() {
            return status == 0 || status >= 500;
        }
    }

    private final WebClient web;
    private final StoreSyncConfig.Shopify config;

    public ShopifyOAuthClient(Vertx vertx, StoreSyncConfig config) {
        this.config = config.shopify();
        this.web = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) this.config.client().requestTimeout().toMillis()));
    }

    @PreDestroy
    void close() {
        web.close();
    }

    /** Exchanges an authorization code for an expiring offline token and its refresh token. */
    public Uni<TokenGrant> exchangeCode(String shop, String code) {
        return post(shop, credentials().put("code", code).put("expiring", "1"));
    }

    /** Trades a refresh token for a new access token and a new (rotated) refresh token. */
    public Uni<TokenGrant> refresh(String shop, String refreshToken) {
        return post(shop, credentials().put("grant_type", "refresh_token").put("refresh_token", refreshToken));
    }

    private JsonObject credentials() {
        return new JsonObject()
                .put("client_id", config.clientId().orElseThrow(() -> new OAuthException("storesync.shopify.client-id is not set", 0)))
                .put("client_secret", config.clientSecret().orElseThrow(() -> new OAuthException("storesync.shopify.client-secret is not set", 0)));
    }

    private Uni<TokenGrant> post(String shop, JsonObject body) {
        String url = config.adminBaseUrl().replace("{shop}", shop) + "/admin/oauth/access_token";
        return web.postAbs(url)
                .putHeader("Accept", "application/json")
                .timeout(config.client().requestTimeout().toMillis())
                .sendJsonObject(body)
                .onFailure().transform(e -> new OAuthException("Shopify's token endpoint did not answer", 0))
                .map(ShopifyOAuthClient::grant);
    }

    private static TokenGrant grant(HttpResponse<Buffer> response) {
        if (response.statusCode() != 200) {
            throw new OAuthException("Shopify refused the token request (HTTP " + response.statusCode() + ")",
                    response.statusCode());
        }
        JsonObject json;
        try {
            json = response.bodyAsJsonObject();
        } catch (RuntimeException e) {
            throw new OAuthException("Shopify's token answer was not JSON", response.statusCode());
        }
        if (json == null || json.getString("access_token") == null) {
            throw new OAuthException("Shopify's token answer has no access_token", response.statusCode());
        }
        Instant now = Instant.now();
        Long expiresIn = json.getLong("expires_in");
        Long refreshExpiresIn = json.getLong("refresh_token_expires_in");
        return new TokenGrant(json.getString("access_token"),
                expiresIn == null ? null : now.plusSeconds(expiresIn),
                json.getString("refresh_token"),
                refreshExpiresIn == null ? null : now.plusSeconds(refreshExpiresIn),
                json.getString("scope"));
    }
}
