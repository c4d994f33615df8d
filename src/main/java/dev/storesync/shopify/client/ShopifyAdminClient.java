package dev.storesync.shopify.client;

import dev.storesync.StoreSyncConfig;
import dev.storesync.shopify.oauth.ShopifyOAuthClient;
import dev.storesync.shopify.oauth.TokenRefresher;
import dev.storesync.shops.ShopAccess;
import dev.storesync.shops.ShopTokens;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The Admin GraphQL API for StoreSync's capabilities: runs a named document from
 * {@code src/main/resources/graphql} for a shop and classifies the outcome into a
 * {@link ShopifyResult}. Paces per shop, refreshes expiring tokens, pauses shops Shopify froze or
 * locked and flags shops whose token Shopify rejects.
 */
@ApplicationScoped
public class ShopifyAdminClient {

    private static final Pattern SCOPE = Pattern.compile(
            "\\b((?:unauthenticated_)?(?:read|write)_[a-z_]+)\\b");

    private final GraphqlDocuments documents;
    private final ResilientAdminApi api;
    private final ShopTokens tokens;
    private final TokenRefresher refresher;
    private final StoreSyncConfig.Shopify config;

    ShopifyAdminClient(GraphqlDocuments documents, ResilientAdminApi api, ShopTokens tokens, TokenRefresher refresher,
            StoreSyncConfig config) {
        this.documents = documents;
        this.api = api;
        this.tokens = tokens;
        this.refresher = refresher;
        this.config = config.shopify();
    }

    /** A query, or a mutation that is safe to resend after an ambiguous failure: retried on 5xx. */
    public Uni<ShopifyResult> query(String shop, String operation, Map<String, Object> variables) {
        return call(shop, operation, variables, true);
    }

    /**
     * A mutation that must not be resent blindly (e.g. fulfillmentCreate has no idempotency key):
     * a 5xx or timeout comes back as {@link ShopifyResult.Transient} and the caller re-reads first.
     */
    public Uni<ShopifyResult> mutateOnce(String shop, String operation, Map<String, Object> variables) {
        return call(shop, operation, variables, false);
    }

