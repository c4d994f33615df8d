package dev.storesync.shopify.client;

import dev.storesync.StoreSyncConfig;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.faulttolerance.Retry;

/**
 * Fault tolerance around {@link AdminApiTransport}: retries with exponential backoff for calls
 * that are safe to resend, a circuit breaker per shop so one shop's outage (or a shop Shopify keeps
 * failing for) stops calls to that shop for a while without pausing the others, and a deadline per
 * attempt that also covers the wait for the shop's cost bucket. A non-idempotent mutation
 * (fulfillmentCreate) that met a 5xx may have been executed, so its failure comes back as
 * {@link AmbiguousShopifyException}, which is not retried: the caller re-reads Shopify's state first.
 *
 * <p>The breakers are SmallRye Fault Tolerance {@link Guard}s kept per shop domain (the annotation
 * would give one breaker for every shop). The deadline is Mutiny's {@code ifNoItem}, not
 * {@code @Timeout}: on expiry it cancels the attempt, so a call still queued for the cost bucket is
 * never sent afterwards, when its caller has given up (and a shipment's claim may be gone).
 */
@ApplicationScoped
class ResilientAdminApi {

    private final AdminApiTransport transport;
    private final Duration callTimeout;
    private final Duration breakerDelay;
    private final Map<String, Guard> breakers = new ConcurrentHashMap<>();

    ResilientAdminApi(AdminApiTransport transport, StoreSyncConfig config) {
        this.transport = transport;
        this.callTimeout = config.shopify().client().callTimeout();
        this.breakerDelay = config.shopify().client().breakerDelay();
    }

    @Retry(maxRetries = 4, delay = 500, jitter = 200, retryOn = TransientShopifyException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 10, maxDelayUnit = ChronoUnit.SECONDS)
    Uni<RawResponse> send(String shop, String token, String version, String operation, JsonObject request,
            boolean retrySafe) {
        return breaker(shop).get(() -> attempt(shop, token, version, operation, request, retrySafe), Uni.class);
    }

    private Uni<RawResponse> attempt(String shop, String token, String version, String operation,
            JsonObject request, boolean retrySafe) {
        Context caller = Vertx.currentContext();
        Uni<RawResponse> sent = transport.send(shop, token, version, operation, request)
                .ifNoItem().after(callTimeout).failWith(CallTimedOutException::new);
        if (caller != null) {
            // Mutiny's timer fires on a worker thread; go on where the caller was (its Hibernate session).
            sent = sent.onFailure(CallTimedOutException.class).recoverWithUni(e -> Uni.createFrom()
                    .emitter(emitter -> caller.runOnContext(ignored -> emitter.fail(e))));
        }
        return retrySafe ? sent
                : sent.onFailure(TransientShopifyException.class)
                        .transform(e -> new AmbiguousShopifyException((ShopifyOutageException) e));
    }

    private Guard breaker(String shop) {
        return breakers.computeIfAbsent(shop, s -> Guard.create()
                .withDescription("Shopify Admin API for " + s)
                .withCircuitBreaker().requestVolumeThreshold(20).failureRatio(0.6).delay(breakerDelay.toMillis(), ChronoUnit.MILLIS)
                .failOn(ShopifyOutageException.class).done()
                .build());
    }

    /** The attempt passed its deadline (waiting for the cost bucket included) and was cancelled. */
    static final class CallTimedOutException extends RuntimeException {
        CallTimedOutException() {
            super("no answer within the call timeout", null, false, false);
        }
    }
}
