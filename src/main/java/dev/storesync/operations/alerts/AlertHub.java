package dev.storesync.operations.alerts;

import dev.storesync.webhooks.InboxWorker;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.ConsumeEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This replica's end of the alert stream. One dedicated connection LISTENs on
 * {@value #CHANNEL}: a notification carries only an event id (or {@code refresh}) and wakes every
 * local SSE client, which then re-reads the rows after its own position, so a lost or coalesced
 * notification loses nothing and a replica that raised an alert reaches the clients of all others.
 */
@ApplicationScoped
public class AlertHub {

    /** The NOTIFY channel; V14's order_alert_set notifies the event id on it at commit. */
    static final String CHANNEL = "storesync_alerts";
    static final String REFRESH = "refresh";
    private static final int READ_BATCH = 500;

    /** What a client's stream emits: an alert event, a refresh ping or a keep-alive comment. */
    public sealed interface Item permits AlertItem, RefreshItem, KeepAliveItem {
    }

    public record AlertItem(AlertDtos.Event event) implements Item {
    }

    public record RefreshItem() implements Item {
    }

    public record KeepAliveItem() implements Item {
    }

    private final Vertx vertx;
    private final Pool pool;
    private final AlertRepository repository;
    private final AlertConfig config;
    private final PgConnectOptions connectOptions;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile PgSubscriber subscriber;
    private volatile boolean stopped;
    private volatile boolean listening;
    private long keepAliveTimer = -1;

    public AlertHub(Vertx vertx, Pool pool, AlertRepository repository, AlertConfig config,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        this.pool = pool;
        this.repository = repository;
        this.config = config;
        String uri = url.startsWith("vertx-reactive:") ? url.substring("vertx-reactive:".length()) : url;
        PgConnectOptions options = PgConnectOptions.fromUri(uri.split(",")[0]);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        this.connectOptions = options;
    }

    void start(@Observes StartupEvent event) {
        subscriber = PgSubscriber.subscriber(vertx, connectOptions)
                // Re-open a lost connection for ever; re-LISTENing wakes the clients (see subscribeHandler).
                .reconnectPolicy(retries -> config.reconnectDelay().toMillis());
        subscriber.channel(CHANNEL)
                .subscribeHandler(() -> {
                    listening = true;
                    Log.debugf("Listening on %s", CHANNEL);
                    // Notifications may have been missed while the connection was down.
                    signalAll(false);
                })
                .handler(payload -> signalAll(REFRESH.equals(payload)));
        subscriber.closeHandler(() -> {
            listening = false;
            if (!stopped) {
                Log.warn("Alert stream: the LISTEN connection closed; reconnecting");
            }
        });
        connect();
        keepAliveTimer = vertx.setPeriodic(config.keepAlive().toMillis(), id -> clients.forEach(Client::keepAlive));
    }

    // The first connect is not covered by the reconnect policy: retry it by hand until it works.
    private void connect() {
        subscriber.connect().subscribe().with(ok -> Log.debug("Alert stream connected"), failure -> {
            if (!stopped) {
                Log.warnf("Alert stream cannot LISTEN yet (%s); retrying", failure.toString());
                vertx.setTimer(config.reconnectDelay().toMillis(), id -> connect());
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (keepAliveTimer >= 0) {
            vertx.cancelTimer(keepAliveTimer);
        }
        clients.forEach(c -> c.emitter.complete());
        if (subscriber != null) {
            subscriber.close().subscribe().with(ok -> { }, failure -> { });
        }
    }

    /** Whether the LISTEN connection is up (for tests and diagnostics). */
    public boolean listening() {
        return listening;
    }

    /** A client's stream: the events after {@code since}, then live ones, with refresh pings and keep-alives. */
    public Multi<Item> stream(long since) {
        return Multi.createFrom().emitter(emitter -> {
            Client client = new Client(since, emitter);
            clients.add(client);
            emitter.onTermination(() -> clients.remove(client));
            client.signal(false);
        });
    }

    /** Tells every replica's clients to refresh (after a webhook batch or a poller tick). */
    public Uni<Void> refresh() {
        return pool.preparedQuery("SELECT pg_notify($1, $2)").execute(io.vertx.mutiny.sqlclient.Tuple.of(CHANNEL, REFRESH))
                .replaceWithVoid();
    }

    @ConsumeEvent(InboxWorker.BATCH_PROCESSED)
    Uni<Void> webhookBatchProcessed(Integer size) {
        return refresh().onFailure().recoverWithItem(failure -> {
            Log.debugf("Could not notify a refresh: %s", failure.toString());
            return null;
        });
    }

    private void signalAll(boolean refresh) {
        clients.forEach(c -> c.signal(refresh));
    }

    /**
     * One SSE client: its position and what it still owes. Reads run one at a time; signals that
     * arrive during a read are folded into the next one, so a burst costs one read, not one each.
     */
    private final class Client {
        private final MultiEmitter<? super Item> emitter;
        private long position;
        private boolean reading;
        private boolean readWanted;
        private boolean refreshWanted;
        private boolean keepAliveWanted;

        Client(long since, MultiEmitter<? super Item> emitter) {
            this.position = since;
            this.emitter = emitter;
        }

        void signal(boolean refresh) {
            synchronized (this) {
                readWanted = true;
                refreshWanted |= refresh;
                if (reading) {
                    return;
                }
                reading = true;
            }
            read();
        }

        void keepAlive() {
            synchronized (this) {
                keepAliveWanted = true;
                readWanted = true;
                if (reading) {
                    return;
                }
                reading = true;
            }
            read();
        }

        private void read() {
            boolean refresh;
            boolean keepAlive;
            long from;
            synchronized (this) {
                refresh = refreshWanted;
                keepAlive = keepAliveWanted;
                readWanted = false;
                refreshWanted = false;
                keepAliveWanted = false;
                from = position;
            }
            repository.after(from, READ_BATCH).subscribe().with(events -> {
                if (emitter.isCancelled()) {
                    return;
                }
                emit(events, refresh, keepAlive);
                boolean again;
                synchronized (this) {
                    if (!events.isEmpty()) {
                        position = events.get(events.size() - 1).id();
                    }
                    again = readWanted || refreshWanted || keepAliveWanted || events.size() == READ_BATCH;
                    reading = again;
                }
                if (again) {
                    read();
                }
            }, failure -> {
                Log.warnf("Alert stream: cannot read events after %d: %s", from, failure.toString());
                synchronized (this) {
                    reading = false;
                }
                // The next notification or keep-alive retries; the client keeps its position.
            });
        }

        private void emit(List<AlertDtos.Event> events, boolean refresh, boolean keepAlive) {
            events.forEach(e -> emitter.emit(new AlertItem(e)));
            if (refresh) {
                emitter.emit(new RefreshItem());
            }
            if (keepAlive) {
                emitter.emit(new KeepAliveItem());
            }
        }
    }
}