    private Uni<ShopifyResult> call(String shop, String operation, Map<String, Object> variables, boolean retrySafe) {
        JsonObject request = new JsonObject().put("query", documents.get(operation))
                .put("variables", new JsonObject(variables)).put("operationName", operation);
        return tokens.access(shop).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new ShopifyResult.NotFound(shop, "the shop is not registered with StoreSync"));
            }
            ShopAccess access = found.get();
            if (!access.active()) {
                return Uni.createFrom().item(new ShopifyResult.ShopUnavailable(shop, 0, "the shop is " + access.state()));
            }
            if (access.accessToken() == null) {
                return Uni.createFrom().item(new ShopifyResult.Unauthorized(shop));
            }
            boolean expiring = access.canRefresh()
                    && access.expiresWithin(config.client().refreshBeforeExpiry().toSeconds(), Instant.now());
            // A failed early refresh is no reason not to try the token while it lasts.
            Uni<ShopAccess> ready = expiring
                    ? refresher.refresh(shop, access.accessToken()).map(refreshed -> refreshed.orElse(access))
                            .onFailure(ShopifyOAuthClient.OAuthException.class).recoverWithItem(access)
                    : Uni.createFrom().item(access);
            return ready.chain(a -> attempt(a, operation, request, retrySafe, true));
        });
    }

    private Uni<ShopifyResult> attempt(ShopAccess access, String operation, JsonObject request, boolean retrySafe,
            boolean mayRefresh) {
        String shop = access.domain();
        Uni<RawResponse> sent = api.send(shop, access.accessToken(), access.apiVersion(), operation, request, retrySafe);
        return sent
                .map(response -> new Outcome(response, null))
                .onFailure(ShopifyOutageException.class).recoverWithItem(e -> {
                    Log.debugf("%s for %s failed: %s", operation, shop, e.getMessage());
                    return new Outcome(null, ((ShopifyOutageException) e).cause());
                })
                .onFailure(CircuitBreakerOpenException.class)
                .recoverWithItem(e -> new Outcome(null, ShopifyResult.Cause.PAUSED_AFTER_FAILURES))
                .onFailure(ResilientAdminApi.CallTimedOutException.class)
                .recoverWithItem(e -> new Outcome(null, ShopifyResult.Cause.TIMED_OUT))
                .chain(outcome -> outcome.response() == null
                        ? Uni.createFrom().item(new ShopifyResult.Transient(shop, outcome.transientCause()))
                        : classify(access, operation, request, retrySafe, mayRefresh, outcome.response()));
    }

    private record Outcome(RawResponse response, ShopifyResult.Cause transientCause) {
    }

    private Uni<ShopifyResult> classify(ShopAccess access, String operation, JsonObject request, boolean retrySafe,
            boolean mayRefresh, RawResponse response) {
        String shop = access.domain();
        return switch (response.status()) {
            case 200 -> Uni.createFrom().item(classifyGraphql(shop, response.body()));
            case 401 -> {
                if (mayRefresh && access.canRefresh()) {
                    yield refresher.refresh(shop, access.accessToken())
                            .chain(refreshed -> refreshed.isPresent()
                                    ? attempt(refreshed.get(), operation, request, retrySafe, false)
                                    : unauthorized(shop))
                            .onFailure(ShopifyOAuthClient.OAuthException.class).recoverWithItem(
                                    e -> new ShopifyResult.Transient(shop, ShopifyResult.Cause.TOKEN_ENDPOINT_UNANSWERED));
                }
                yield unauthorized(shop);
            }
            case 402 -> tokens.pause(shop, "Shopify: shop frozen (HTTP 402, unpaid bill)")
                    .replaceWith(new ShopifyResult.ShopUnavailable(shop, 402, "frozen"));
            case 423 -> tokens.pause(shop, "Shopify: shop locked (HTTP 423)")
                    .replaceWith(new ShopifyResult.ShopUnavailable(shop, 423, "locked"));
            case 403 -> Uni.createFrom().item(new ShopifyResult.Forbidden(shop, scopeIn(response.rawBody()),
                    abbreviate(response.rawBody())));
            case 404 -> Uni.createFrom().item(new ShopifyResult.NotFound(shop, "Shopify answered 404 for " + operation));
            case 429 -> Uni.createFrom().item(new ShopifyResult.Throttled(shop));
            default -> Uni.createFrom().item(new ShopifyResult.Rejected(shop, response.status(), abbreviate(response.rawBody())));
        };
    }

    private Uni<ShopifyResult> unauthorized(String shop) {
        return tokens.markNeedsReauth(shop).replaceWith(new ShopifyResult.Unauthorized(shop));
    }

    static ShopifyResult classifyGraphql(String shop, JsonObject body) {
        if (body == null) {
            return new ShopifyResult.Rejected(shop, 200, "the answer was not JSON");
        }
        JsonArray errors = body.getJsonArray("errors");
        if (errors != null && !errors.isEmpty()) {
            if (AdminApiTransport.isThrottled(body)) {
                return new ShopifyResult.Throttled(shop);
            }
            List<String> messages = new ArrayList<>();
            for (int i = 0; i < errors.size(); i++) {
                JsonObject error = errors.getJsonObject(i);
                String code = error.getJsonObject("extensions", new JsonObject()).getString("code");
                if ("ACCESS_DENIED".equals(code)) {
                    return new ShopifyResult.Forbidden(shop, scopeIn(error.getString("message")), error.getString("message"));
                }
                messages.add(error.getString("message"));
            }
            return new ShopifyResult.Rejected(shop, 200, String.join("; ", messages));
        }
        JsonObject data = body.getJsonObject("data", new JsonObject());
        List<ShopifyResult.UserError> userErrors = new ArrayList<>();
        for (String field : data.fieldNames()) {
            if (data.getValue(field) instanceof JsonObject payload && payload.getJsonArray("userErrors") != null) {
                JsonArray list = payload.getJsonArray("userErrors");
                for (int i = 0; i < list.size(); i++) {
                    JsonObject e = list.getJsonObject(i);
                    JsonArray path = e.getJsonArray("field");
                    List<String> fieldPath = path == null ? List.of()
                            : path.stream().map(String::valueOf).toList();
                    userErrors.add(new ShopifyResult.UserError(fieldPath, e.getString("message"), e.getString("code")));
                }
            }
        }
        if (!userErrors.isEmpty()) {
            return new ShopifyResult.UserErrors(shop, userErrors);
        }
        Integer actual = body.getJsonObject("extensions", new JsonObject()).getJsonObject("cost", new JsonObject())
                .getInteger("actualQueryCost");
        return new ShopifyResult.Success(data, actual);
    }

    static String scopeIn(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = SCOPE.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
