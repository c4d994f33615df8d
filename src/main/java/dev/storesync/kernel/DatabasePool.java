package dev.storesync.kernel;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the reactive PostgreSQL pool without the client's connection-acquisition timer and with a
 * bounded wait queue instead. vertx-sql-client 4.5 does not cancel that timer when acquiring a
 * connection fails (eclipse-vertx/vertx-sql-client#1706): every query that failed while the
 * database was unreachable completed its promise a second time 30 s later, an uncaught
 * "Result is already complete" on the event loop. Without the timer a failed connect still fails
 * the query at once; an overloaded replica sheds queries past the wait queue instead of timing
 * them out.
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    private final int maxWaitQueueSize;

    public DatabasePool(@ConfigProperty(name = "storesync.database.max-wait-queue", defaultValue = "2000") int maxWaitQueueSize) {
        this.maxWaitQueueSize = maxWaitQueueSize;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions options = new PoolOptions(input.poolOptions()).setConnectionTimeout(0)
                .setMaxWaitQueueSize(maxWaitQueueSize);
        return PgBuilder.pool().with(options).connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList())).using(input.vertx()).build();
    }
}
