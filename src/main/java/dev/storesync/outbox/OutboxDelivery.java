package dev.storesync.outbox;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Delivers outbox events at least once: claims due events, POSTs each to every subscriber, and marks
 * it delivered when all answered 2xx; otherwise it is retried with exponential backoff and jitter,
 * and discarded (its last error kept) after {@code max-attempts}. A retry goes to every subscriber
 * again, so subscribers dedupe on the event id. Every replica may run it: claims skip locked rows.
 *
 * <p>Request: {@code POST} with {@code Content-Type: application/json}, headers
 * {@code StoreSync-Event-Id} (the event's UUID, the same on every redelivery), {@code StoreSync-Event-Type},
 * {@code StoreSync-Delivery-Attempt} and {@link EventSignature#HEADER}; body
 * {@code {"id", "type", "aggregate", "createdAt", "data"}}, byte for byte the same on every attempt.
 */
@ApplicationScoped
public class OutboxDelivery {

    public static final String EVENT_ID_HEADER = "StoreSync-Event-Id";
    public static final String EVENT_TYPE_HEADER = "StoreSync-Event-Type";
    public static final String ATTEMPT_HEADER = "StoreSync-Delivery-Attempt";

    private final OutboxRepository outbox;
    private final OutboxConfig config;
    private final WebClient web;
    private final AtomicBoolean warnedNoSecret = new AtomicBoolean();

    OutboxDelivery(OutboxRepository outbox, OutboxConfig config, Vertx vertx) {
        this.outbox = outbox;
        this.config = config;
        this.web = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) config.requestTimeout().toMillis())
                .setUserAgent("StoreSync/0.1")
                .setFollowRedirects(false));
    }

    @PreDestroy
    void close() {
        web.close();
    }

    @Scheduled(identity = "outbox-delivery", every = "${storesync.outbox.poll-interval:5S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        List<String> subscribers = subscribers();
        if (!config.enabled() || subscribers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String secret = config.secret().filter(s -> !s.isBlank()).orElse(null);
        if (secret == null) {
            if (warnedNoSecret.compareAndSet(false, true)) {
                Log.error("Outbox subscribers are set but storesync.outbox.secret (STORESYNC_OUTBOX_SECRET) is not: "
                        + "no events are delivered until it is");
            }
            return Uni.createFrom().voidItem();
        }
        return drain(subscribers, secret).replaceWithVoid().onFailure().recoverWithItem(e -> {
            Log.warnf("Outbox delivery could not claim events: %s", e.toString());
            return null;
        });
    }

    /** Claims and delivers batches until fewer than a batch are due; returns how many were attempted. */
    Uni<Integer> drain(List<String> subscribers, String secret) {
        UUID token = UUID.randomUUID();
        return Multi.createBy().repeating()
                .uni(() -> outbox.claim(config.batchSize(), token, config.lease())
                        .chain(batch -> Multi.createFrom().iterable(batch)
                                .onItem().transformToUni(event -> outbox.renew(event.id(), token, config.lease())
                                        .chain(held -> held ? deliver(event, token, subscribers, secret)
                                                : Uni.createFrom().voidItem())
                                        .onFailure().recoverWithNull())
                                .merge(Math.max(config.concurrency(), 1))
                                .collect().asList().replaceWith(batch.size())))
                .whilst(count -> count == config.batchSize())
                .collect().with(Collectors.summingInt(Integer::intValue));
    }

    private Uni<Void> deliver(OutboxRepository.Claimed event, UUID token, List<String> subscribers, String secret) {
        byte[] body = body(event);
        String signature = EventSignature.sign(secret, body);
        return Multi.createFrom().iterable(subscribers)
                .onItem().transformToUniAndConcatenate(url -> post(url, event, body, signature))
                .collect().asList()
                .chain(errors -> {
                    List<String> failed = new ArrayList<>();
                    errors.forEach(e -> {
                        if (!e.isEmpty()) {
                            failed.add(e);
                        }
                    });
                    if (failed.isEmpty()) {
                        return outbox.delivered(event.id(), token).invoke(recorded -> Log.debugf(
                                "Outbox event %s (%s) delivered on attempt %d%s", event.id(), event.type(), event.attempt(),
                                recorded ? "" : " after its claim expired")).replaceWithVoid();
                    }
                    String error = String.join("; ", failed);
                    Duration delay = backoff(event.attempt());
                    return outbox.failed(event.id(), token, config.maxAttempts(), delay, error).invoke(state -> {
                        if (state.isPresent() && "discarded".equals(state.get())) {
                            Log.errorf("Outbox event %s (%s) discarded after %d attempts: %s", event.id(), event.type(),
                                    event.attempt(), error);
                        } else if (state.isPresent()) {
                            Log.warnf("Outbox event %s (%s) attempt %d failed, retry in %s: %s", event.id(), event.type(),
                                    event.attempt(), delay, error);
                        }
                    }).replaceWithVoid();
                })
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Could not record the delivery of outbox event %s; its claim will expire: %s", event.id(),
                            e.toString());
                    return null;
                });
    }

    /** Empty when the subscriber answered 2xx, else what went wrong. */
    private Uni<String> post(String url, OutboxRepository.Claimed event, byte[] body, String signature) {
        return web.postAbs(url)
                .timeout(config.requestTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader(EVENT_ID_HEADER, event.id().toString())
                .putHeader(EVENT_TYPE_HEADER, event.type())
                .putHeader(ATTEMPT_HEADER, Integer.toString(event.attempt()))
                .putHeader(EventSignature.HEADER, signature)
                .sendBuffer(Buffer.buffer(body))
                .map(response -> response.statusCode() / 100 == 2 ? ""
                        : url + ": HTTP " + response.statusCode())
                .onFailure().recoverWithItem(e -> url + ": no answer (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + ")");
    }

    /** The same bytes on every attempt: built only from the stored row. */
    static byte[] body(OutboxRepository.Claimed event) {
        return new JsonObject().put("id", event.id().toString()).put("type", event.type())
                .put("aggregate", event.aggregate()).put("createdAt", event.createdAt().toString())
                .put("data", new JsonObject(event.payload())).encode().getBytes(StandardCharsets.UTF_8);
    }

    private Duration backoff(int attempt) {
        long capped = Math.min(config.backoffMax().toMillis(),
                config.backoffBase().toMillis() * (1L << Math.min(Math.max(attempt - 1, 0), 30)));
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }

    private List<String> subscribers() {
        return config.subscribers().orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
