package dev.storesync.operations.alerts;

import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The alert tables' SQL: the event stream read, the clock evaluation and its thresholds. */
@ApplicationScoped
public class AlertRepository {

    private final Pool pool;

    public AlertRepository(Pool pool) {
        this.pool = pool;
    }

    /** Events after {@code since}, oldest first. Ids become visible in order (see V14), so paging by id has no gaps. */
    public Uni<List<AlertDtos.Event>> after(long since, int limit) {
        return pool.preparedQuery("""
                SELECT id, type, alert_id, kind, order_gid, order_name, shop_domain, raised_at, cleared_at, details, at
                FROM alert_events WHERE id > $1 ORDER BY id LIMIT $2""")
                .execute(Tuple.of(since, limit)).map(rows -> {
                    List<AlertDtos.Event> out = new ArrayList<>();
                    rows.forEach(r -> out.add(event(r)));
                    return out;
                });
    }

    /** The id of the newest event, 0 when there is none. */
    public Uni<Long> lastId() {
        return pool.query("SELECT COALESCE(max(id), 0) AS id FROM alert_events").execute()
                .map(rows -> rows.iterator().next().getLong("id"));
    }

    /** Stores the thresholds the database rules use (the settings of the replica that wrote last); true when they changed. */
    public Uni<Boolean> writeThresholds(Duration trackingPendingAfter, Duration delayedAfter) {
        return pool.preparedQuery("""
                INSERT INTO order_alert_settings (tracking_pending_after, delayed_after)
                VALUES ($1 * interval '1 millisecond', $2 * interval '1 millisecond')
                ON CONFLICT (singleton) DO UPDATE SET tracking_pending_after = EXCLUDED.tracking_pending_after,
                       delayed_after = EXCLUDED.delayed_after, updated_at = now()
                WHERE (order_alert_settings.tracking_pending_after, order_alert_settings.delayed_after)
                      IS DISTINCT FROM (EXCLUDED.tracking_pending_after, EXCLUDED.delayed_after)""")
                .execute(Tuple.of(trackingPendingAfter.toMillis(), delayedAfter.toMillis())).map(rows -> rows.rowCount() > 0);
    }

    /**
     * Re-applies the alert rules to the orders whose clock-based alerts may have to open now (past a
     * threshold without an open alert) and, after the thresholds changed ({@code recheckOpen}), to
     * those with an open one; answers how many orders were looked at. Time alone never clears an
     * alert: clearing follows the facts at commit.
     */
    public Uni<Integer> evaluate(Instant trackingCutoff, Instant delayedCutoff, int limit, boolean recheckOpen) {
        return pool.preparedQuery("""
                WITH candidates AS (
                    (SELECT o.id FROM orders o
                     WHERE o.needs_tracking AND o.shopify_created_at < $1 AND o.cancelled_at IS NULL
                       AND NOT EXISTS (SELECT 1 FROM order_alerts a WHERE a.order_id = o.id AND a.kind = 'tracking_pending'
                                                                       AND a.cleared_at IS NULL)
                     LIMIT $3)
                    UNION
                    (SELECT o.id FROM orders o
                     WHERE o.transit_since < $2 AND o.cancelled_at IS NULL
                       AND NOT EXISTS (SELECT 1 FROM order_alerts a WHERE a.order_id = o.id AND a.kind = 'delayed'
                                                                       AND a.cleared_at IS NULL)
                     LIMIT $3)
                    UNION
                    (SELECT a.order_id FROM order_alerts a
                     WHERE $4 AND a.cleared_at IS NULL AND a.kind IN ('tracking_pending', 'delayed') LIMIT $3))
                SELECT count(*)::int AS n FROM (SELECT order_alerts_sync(c.id) FROM (SELECT id FROM candidates ORDER BY id LIMIT $3) c) s""")
                .execute(Tuple.of(SqlTimes.timestamptz(trackingCutoff), SqlTimes.timestamptz(delayedCutoff), limit, recheckOpen))
                .map(rows -> rows.iterator().next().getInteger("n"));
    }

    private static AlertDtos.Event event(Row r) {
        Object details = r.getValue("details");
        Map<String, Object> map = details instanceof JsonObject json ? json.getMap() : Map.of();
        return new AlertDtos.Event(r.getLong("id"), r.getString("type"), SqlTimes.instant(r, "at"),
                new AlertDtos.Alert(r.getLong("alert_id"), r.getString("kind"), r.getString("order_gid"),
                        r.getString("order_name"), r.getString("shop_domain"), SqlTimes.instant(r, "raised_at"),
                        SqlTimes.instant(r, "cleared_at"), map));
    }
}
