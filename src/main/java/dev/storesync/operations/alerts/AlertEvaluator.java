package dev.storesync.operations.alerts;

import dev.storesync.kernel.JobLeases;
import dev.storesync.operations.orders.OrderOperationsConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;

/**
 * The clock half of the alert rules: an order becomes tracking_pending or delayed by time passing,
 * which no write path sees. Runs on one replica per interval; the rule itself is the database's
 * (order_alerts_sync), fed with this replica's thresholds.
 */
@ApplicationScoped
public class AlertEvaluator {

    static final String LEASE = "order-alerts-evaluate";

    private final AlertRepository repository;
    private final JobLeases leases;
    private final AlertConfig config;
    private final OrderOperationsConfig thresholds;

    public AlertEvaluator(AlertRepository repository, JobLeases leases, AlertConfig config, OrderOperationsConfig thresholds) {
        this.repository = repository;
        this.leases = leases;
        this.config = config;
        this.thresholds = thresholds;
    }

    void writeThresholds(@Observes StartupEvent event) {
        repository.writeThresholds(thresholds.trackingPendingAfter(), thresholds.delayedAfter()).subscribe().with(
                ok -> { }, failure -> Log.warnf("Could not store the alert thresholds: %s", failure.toString()));
    }

    @Scheduled(every = "${storesync.operations.alerts.evaluate-interval:1M}", delayed = "5S",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return leases.tryAcquire(LEASE, config.evaluateInterval().dividedBy(2))
                .chain(mine -> mine ? evaluate().replaceWithVoid() : Uni.createFrom().voidItem());
    }

    /** Applies the alert rules to every order the clock may have changed; answers how many were looked at. */
    public Uni<Integer> evaluate() {
        Instant now = Instant.now();
        return repository.writeThresholds(thresholds.trackingPendingAfter(), thresholds.delayedAfter())
                .chain(changed -> repository.evaluate(now.minus(thresholds.trackingPendingAfter()),
                        now.minus(thresholds.delayedAfter()), config.evaluateBatchSize(), changed))
                .invoke(n -> Log.debugf("Alert evaluation: %d order(s) looked at", n));
    }
}
