package dev.storesync.inventory;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;

/**
 * The schedule's runtime settings (the one {@code inventory_schedule} row). The tick reads them
 * each time (see {@link SyncRuns#startScheduled}), so a change applies from the next tick on.
 */
@ApplicationScoped
public class InventorySchedule {

    private static final String SELECT_VIEW = """
            SELECT s.enabled, s.interval_minutes, s.updated_at, last.started_at AS last_started,
                   CASE WHEN s.enabled THEN GREATEST(now(), COALESCE(last.started_at + s.interval_minutes * interval '1 minute',
                       now())) END AS next_run
            FROM inventory_schedule s
            LEFT JOIN LATERAL (SELECT started_at FROM inventory_sync_runs WHERE trigger = 'schedule'
                               ORDER BY started_at DESC LIMIT 1) last ON TRUE""";

    private final Pool pool;

    InventorySchedule(Pool pool) {
        this.pool = pool;
    }

    public Uni<InventoryDtos.ScheduleView> get() {
        return pool.query(SELECT_VIEW).execute().map(rows -> view(rows.iterator().next()));
    }

    /** Validated by the request's constraints (5 min to 24 h; both fields required). */
    public Uni<InventoryDtos.ScheduleView> set(InventoryDtos.ScheduleRequest request) {
        return pool.preparedQuery("""
                UPDATE inventory_schedule SET enabled = $1, interval_minutes = $2, updated_at = now()""")
                .execute(Tuple.of(request.enabled(), request.intervalMinutes()))
                .invoke(() -> Log.infof("Inventory sync schedule %s, every %d minute(s)",
                        request.enabled() ? "enabled" : "disabled", request.intervalMinutes()))
                .chain(this::get);
    }

    private static InventoryDtos.ScheduleView view(Row r) {
        OffsetDateTime last = r.getOffsetDateTime("last_started");
        OffsetDateTime next = r.getOffsetDateTime("next_run");
        return new InventoryDtos.ScheduleView(r.getBoolean("enabled"), r.getInteger("interval_minutes"),
                last == null ? null : last.toInstant(), next == null ? null : next.toInstant(),
                r.getOffsetDateTime("updated_at").toInstant());
    }
}
