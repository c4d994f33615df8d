package dev.storesync.operations;

import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only SQL over the queue tables: one grouped scan per queue, by shop and state. Due and
 * retry rules repeat the claims' (InboxRepository, ShipmentSyncWorker): due means claimable now.
 */
@ApplicationScoped
public class QueueProgressRepository {

    static final List<String> INBOX_STATES = List.of("available", "running", "retryable", "completed", "discarded",
            "ignored");
    static final List<String> SHIPMENT_STATES = List.of("pending", "synced", "failed", "cancelled");

    private static final String INBOX = """
            SELECT shop_domain AS shop, state, count(*) AS n,
                   count(*) FILTER (WHERE due) AS due,
                   min(scheduled_at) FILTER (WHERE due) AS oldest_due,
                   min(scheduled_at) FILTER (WHERE state = 'retryable' AND NOT due) AS next_retry,
                   count(*) FILTER (WHERE state = 'discarded' AND finalized_at > now() - interval '24 hours') AS failed
            FROM (SELECT shop_domain, state, scheduled_at, finalized_at,
                         state IN ('available', 'retryable') AND scheduled_at <= now() AS due
                  FROM webhook_inbox) q
            GROUP BY shop_domain, state""";

    // A claimed shipment is being synced, not waiting: it is due again only after its lease.
    private static final String SHIPMENTS = """
            SELECT sh.domain AS shop, q.sync_status AS state, count(*) AS n,
                   count(*) FILTER (WHERE q.due) AS due,
                   min(q.sync_pending_until) FILTER (WHERE q.due) AS oldest_due,
                   min(q.sync_pending_until) FILTER (WHERE q.sync_status = 'pending' AND q.sync_pending_until > now())
                       AS next_retry,
                   count(*) FILTER (WHERE q.sync_status = 'failed' AND q.updated_at > now() - interval '24 hours')
                       AS failed
            FROM (SELECT s.order_id, s.sync_status, s.sync_pending_until, s.updated_at,
                         s.sync_status = 'pending' AND s.status = 'shipped' AND s.sync_pending_until <= now()
                             AND (s.sync_claimed_until IS NULL OR s.sync_claimed_until < now()) AS due
                  FROM shipments s) q
            JOIN orders o ON o.id = q.order_id JOIN shops sh ON sh.id = o.shop_id
            GROUP BY sh.domain, q.sync_status""";

    private final Pool pool;

    public QueueProgressRepository(Pool pool) {
        this.pool = pool;
    }

    /** Both queues as they are now. */
    public Uni<QueueProgress> read() {
        return pool.query(INBOX).execute().chain(inbox -> pool.query(SHIPMENTS).execute().map(shipments ->
                new QueueProgress(Instant.now(), List.of(
                        queue(QueueProgress.WEBHOOK_INBOX, INBOX_STATES, inbox),
                        queue(QueueProgress.SHIPMENT_SYNC, SHIPMENT_STATES, shipments)))));
    }

    private static QueueProgress.Queue queue(String name, List<String> states, RowSet<Row> rows) {
        Map<String, Accumulator> shops = new TreeMap<>();
        Accumulator total = new Accumulator(null, states);
        for (Row r : rows) {
            Accumulator shop = shops.computeIfAbsent(r.getString("shop"), s -> new Accumulator(s, states));
            for (Accumulator a : List.of(shop, total)) {
                a.add(r.getString("state"), r.getLong("n"), r.getLong("due"), SqlTimes.instant(r, "oldest_due"),
                        SqlTimes.instant(r, "next_retry"), r.getLong("failed"));
            }
        }
        List<QueueProgress.Progress> perShop = new ArrayList<>();
        shops.values().forEach(a -> perShop.add(a.progress()));
        return new QueueProgress.Queue(name, states, total.progress(), perShop);
    }

    private static final class Accumulator {
        private final String shop;
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private long due;
        private Instant oldestDue;
        private Instant nextRetry;
        private long failed;

        Accumulator(String shop, List<String> states) {
            this.shop = shop;
            states.forEach(s -> counts.put(s, 0L));
        }

        void add(String state, long n, long dueNow, Instant oldest, Instant next, long failedRecently) {
            counts.merge(state, n, Long::sum);
            due += dueNow;
            oldestDue = earliest(oldestDue, oldest);
            nextRetry = earliest(nextRetry, next);
            failed += failedRecently;
        }

        QueueProgress.Progress progress() {
            return new QueueProgress.Progress(shop, Collections.unmodifiableMap(new LinkedHashMap<>(counts)), due, oldestDue,
                    nextRetry, failed);
        }

        private static Instant earliest(Instant a, Instant b) {
            return a == null ? b : b == null || a.isBefore(b) ? a : b;
        }
    }
}
