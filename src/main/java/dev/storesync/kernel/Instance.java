package dev.storesync.kernel;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * This running instance of the service: the id its claims are recorded under, and the heartbeat row
 * that tells the other instances it is alive. The id is new at every start ("pid@host/random"), so a
 * restarted pod with the same host name and pid never passes for its dead predecessor.
 */
@ApplicationScoped
public class Instance {

    /** Instances whose heartbeat is older than {@code $1} milliseconds: dead, their claims rescuable. */
    public static final String STALE = "SELECT instance_id FROM instance_heartbeats"
            + " WHERE heartbeat_at < now() - %s * interval '1 millisecond'";

    private final Pool pool;
    private final InstanceConfig config;
    private final String id;
    private volatile boolean beating;

    public Instance(Pool pool, InstanceConfig config) {
        this.pool = pool;
        this.config = config;
        this.id = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    /** The stale-instance subquery with its timeout parameter at {@code $n}. */
    public static String stale(int parameter) {
        return STALE.formatted("$" + parameter);
    }

    public long heartbeatTimeoutMillis() {
        return config.heartbeatTimeout().toMillis();
    }

    @Scheduled(identity = "instance-heartbeat", every = "${storesync.instance.heartbeat-interval:5S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledBeat() {
        return beat().onFailure().recoverWithItem(failure -> {
            if (beating) {
                beating = false;
                Log.warnf("Instance %s cannot renew its heartbeat; after %s the others take it for dead and rescue its "
                        + "claims: %s", id, config.heartbeatTimeout(), failure.toString());
            }
            return null;
        });
    }

    /** Renews this instance's row, and forgets instances silent for a day. */
    public Uni<Void> beat() {
        return pool.preparedQuery("""
                WITH gone AS (DELETE FROM instance_heartbeats WHERE heartbeat_at < now() - interval '1 day')
                INSERT INTO instance_heartbeats (instance_id) VALUES ($1)
                ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now()""")
                .execute(Tuple.of(id)).invoke(() -> beating = true).replaceWithVoid();
    }
}
