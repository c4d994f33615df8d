package dev.storesync.shopify.client;

import dev.storesync.StoreSyncConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Admin GraphQL exchange with pacing: waits for the shop's cost bucket before sending, and
 * waits out THROTTLED (HTTP 200) and 429 ({@code Retry-After}) answers, which Shopify did not
 * execute and so are always safe to resend. 5xx and I/O failures become
 * {@link TransientShopifyException} for the fault-tolerance layer above.
 */
@ApplicationScoped
class AdminApiTransport {

    private final Vertx vertx;
    private final WebClient web;
    private final StoreSyncConfig.Shopify config;
    private final Map<String, CostBucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastCost = new ConcurrentHashMap<>();
    private final Set<String> versionWarnings = ConcurrentHashMap.newKeySet();

    AdminApiTransport(Vertx vertx, StoreSyncConfig config) {
        this.vertx = vertx;
        this.config = config.shopify();
        this.web = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) this.config.client().requestTimeout().toMillis())
                .setUserAgent("StoreSync/0.1")
                .setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        web.close();
    }

    Uni<RawResponse> send(String shop, String accessToken, String apiVersion, String operation, JsonObject request) {
        return send(shop, accessToken, apiVersion, operation, request, 0);
    }

    private Uni<RawResponse> send(String shop, String token, String version, String operation, JsonObject request,
            int throttleWaits) {
        CostBucket bucket = buckets.computeIfAbsent(shop, s -> new CostBucket());
        double expected = lastCost.getOrDefault(operation, config.client().defaultQueryCost());
        Duration wait = bucket.reserve(expected, System.nanoTime());
        return sleep(wait)
                .chain(() -> post(shop, token, version, request))
                .onFailure().invoke(() -> bucket.release(expected, System.nanoTime()))
                .onCancellation().invoke(() -> bucket.release(expected, System.nanoTime()))
                .chain(response -> {
                    if (!observeCost(bucket, operation, response, expected)) {
                        bucket.release(expected, System.nanoTime());
                    }
                    Duration again = throttledFor(response);
                    if (again == null || throttleWaits >= config.client().maxThrottleWaits()) {
                        return Uni.createFrom().item(response);
                    }
                    // Shopify did not run it: queue up again behind the other callers' reservations.
                    Log.debugf("Shopify throttled %s for %s (wait %d of %d)", operation, shop, throttleWaits + 1,
                            config.client().maxThrottleWaits());
                    return sleep(again).chain(() -> send(shop, token, version, operation, request, throttleWaits + 1));
                });
    }

    private Uni<RawResponse> post(String shop, String token, String version, JsonObject request) {
        String url = config.adminBaseUrl().replace("{shop}", shop) + "/admin/api/" + version + "/graphql.json";
        return web.postAbs(url)
                .putHeader("X-Shopify-Access-Token", token)
                .putHeader("Accept", "application/json")
                .timeout(config.client().requestTimeout().toMillis())
                .sendJsonObject(request)
                .onFailure().transform(e -> new TransientShopifyException(
                        e instanceof java.util.concurrent.TimeoutException ? ShopifyResult.Cause.TIMED_OUT
                                : ShopifyResult.Cause.NO_ANSWER,
                        "no answer from Shopify (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e))
                .map(response -> {
                    logVersionHeaders(shop, version, response);
                    if (response.statusCode() >= 500) {
                        throw new TransientShopifyException(ShopifyResult.Cause.SERVER_ERROR,
                                "Shopify answered HTTP " + response.statusCode(), null);
                    }
                    return new RawResponse(response.statusCode(), parse(response), body(response), retryAfter(response));
                });
    }

    /** Feeds the answer's cost report to the bucket; false when there was none. */
    private boolean observeCost(CostBucket bucket, String operation, RawResponse response, double reserved) {
        JsonObject cost = response.body() == null ? null
                : response.body().getJsonObject("extensions", new JsonObject()).getJsonObject("cost");
        JsonObject status = cost == null ? null : cost.getJsonObject("throttleStatus");
        if (status == null) {
            return false;
        }
        Integer requested = cost.getInteger("requestedQueryCost");
        if (requested != null) {
            lastCost.put(operation, requested);
        }
        bucket.observe(status.getDouble("maximumAvailable", 0d), status.getDouble("currentlyAvailable", 0d),
                status.getDouble("restoreRate", 0d), reserved, System.nanoTime());
        return true;
    }

    /**
     * How long to wait before queueing a resend, or null when the answer is final. After THROTTLED
     * the wait is zero: the resend reserves its cost again and so waits for the bucket itself.
     */
    private static Duration throttledFor(RawResponse response) {
        if (response.status() == 429) {
            return Duration.ofMillis(retryAfterMillis(response));
        }
        if (response.status() == 200 && isThrottled(response.body())) {
            return Duration.ZERO;
        }
        return null;
    }

    static boolean isThrottled(JsonObject body) {
        JsonArray errors = body == null ? null : body.getJsonArray("errors");
        if (errors == null) {
            return false;
        }
        for (int i = 0; i < errors.size(); i++) {
            Object error = errors.getValue(i);
            if (error instanceof JsonObject e && "THROTTLED".equals(
                    e.getJsonObject("extensions", new JsonObject()).getString("code"))) {
                return true;
            }
        }
        return false;
    }

    private static long retryAfterMillis(RawResponse response) {
        return response.retryAfterSeconds() == null ? 2000 : Math.max(0, (long) (response.retryAfterSeconds() * 1000));
    }

    private Uni<Void> sleep(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return Uni.createFrom().voidItem();
        }
        // A Vert.x timer fires on the caller's context, so Hibernate Reactive sessions stay usable after the wait.
        // Cancelled (the call's deadline passed), the timer goes too and nothing is sent.
        return Uni.createFrom().emitter(emitter -> {
            long timer = vertx.setTimer(duration.toMillis(), id -> emitter.complete(null));
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        });
    }

    private void logVersionHeaders(String shop, String requested, HttpResponse<Buffer> response) {
        String served = response.getHeader("X-Shopify-API-Version");
        if (served != null && !served.equals(requested) && versionWarnings.add(shop + "/" + served)) {
            Log.warnf("Shopify served API version %s instead of %s for %s (fall-forward: the pinned version is "
                    + "no longer supported)", served, requested, shop);
        }
        String deprecated = response.getHeader("X-Shopify-API-Deprecated-Reason");
        if (deprecated != null && versionWarnings.add(shop + "/deprecated/" + deprecated)) {
            Log.warnf("Shopify deprecation notice for %s: %s", shop, deprecated);
        }
    }

    private static JsonObject parse(HttpResponse<Buffer> response) {
        try {
            Buffer body = response.body();
            return body == null || body.length() == 0 ? null : new JsonObject(body.toString());
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    private static Double retryAfter(HttpResponse<Buffer> response) {
        String header = response.getHeader("Retry-After");
        try {
            return header == null ? null : Double.valueOf(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String body(HttpResponse<Buffer> response) {
        Buffer body = response.body();
        return body == null ? "" : body.toString();
    }
}
