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
 * Fault tolerance around {@link AdminApiTransport}: a circuit breaker so a Shopify outage stops
 * calls for a while instead of tying up workers in timeouts, and retries with exponential backoff
 * for calls that are safe to resend. A non-idempotent mutation (fulfillmentCreate) that met a 5xx
 * may have been executed, so its failure comes back as {@link AmbiguousShopifyException}, which is
 * not retried: the caller re-reads Shopify's state before trying again.
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
            failOn = ShopifyOutageException.class)
    @CircuitBreakerName("shopify-admin-api")
    Uni<RawResponse> send(String shop, String token, String version, String operation, JsonObject request,
            boolean retrySafe) {
        Uni<RawResponse> sent = transport.send(shop, token, version, operation, request);
        return retrySafe ? sent
                : sent.onFailure(TransientShopifyException.class)
                        .transform(e -> new AmbiguousShopifyException((ShopifyOutageException) e));
    }
}
