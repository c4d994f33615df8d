package dev.storesync.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Queue progress as Prometheus gauges ({@code storesync_queue_*}, tags {@code queue}, {@code shop}
 * ({@code _all} for the total) and, for counts, {@code state}). A snapshot is read on a schedule and
 * cached; gauges read the snapshot only, so a scrape never runs SQL. Every replica reports the same
 * database-wide numbers: aggregate with {@code max}, not {@code sum}.
 */
@ApplicationScoped
public class QueueMetrics {

    static final String ALL_SHOPS = "_all";

    private final QueueProgressRepository repository;
    private final MeterRegistry registry;
    private final OperationsConfig config;
    private final AtomicReference<QueueProgress> snapshot = new AtomicReference<>();
    // The snapshot by "queue|shop", so a scrape looks each gauge up instead of scanning every shop.
    private final AtomicReference<Map<String, QueueProgress.Progress>> index = new AtomicReference<>(Map.of());
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    public QueueMetrics(QueueProgressRepository repository, MeterRegistry registry, OperationsConfig config) {
        this.repository = repository;
        this.registry = registry;
        this.config = config;
    }

    @Scheduled(every = "${storesync.operations.queue-metrics-refresh:30S}", delayed = "1S",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return repository.read().invoke(this::publish).replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    Log.warnf("Queue progress not refreshed (gauges keep the last snapshot; next try in %s): %s",
                            config.queueMetricsRefresh(), e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Makes {@code progress} the snapshot the gauges show (also after a live read by the API). */
    public synchronized void publish(QueueProgress progress) {
        QueueProgress previous = snapshot.get();
        if (previous != null && previous.at().isAfter(progress.at())) {
            return;
        }
        Map<String, QueueProgress.Progress> byKey = new HashMap<>();
        for (QueueProgress.Queue queue : progress.queues()) {
            byKey.put(key(queue.queue(), ALL_SHOPS), queue.total());
            queue.shops().forEach(shop -> byKey.put(key(queue.queue(), shop.shop()), shop));
        }
        snapshot.set(progress);
        index.set(byKey);
        for (QueueProgress.Queue queue : progress.queues()) {
            register(queue, queue.total());
            queue.shops().forEach(shop -> register(queue, shop));
        }
    }

    private void register(QueueProgress.Queue queue, QueueProgress.Progress progress) {
        String q = queue.queue();
        String shop = progress.shop() == null ? ALL_SHOPS : progress.shop();
        if (!registered.add(key(q, shop))) {
            return;
        }
        Tags tags = Tags.of("queue", q, "shop", shop);
        for (String state : queue.states()) {
            gauge("storesync.queue.items", "Items in the queue by state", null, tags.and("state", state),
                    p -> p.counts().getOrDefault(state, 0L), q, shop);
        }
        gauge("storesync.queue.due", "Items due now (claimable, waiting for a worker)", null, tags,
                p -> p.dueNow(), q, shop);
        gauge("storesync.queue.oldest.due.age", "How long the oldest due item has been due", "seconds", tags,
                p -> p.oldestDue() == null ? 0 : secondsBetween(p.oldestDue(), Instant.now()), q, shop);
        gauge("storesync.queue.next.retry", "Seconds until the next scheduled retry (NaN when none)", "seconds", tags,
                p -> p.nextRetry() == null ? Double.NaN : secondsBetween(Instant.now(), p.nextRetry()), q, shop);
        gauge("storesync.queue.failed.last24h", "Items that failed for good in the last 24 hours", null, tags,
                p -> p.failedLast24h(), q, shop);
    }

    private void gauge(String name, String help, String unit, Tags tags, ToDoubleFunction<QueueProgress.Progress> value,
            String queue, String shop) {
        String key = key(queue, shop);
        Gauge.builder(name, index, ref -> {
            QueueProgress.Progress p = ref.get().get(key);
            return p == null ? 0 : value.applyAsDouble(p);
        }).description(help).baseUnit(unit).tags(tags).register(registry);
    }

    private static String key(String queue, String shop) {
        return queue + "|" + shop;
    }

    private static double secondsBetween(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis() / 1000.0);
    }
}
