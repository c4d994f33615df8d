package dev.storesync.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A query that fails because the database cannot be reached must fail once, and nothing may
 * complete it a second time later: the client's acquisition timer did (vertx-sql-client#1706),
 * an uncaught "Result is already complete" on the event loop.
 */
class DatabasePoolTest {

    private Vertx vertx;
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.exceptionHandler(uncaught::add);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldFailAQueryOnceWhenTheDatabaseIsUnreachable() throws Exception {
        Pool pool = new DatabasePool(100).create(input(unusedPort()));

        Throwable failure = query(pool);
        assertThat(failure).isNotNull();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(uncaught::isEmpty);
    }

    @Test
    void shouldShowThatThePlainPoolCompletesAFailedQueryTwice() throws Exception {
        // The control: the same options without DatabasePool hit the client's bug within its 1 s timer.
        PgPoolCreator.Input input = input(unusedPort());
        Pool pool = PgBuilder.pool().with(input.poolOptions())
                .connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList())).using(vertx).build();

        assertThat(query(pool)).isNotNull();
        await().atMost(Duration.ofSeconds(4)).untilAsserted(() -> assertThat(uncaught)
                .anySatisfy(e -> assertThat(e).hasMessageContaining("already complete")));
    }

    private static Throwable query(Pool pool) throws Exception {
        return pool.query("SELECT 1").execute().toCompletionStage().toCompletableFuture()
                .handle((rows, error) -> error).get(10, TimeUnit.SECONDS);
    }

    private PgPoolCreator.Input input(int port) {
        PoolOptions options = new PoolOptions().setMaxSize(2).setConnectionTimeout(1).setConnectionTimeoutUnit(TimeUnit.SECONDS);
        PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(port).setDatabase("none")
                .setUser("none").setPassword("none");
        return new PgPoolCreator.Input() {
            @Override
            public Vertx vertx() {
                return vertx;
            }

            @Override
            public PoolOptions poolOptions() {
                return options;
            }

            @Override
            public List<PgConnectOptions> pgConnectOptionsList() {
                return List.of(connect);
            }
        };
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
