package dev.storesync.inventory;

import dev.storesync.kernel.JobLeases;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The schedule's tick: on the replica holding the tick's lease, starts a run of trigger
 * {@code schedule} when one is due. The lease spares the other replicas the check; that one run
 * starts per slot is decided by {@link SyncRuns#startScheduled} under a row lock.
 */
@ApplicationScoped
public class InventoryScheduler {

    static final String LEASE = "inventory-schedule";

    private final InventorySync sync;
    private final JobLeases leases;
    private final InventoryConfig config;

    InventoryScheduler(InventorySync sync, JobLeases leases, InventoryConfig config) {
        this.sync = sync;
        this.leases = leases;
        this.config = config;
    }

    @Scheduled(every = "${storesync.inventory.schedule-tick:1M}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return tick(leases).replaceWithVoid().onFailure().recoverWithUni(e -> {
            Log.warnf("Inventory schedule tick failed, tried again next tick: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /** One tick as the holder of {@code as}: the id of the run it started, or null. */
    Uni<Long> tick(JobLeases as) {
        // Held for two ticks and renewed by each, so the tick stays on one replica while it lives.
        return as.tryAcquire(LEASE, config.scheduleTick().multipliedBy(2))
                .chain(mine -> mine ? sync.startScheduled() : Uni.createFrom().nullItem());
    }
}
