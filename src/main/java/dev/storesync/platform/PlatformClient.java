package dev.storesync.platform;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The platform's Orders API (shapes in {@link PlatformShapes}). Every request is a GET, so every
 * failure that may pass is retried: 429 after its {@code Retry-After} (capped), 5xx, timeouts and
 * connection failures with exponential backoff and jitter, up to {@code max-attempts}. Other 4xx
 * and malformed answers are not retried: they would come back the same.
 */
@ApplicationScoped
public class PlatformClient {

    private final Vertx vertx;
    private final WebClient web;
    private final PlatformConfig config;

    PlatformClient(Vertx vertx, PlatformConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.web = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) config.requestTimeout().toMillis())
                .setMaxPoolSize(Math.max(config.concurrency(), 1))
                .setUserAgent("StoreSync/0.1")
                .setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        web.close();
    }

    /** A request the platform refused or kept failing; the message is for the run's error. */
    public static final class PlatformException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PlatformException(String message) {
            super(message, null, false, false);
        }
    }

    public boolean configured() {
        return config.baseUrl().filter(url -> !url.isBlank()).isPresent();
    }

    /** One page (1-based) of orders updated at or after {@code since} (all when null), oldest change first. */
    public Uni<PlatformShapes.OrdersPage> orders(Instant since, int page) {
        StringBuilder path = new StringBuilder("/orders?page=").append(page).append("&per_page=").append(config.pageSize());
        if (since != null) {
            path.append("&updated_since=").append(URLEncoder.encode(since.toString(), StandardCharsets.UTF_8));
        }
        return get(path.toString(), body -> PlatformShapes.ordersPage(body, page),
                "orders page " + page + (since == null ? "" : " updated since " + since));
    }

    /** The purchase orders of one order (by the platform's order id). */
    public Uni<List<PlatformShapes.PurchaseOrder>> purchaseOrders(String orderId) {
        String path = "/orders/" + URLEncoder.encode(orderId, StandardCharsets.UTF_8).replace("+", "%20") + "/purchase-orders";
        return get(path, PlatformShapes::purchaseOrders, "purchase orders of order " + orderId);
    }

    private <T> Uni<T> get(String path, Function<String, T> parse, String what) {
        String base = config.baseUrl().orElseThrow(() -> new PlatformException("storesync.platform.base-url is not set"));
        String url = base.replaceAll("/+$", "") + path;
        return attempt(url, what, 1).map(body -> {
            try {
                return parse.apply(body);
            } catch (PlatformShapes.MalformedAnswer e) {
                throw new PlatformException(what + " is malformed: " + e.getMessage());
            }
        });
    }

    private Uni<String> attempt(String url, String what, int attempt) {
        HttpRequest<Buffer> request = web.getAbs(url).timeout(config.requestTimeout().toMillis())
                .putHeader("Accept", "application/json");
        config.token().ifPresent(token -> request.putHeader("Authorization", "Bearer " + token));
        return request.send().onItemOrFailure().transformToUni((response, failure) -> {
            Duration retryIn;
            String problem;
            if (failure != null) {
                problem = "no answer (" + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")";
                retryIn = backoff(attempt);
            } else if (response.statusCode() == 429) {
                problem = "HTTP 429";
                retryIn = retryAfter(response).orElse(backoff(attempt));
            } else if (response.statusCode() >= 500) {
                problem = "HTTP " + response.statusCode();
                retryIn = backoff(attempt);
            } else if (response.statusCode() >= 300) {
                return Uni.createFrom().failure(new PlatformException(what + ": the platform answered HTTP "
                        + response.statusCode()));
            } else {
                Buffer body = response.body();
                return Uni.createFrom().item(body == null ? "" : body.toString());
            }
            if (attempt >= config.maxAttempts()) {
                return Uni.createFrom().failure(new PlatformException(what + ": " + problem + " after " + attempt
                        + " attempt(s)"));
            }
            Log.debugf("Platform %s: %s (attempt %d of %d), again in %s", what, problem, attempt, config.maxAttempts(),
                    retryIn);
            return sleep(retryIn).chain(() -> attempt(url, what, attempt + 1));
        });
    }

    /** {@code Retry-After} in seconds (the platform sends no HTTP dates), capped at {@code retry-max}. */
    private java.util.Optional<Duration> retryAfter(HttpResponse<Buffer> response) {
        String header = response.getHeader("Retry-After");
        try {
            if (header == null) {
                return java.util.Optional.empty();
            }
            Duration wait = Duration.ofMillis((long) (Double.parseDouble(header.trim()) * 1000));
            return java.util.Optional.of(wait.compareTo(config.retryMax()) > 0 ? config.retryMax() : wait);
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** {@code base * 2^(attempt-1)} capped, then a random point in its upper half. */
    private Duration backoff(int attempt) {
        long capped = Math.min(config.retryMax().toMillis(),
                config.retryBase().toMillis() * (1L << Math.min(attempt - 1, 20)));
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }

    private Uni<Void> sleep(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(emitter -> {
            long timer = vertx.setTimer(duration.toMillis(), id -> emitter.complete(null));
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        });
    }
}
