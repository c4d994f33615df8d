package dev.storesync.shopify.client;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * Fault tolerance around {@link AdminApiTransport}. Both methods share one circuit breaker, so a
 * Shopify outage stops all calls for a while instead of tying up workers in timeouts.
 * Only {@link #sendRetrying} retries: a non-idempotent mutation (fulfillmentCreate) that met a 5xx
 * may have been executed, so its caller must re-read Shopify's state before trying again.
 */
@ApplicationScoped
class ResilientAdminApi {

    private final AdminApiTransport transport;

    ResilientAdminApi(AdminApiTransport transport) {
        this.transport = transport;
    }

    @Retry(maxRetries = 4, delay = 500, jitter = 200, retryOn = TransientShopifyException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 10, maxDelayUnit = ChronoUnit.SECONDS)
    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.6, delay = 30, delayUnit = ChronoUnit.SECONDS,
            failOn = TransientShopifyException.class)
    @CircuitBreakerName("shopify-admin-api")
    Uni<RawResponse> sendRetrying(String shop, String token, String version, String operation, JsonObject request) {
        return transport.send(shop, token, version, operation, request);
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.6, delay = 30, delayUnit = ChronoUnit.SECONDS,
            failOn = TransientShopifyException.class)
    @CircuitBreakerName("shopify-admin-api")
    Uni<RawResponse> sendOnce(String shop, String token, String version, String operation, JsonObject request) {
        return transport.send(shop, token, version, operation, request);
    }
}
