package dev.storesync.shopify.oauth;

import dev.storesync.StoreSyncConfig;
import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shopify.subscriptions.SubscriptionRegistrar;
import dev.storesync.shops.ShopDomains;
import dev.storesync.shops.ShopTokens;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** Shopify's authorization-code grant: the redirect to Shopify, then the checked callback. */
@ApplicationScoped
public class InstallService {

    private static final Duration STATE_LIFETIME = Duration.ofMinutes(10);
    /**
     * Unexpired states kept per shop. Anyone may call /shopify/install, so each call must not add a
     * row for good: a further call evicts the shop's oldest state (the newest link always works).
     */
    static final int MAX_PENDING_STATES_PER_SHOP = 5;
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(90);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final ShopTokens tokens;
    private final ShopifyOAuthClient oauth;
    private final SubscriptionRegistrar subscriptions;
    private final StoreSyncConfig.Shopify config;

    public InstallService(Pool pool, ShopTokens tokens, ShopifyOAuthClient oauth, SubscriptionRegistrar subscriptions,
            StoreSyncConfig config) {
        this.pool = pool;
        this.tokens = tokens;
        this.oauth = oauth;
        this.subscriptions = subscriptions;
        this.config = config.shopify();
    }

    /** Result of a completed installation. */
    public record Installed(long shopId, String shop, String scopes, SubscriptionRegistrar.Report webhooks) {
    }

    /**
     * Where to send the merchant: Shopify's authorize page with a fresh single-use state. An install
     * request that carries an {@code hmac} (Shopify's own install link) must be signed correctly.
     */
    public Uni<URI> authorizeUrl(String shopParam, String rawQuery, boolean signed) {
        String shop = ShopDomains.normalise(shopParam).orElseThrow(() -> badRequest(
                "The shop parameter must be a myshopify.com domain, e.g. my-store.myshopify.com."));
        if (signed && !OAuthSignatures.verify(rawQuery, secret())) {
            throw unauthorized("The install link's signature is not valid.");
        }
        String clientId = config.clientId().filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalStateException("storesync.shopify.client-id is not set"));
        byte[] nonce = new byte[24];
        RANDOM.nextBytes(nonce);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
        return storeState(shop, state)
                .map(ignored -> URI.create(config.adminBaseUrl().replace("{shop}", shop) + "/admin/oauth/authorize"
                        + "?client_id=" + enc(clientId)
                        + "&scope=" + enc(config.scopes())
                        + "&redirect_uri=" + enc(redirectUri())
                        + "&state=" + enc(state)));
    }

    /**
     * Prunes expired states, evicts the shop's oldest beyond the cap and stores the new one. The
     * advisory lock serialises calls for one shop, so concurrent calls cannot overshoot the cap.
     */
    private Uni<Void> storeState(String shop, String state) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .execute(Tuple.of("storesync:oauth-states:" + shop))
                .chain(() -> conn.preparedQuery("DELETE FROM oauth_states WHERE expires_at < now()").execute())
                .chain(() -> conn.preparedQuery("""
                        DELETE FROM oauth_states WHERE state IN (
                            SELECT state FROM oauth_states WHERE shop_domain = $1
                            ORDER BY created_at DESC, expires_at DESC OFFSET $2)""")
                        .execute(Tuple.of(shop, MAX_PENDING_STATES_PER_SHOP - 1)))
                .chain(() -> conn.preparedQuery(
                        "INSERT INTO oauth_states (state, shop_domain, expires_at) VALUES ($1, $2, now() + $3 * interval '1 second')")
                        .execute(Tuple.of(state, shop, STATE_LIFETIME.toSeconds())))
                .replaceWithVoid());
    }

    /**
     * Checks the callback (shop domain, HMAC, timestamp, then the single-use state), exchanges
     * the code, stores the shop and its tokens, then registers webhook subscriptions. A callback
     * that fails a check stores nothing.
     */
    public Uni<Installed> complete(String shopParam, String code, String state, String timestamp, String rawQuery) {
        String shop = ShopDomains.normalise(shopParam).orElseThrow(() -> badRequest(
                "The shop parameter must be a myshopify.com domain."));
        if (!OAuthSignatures.verify(rawQuery, secret())) {
            throw unauthorized("The callback's HMAC does not match: the request was not signed by Shopify.");
        }
        if (!fresh(timestamp)) {
            throw unauthorized("The callback's timestamp is missing or too far from now.");
        }
        if (code == null || code.isBlank() || state == null || state.isBlank()) {
            throw badRequest("The callback lacks code or state.");
        }
        return pool.preparedQuery(
                "DELETE FROM oauth_states WHERE state = $1 AND shop_domain = $2 AND expires_at > now() RETURNING state")
                .execute(Tuple.of(state, shop))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().failure(unauthorized(
                                "The state is unknown, expired or already used: start again from /shopify/install."));
                    }
                    return oauth.exchangeCode(shop, code)
                            .onFailure(ShopifyOAuthClient.OAuthException.class).transform(e -> badRequest(
                                    "Shopify did not accept the authorization code (" + e.getMessage() + ")."));
                })
                .chain(grant -> tokens.install(shop, config.apiVersion(), grant)
                        .invoke(id -> Log.infof("Shop %s installed the app (id %d, scopes %s)", shop, id, grant.scopes()))
                        .chain(id -> subscriptions.ensure(shop)
                                .map(report -> new Installed(id, shop, grant.scopes(), report))));
    }

    private boolean fresh(String timestamp) {
        try {
            Instant at = Instant.ofEpochSecond(Long.parseLong(timestamp));
            return Duration.between(at, Instant.now()).abs().compareTo(CLOCK_SKEW) <= 0;
        } catch (NumberFormatException | NullPointerException e) {
            return false;
        }
    }

    private String redirectUri() {
        return config.appUrl().replaceAll("/+$", "") + "/shopify/callback";
    }

    private String secret() {
        return config.clientSecret().orElse("");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "oauth-invalid", "Installation request not valid", detail));
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(Problem.of(401, "oauth-unverified", "Installation request not verified", detail));
    }
}
