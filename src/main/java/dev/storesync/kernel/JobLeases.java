package dev.storesync.kernel;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Leader election for periodic jobs across replicas: a job runs where it holds an unexpired lease
 * row. {@code @Scheduled(concurrentExecution = SKIP)} only prevents overlap inside one JVM.
 */
@ApplicationScoped
public class JobLeases {

    private final Pool pool;
    private final String holder;
    private final long heartbeatTimeoutMillis;

    /** This replica's leases, held under its instance id. */
    @Inject
    public JobLeases(Pool pool, Instance instance) {
        this(pool, instance.id(), instance.heartbeatTimeoutMillis());
    }

    /** Leases held under {@code holder}: another replica's view, for tests. */
    public JobLeases(Pool pool, String holder) {
        this(pool, holder, Duration.ofSeconds(20).toMillis());
    }

    private JobLeases(Pool pool, String holder, long heartbeatTimeoutMillis) {
        this.pool = pool;
        this.holder = holder;
        this.heartbeatTimeoutMillis = heartbeatTimeoutMillis;
    }

    /**
     * True when this replica holds (or just took) the lease for {@code ttl}: free, expired, its own, or
     * held by an instance whose heartbeat stopped (dead).
     */
    public Uni<Boolean> tryAcquire(String job, Duration ttl) {
        return pool.preparedQuery("""
                INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
                ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                WHERE job_leases.expires_at < now() OR job_leases.holder = EXCLUDED.holder
                   OR job_leases.holder IN (%s)
                RETURNING holder""".formatted(Instance.stale(4)))
                .execute(Tuple.of(job, holder, ttl.toMillis(), heartbeatTimeoutMillis))
                .map(rows -> rows.rowCount() == 1);
    }
}
