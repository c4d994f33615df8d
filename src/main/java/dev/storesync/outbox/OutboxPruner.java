package dev.storesync.outbox;

import dev.storesync.kernel.JobLeases;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;

/**
 * Deletes delivered and discarded outbox events older than {@code storesync.outbox.retention}, in
 * batches, on one replica per slot (a job lease).
 */
@ApplicationScoped
public class OutboxPruner {

    private static final String JOB = "outbox-pruner";

    private final OutboxRepository outbox;
    private final OutboxConfig config;
    private final JobLeases leases;

    OutboxPruner(OutboxRepository outbox, OutboxConfig config, JobLeases leases) {
        this.outbox = outbox;
        this.config = config;
        this.leases = leases;
    }

    @Scheduled(identity = "outbox-pruner", every = "${storesync.outbox.prune-interval:1H}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        // The lease lasts most of a slot, so the other replicas skip this slot.
        return leases.tryAcquire(JOB, config.pruneInterval().multipliedBy(9).dividedBy(10))
                .chain(held -> held ? prune().invoke(n -> {
                    if (n > 0) {
                        Log.infof("Pruned %d finished outbox events older than %s", n, config.retention());
                    }
                }).replaceWithVoid() : Uni.createFrom().voidItem())
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Outbox pruning failed: %s", e.toString());
                    return null;
                });
    }

    /** Deletes batch after batch until a batch comes back short; returns how many were deleted. */
    Uni<Integer> prune() {
        int batch = Math.max(config.pruneBatchSize(), 1);
        return Multi.createBy().repeating().uni(() -> outbox.prune(config.retention(), batch))
                .whilst(n -> n == batch)
                .collect().with(Collectors.summingInt(Integer::intValue));
    }
}
