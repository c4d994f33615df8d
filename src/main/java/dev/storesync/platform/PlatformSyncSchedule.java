package dev.storesync.platform;

import dev.storesync.kernel.JobLeases;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The periodic sync: every {@code sync-interval}, on the one replica that holds the job lease for
 * this slot. The lease lasts a little less than the interval, so the next slot may go to any replica;
 * a run still going then is simply answered as running (one run at a time cluster-wide).
 */
@ApplicationScoped
public class PlatformSyncSchedule {

    static final String JOB = "platform-orders-sync";

    private final PlatformSync sync;
    private final PlatformClient client;
    private final JobLeases leases;
    private final Duration lease;

    PlatformSyncSchedule(PlatformSync sync, PlatformClient client, JobLeases leases, PlatformConfig config) {
        this.sync = sync;
        this.client = client;
        this.leases = leases;
        String interval = config.syncInterval().trim();
        Duration every = interval.equalsIgnoreCase("off") || interval.equalsIgnoreCase("disabled")
                ? Duration.ofMinutes(15) : DurationConverter.parseDuration(interval);
        this.lease = every.multipliedBy(9).dividedBy(10);
    }

    @Scheduled(identity = "platform-orders-sync", every = "${storesync.platform.sync-interval:15M}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!client.configured()) {
            return Uni.createFrom().voidItem();
        }
        return leases.tryAcquire(JOB, lease)
                .chain(mine -> mine ? sync.start("schedule", null, false).replaceWithVoid() : Uni.createFrom().voidItem())
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Periodic platform sync could not start: %s", e.getMessage());
                    return null;
                });
    }
}
