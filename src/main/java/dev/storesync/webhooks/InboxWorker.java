package dev.storesync.webhooks;

import io.quarkus.logging.Log;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Drains the inbox: claims due rows, runs the topic's handler for each, and records the outcome.
 * Any number of workers, in one JVM or in several replicas, can share a database: the claim
 * locks rows with {@code FOR UPDATE SKIP LOCKED}, so each row goes to exactly one worker, and an
 * outcome is written only while the row is still in the claim that produced it.
 */
public final class InboxWorker {

    /** What the error history says about a failure whose own message is not for people. */
    static final String UNEXPECTED = "unexpected error in the handler; the service log has the details";
    /**
     * Local event-bus address published to (with the batch size) after each batch of deliveries is
     * processed, so features can react without the webhooks package knowing them.
     */
    public static final String BATCH_PROCESSED = "storesync.webhooks.batch-processed";

    private static final Pattern JAVA_CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*");

    private final InboxRepository inbox;
    private final WebhookHandlers handlers;
    private final WebhookConfig.Dispatcher config;
    private final Vertx vertx;
    private final String name;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;
    private volatile boolean failing;

    public InboxWorker(InboxRepository inbox, WebhookHandlers handlers, WebhookConfig.Dispatcher config, Vertx vertx,
            String name) {
        this.inbox = inbox;
        this.handlers = handlers;
        this.config = config;
        this.vertx = vertx;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Starts a drain in the background unless one is running; a nudge during a drain makes it go
     * round once more, so no due row waits for the next poll. Never blocks.
     */
    public void nudge() {
        wanted.set(true);
        if (stopped || !draining.compareAndSet(false, true)) {
            return;
        }
        wanted.set(false);
        onFreshContext(this::drain).subscribe().with(count -> {
            if (failing) {
                failing = false;
                Log.infof("Webhook dispatcher %s can reach the inbox again", name);
            }
            finished();
        }, failure -> {
            if (!failing) {
                failing = true;
                Log.warnf("Webhook dispatcher %s cannot claim inbox rows: %s", name, failure.toString());
            }
            finished();
        });
    }

    private void finished() {
        draining.set(false);
        if (wanted.get() && !failing) {
            nudge();
        }
    }

    /**
     * Stops claiming and starting deliveries; handlers already running go on. See {@link #release()}
     * for the rows claimed but not started.
     */
    public void stop() {
        stopped = true;
    }

    /** True when no drain is under way: every handler this worker started has finished and been recorded. */
    public boolean idle() {
        return !draining.get();
    }

    /**
     * Hands the rows this worker claimed but has not started back to the inbox, due now, so another
     * replica runs them at once; rows whose handler is still running are kept (their lease rescues
     * them if this replica dies first). Call after {@link #stop()}. Returns how many were released.
     */
    public Uni<Integer> release() {
        return inbox.release(name, List.copyOf(running));
    }

    /** Claims and runs batches until nothing is due; returns how many rows were run. */
    public Uni<Integer> drain() {
        return Multi.createBy().repeating().uni(this::runBatch)
                .whilst(count -> count == config.batchSize() && !stopped)
                .collect().with(Collectors.summingInt(Integer::intValue));
    }

    private Uni<Integer> runBatch() {
        if (stopped) {
            return Uni.createFrom().item(0);
        }
        return inbox.claim(config.batchSize(), name).chain(batch -> runAll(batch).invoke(() -> {
            if (!batch.isEmpty()) {
                vertx.eventBus().publish(BATCH_PROCESSED, batch.size());
            }
        }).replaceWith(batch.size()));
    }

    private Uni<Void> runAll(List<InboxDelivery> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUni(this::run).merge(config.concurrency())
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> run(InboxDelivery delivery) {
        if (stopped) {
            // Claimed in the batch before the stop: left running for release() to hand back.
            return Uni.createFrom().voidItem();
        }
        Optional<WebhookHandler> handler = handlers.forTopic(delivery.topic());
        Uni<Void> outcome;
        if (handler.isEmpty()) {
            Log.debugf("Webhook %s (%s from %s) has no handler; marked ignored", delivery.webhookId(),
                    delivery.topic(), delivery.shopDomain());
            outcome = inbox.ignore(delivery.id(), delivery.attempt(), "no handler for topic " + delivery.topic())
                    .replaceWithVoid();
        } else {
            Duration timeout = config.handlerTimeout();
            running.add(delivery.id());
            outcome = onFreshContext(() -> handler.get().handle(delivery))
                    .ifNoItem().after(timeout)
                    .failWith(() -> new TimeoutException("handler did not finish within " + readable(timeout)))
                    .onItemOrFailure().transformToUni((ignored, failure) -> {
                        if (failure == null) {
                            return completed(delivery);
                        }
                        PermanentWebhookFailure permanent = permanent(failure);
                        return permanent != null ? discarded(delivery, permanent) : failed(delivery, failure);
                    })
                    .eventually(() -> running.remove(delivery.id()));
        }
        return outcome.onFailure().recoverWithItem(failure -> {
            Log.warnf("Could not record the outcome of inbox row %d; its lease will expire: %s", delivery.id(),
                    failure.toString());
            return null;
        });
    }

    private Uni<Void> completed(InboxDelivery delivery) {
        return inbox.complete(delivery.id(), delivery.attempt()).invoke(recorded -> {
            if (recorded) {
                Log.debugf("Webhook %s (%s from %s) completed on attempt %d", delivery.webhookId(), delivery.topic(),
                        delivery.shopDomain(), delivery.attempt());
            } else {
                Log.infof("Webhook %s finished after its claim was lost (rescued, replayed or deleted)",
                        delivery.webhookId());
            }
        }).replaceWithVoid();
    }

    private Uni<Void> discarded(InboxDelivery delivery, PermanentWebhookFailure failure) {
        String reason = failure.getMessage();
        return inbox.discard(delivery.id(), delivery.attempt(), reason).invoke(recorded -> {
            if (recorded) {
                Log.errorf("Webhook %s (%s from %s) discarded on attempt %d without retrying, it would fail the same "
                        + "way again: %s. It stays in the inbox for replay.", delivery.webhookId(), delivery.topic(),
                        delivery.shopDomain(), delivery.attempt(), reason);
            } else {
                Log.infof("Webhook %s failed after its claim was lost: %s", delivery.webhookId(), reason);
            }
        }).replaceWithVoid();
    }

    private Uni<Void> failed(InboxDelivery delivery, Throwable failure) {
        Duration delay = backoff(delivery.attempt(), config.backoffBase(), config.backoffMax());
        String error = describe(failure);
        if (UNEXPECTED.equals(error)) {
            Log.warnf(failure, "Webhook %s (%s from %s) attempt %d failed unexpectedly", delivery.webhookId(),
                    delivery.topic(), delivery.shopDomain(), delivery.attempt());
        }
        return inbox.fail(delivery.id(), delivery.attempt(), error, delay).invoke(state -> {
            if (state.isEmpty()) {
                Log.infof("Webhook %s failed after its claim was lost: %s", delivery.webhookId(), error);
            } else if ("discarded".equals(state.get())) {
                Log.errorf("Webhook %s (%s from %s) discarded after %d attempts: %s", delivery.webhookId(),
                        delivery.topic(), delivery.shopDomain(), delivery.attempt(), error);
            } else {
                Log.warnf("Webhook %s (%s from %s) failed attempt %d of %d, retry in %s: %s", delivery.webhookId(),
                        delivery.topic(), delivery.shopDomain(), delivery.attempt(), delivery.maxAttempts(), delay,
                        error);
            }
        }).replaceWithVoid();
    }

    /**
     * The delay before the next attempt: {@code base * 2^(attempt-1)} capped at {@code max}, then a
     * random point in its upper half, so rows that failed together do not retry together.
     */
    static Duration backoff(int attempt, Duration base, Duration max) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long capped = Math.min(max.toMillis(), base.toMillis() * (1L << doublings));
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }

    /**
     * The failure as an admin reads it in the row's error history: its message, which handlers
     * write for people. Messages the JVM writes for programmers (a NullPointerException's, a
     * ClassCastException's) and any naming a Java class are replaced by {@link #UNEXPECTED}, and
     * the failure with its stack trace goes to the log instead.
     */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank() || failure instanceof NullPointerException
                || failure instanceof ClassCastException || failure instanceof IndexOutOfBoundsException
                || failure instanceof ArithmeticException || failure instanceof ArrayStoreException
                || JAVA_CLASS_NAME.matcher(message).find()) {
            return UNEXPECTED;
        }
        return message;
    }

    private static PermanentWebhookFailure permanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PermanentWebhookFailure permanent) {
                return permanent;
            }
        }
        return null;
    }

    /** {@code PT1M30S} as {@code 1m30s}. */
    private static String readable(Duration duration) {
        return duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Runs the work on a new duplicated Vert.x context marked safe, the way Quarkus runs a request
     * or a scheduled method: each delivery gets its own Hibernate Reactive session and context data.
     */
    private <T> Uni<T> onFreshContext(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> Uni.createFrom().<T>deferred(work::get)
                    .subscribe().with(emitter::complete, emitter::fail));
        });
    }
}
