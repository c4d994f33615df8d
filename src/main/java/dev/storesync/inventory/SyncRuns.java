package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Inventory sync runs, their per-partner rows and failed items. At most one run is {@code running}
 * cluster-wide: the partial unique index on {@code outcome = 'running'} makes a second insert a
 * no-op, and the caller then learns the running run's id.
 */
@ApplicationScoped
public class SyncRuns {

    static final Set<String> TRIGGERS = Set.of("schedule", "sync_now", "cron", "partner_resync", "live");
    static final Set<String> OUTCOMES = Set.of("running", "succeeded", "partial", "failed", "abandoned");
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    /** The run this trigger started, or ({@code started} false) the one already running. */
    record Start(long runId, boolean started) {
    }

    private final Pool pool;
    private final Partners partners;

    SyncRuns(Pool pool, Partners partners) {
        this.pool = pool;
        this.partners = partners;
    }

    /** Starts a run unless one is running; a run silent for longer than {@code lease} is abandoned first. */
    Uni<Start> start(String trigger, Long partnerId, Duration lease) {
        return start(trigger, partnerId, lease, 3);
    }

    private static final String ABANDON_SILENT = """
            UPDATE inventory_sync_runs SET outcome = 'abandoned', finished_at = now(),
                   error = 'no heartbeat since ' || heartbeat_at || ': its replica stopped'
            WHERE outcome = 'running' AND heartbeat_at < now() - $1 * interval '1 millisecond'""";

    private Uni<Start> start(String trigger, Long partnerId, Duration lease, int attempts) {
        return pool.preparedQuery(ABANDON_SILENT).execute(Tuple.of(lease.toMillis()))
                .chain(() -> pool.preparedQuery("""
                        INSERT INTO inventory_sync_runs (trigger, partner_id) VALUES ($1, $2)
                        ON CONFLICT DO NOTHING RETURNING id""").execute(Tuple.of(trigger, partnerId)))
                .chain(inserted -> inserted.rowCount() == 1
                        ? Uni.createFrom().item(new Start(inserted.iterator().next().getLong("id"), true))
                        : pool.query("SELECT id FROM inventory_sync_runs WHERE outcome = 'running'").execute()
                                .chain(running -> {
                                    if (running.rowCount() == 1) {
                                        return Uni.createFrom().item(new Start(running.iterator().next().getLong("id"), false));
                                    }
                                    // The running run finished in between: try again.
                                    if (attempts <= 1) {
                                        throw ProblemException.conflict("runs kept finishing while starting; try again");
                                    }
                                    return start(trigger, partnerId, lease, attempts - 1);
                                }));
    }

    /**
     * Starts a run of trigger {@code schedule} when the schedule is enabled, no run is running and
     * the last scheduled run started at least an interval ago; else null. The schedule row is locked
     * first, so ticks racing on several replicas decide one after the other and only one run starts
     * per slot, even when two replicas both believe they hold the tick's lease.
     */
    Uni<Long> startScheduled(Duration lease) {
        return pool.preparedQuery(ABANDON_SILENT).execute(Tuple.of(lease.toMillis()))
                .chain(() -> pool.withTransaction(c -> c.query("""
                        SELECT enabled, interval_minutes FROM inventory_schedule FOR UPDATE""").execute()
                        .chain(settings -> {
                            Row s = settings.iterator().next();
                            if (!s.getBoolean("enabled")) {
                                return Uni.createFrom().nullItem();
                            }
                            return c.preparedQuery("""
                                    INSERT INTO inventory_sync_runs (trigger)
                                    SELECT 'schedule' WHERE NOT EXISTS (SELECT 1 FROM inventory_sync_runs
                                        WHERE trigger = 'schedule' AND started_at > now() - $1 * interval '1 minute')
                                    ON CONFLICT DO NOTHING RETURNING id""")
                                    .execute(Tuple.of(s.getInteger("interval_minutes")))
                                    .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getLong("id"));
                        })));
    }

    /** The partners and mapped items the run is about to sweep. */
    Uni<Void> recordTotals(long runId, List<Long> partnerIds) {
        return pool.preparedQuery("""
                UPDATE inventory_sync_runs SET partners_total = cardinality($2::bigint[]),
                       items_total = (SELECT count(*) FROM product_mappings WHERE active AND partner_id = ANY($2))
                WHERE id = $1""").execute(Tuple.of(runId, partnerIds.toArray(new Long[0]))).replaceWithVoid();
    }

    /**
     * Records one partner's part of the run, its failed items, the partner's status and the run's
     * progress ({@code itemsDone}: the partner's mapped items, synced or not), together.
     */
    Uni<Void> recordPartner(long runId, InventorySweep.PartnerOutcome o, int itemsDone) {
        return pool.withTransaction(c -> c.preparedQuery("""
                INSERT INTO inventory_sync_run_partners (run_id, partner_id, status, checked, changed, unchanged, failed,
                    duration_ms, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
                .execute(Tuple.tuple().addLong(runId).addLong(o.partnerId()).addString(o.status())
                        .addInteger(o.checked()).addInteger(o.changed()).addInteger(o.unchanged())
                        .addInteger(o.failures().size()).addLong(o.durationMs()).addString(o.error()))
                .chain(() -> recordFailedItems(c, runId, o))
                .chain(() -> partners.recordStatus(c, o.partnerId(), o.status(), o.error(), o.failures().size()))
                .chain(() -> c.preparedQuery("""
                        UPDATE inventory_sync_runs SET heartbeat_at = now(), partners_done = partners_done + 1,
                               items_done = items_done + $2 WHERE id = $1""")
                        .execute(Tuple.of(runId, itemsDone)).replaceWithVoid()));
    }

    /**
     * Adds a live batch's result for one partner to the live run of the current minute (created by
     * the first batch of the minute): one run row per minute window, its per-partner row summing the
     * window's batches, the outcome the worst seen ("partial" once results differ). Live rows are
     * written finished, so they never take the one-running-run slot of sweeps. The partner's status
     * is left to sweeps, which see all of its items.
     */
    Uni<Long> recordLive(InventorySweep.PartnerOutcome o) {
        String outcome = switch (o.status()) {
            case "healthy" -> "succeeded";
            case "warning" -> "partial";
            default -> "failed";
        };
        return pool.withTransaction(c -> c.preparedQuery("""
                INSERT INTO inventory_sync_runs (trigger, live_window, outcome, finished_at)
                VALUES ('live', date_trunc('minute', now()), $1, now())
                ON CONFLICT (live_window) WHERE trigger = 'live' DO UPDATE
                SET outcome = CASE WHEN inventory_sync_runs.outcome = EXCLUDED.outcome THEN EXCLUDED.outcome
                                   ELSE 'partial' END,
                    finished_at = now(), heartbeat_at = now()
                RETURNING id""").execute(Tuple.of(outcome)).chain(rows -> {
            long runId = rows.iterator().next().getLong("id");
            return c.preparedQuery("""
                    INSERT INTO inventory_sync_run_partners AS rp (run_id, partner_id, status, checked, changed, unchanged,
                        failed, duration_ms, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (run_id, partner_id) DO UPDATE
                    SET status = CASE WHEN 'failed' IN (rp.status, EXCLUDED.status) THEN 'failed'
                                      WHEN 'warning' IN (rp.status, EXCLUDED.status) THEN 'warning' ELSE 'healthy' END,
                        checked = rp.checked + EXCLUDED.checked, changed = rp.changed + EXCLUDED.changed,
                        unchanged = rp.unchanged + EXCLUDED.unchanged, failed = rp.failed + EXCLUDED.failed,
                        duration_ms = rp.duration_ms + EXCLUDED.duration_ms, error = coalesce(EXCLUDED.error, rp.error),
                        finished_at = now()""")
                    .execute(Tuple.tuple().addLong(runId).addLong(o.partnerId()).addString(o.status())
                            .addInteger(o.checked()).addInteger(o.changed()).addInteger(o.unchanged())
                            .addInteger(o.failures().size()).addLong(o.durationMs()).addString(o.error()))
                    .chain(() -> recordFailedItems(c, runId, o))
                    .replaceWith(runId);
        }));
    }

    /** Ends a running run; a run already ended (abandoned by another replica) keeps its outcome. */
    Uni<Void> finish(long runId, String outcome, String error) {
        return pool.preparedQuery("""
                UPDATE inventory_sync_runs SET outcome = $2, error = $3, finished_at = now()
                WHERE id = $1 AND outcome = 'running'""").execute(Tuple.of(runId, outcome, error)).replaceWithVoid();
    }

    /** Newest first; a partner filter matches runs for that partner alone and runs that swept it. */
    public Uni<InventoryDtos.Page<InventoryDtos.RunSummary>> list(Long partnerId, String trigger, String outcome,
            Integer limit, String cursor) {
        if (trigger != null && !TRIGGERS.contains(trigger)) {
            throw ProblemException.invalidField("trigger", "must be one of " + String.join(", ", TRIGGERS.stream().sorted().toList()));
        }
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw ProblemException.invalidField("outcome", "must be one of " + String.join(", ", OUTCOMES.stream().sorted().toList()));
        }
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        long before = cursor == null ? Long.MAX_VALUE : Cursors.parse(cursor);
        return pool.preparedQuery("""
                SELECT r.id, r.trigger, r.partner_id, r.outcome, r.started_at, r.finished_at, r.error
                FROM inventory_sync_runs r
                WHERE ($1::bigint IS NULL OR r.partner_id = $1 OR EXISTS (SELECT 1 FROM inventory_sync_run_partners p
                        WHERE p.run_id = r.id AND p.partner_id = $1))
                  AND ($2::text IS NULL OR r.trigger = $2) AND ($3::text IS NULL OR r.outcome = $3) AND r.id < $4
                ORDER BY r.id DESC LIMIT $5""")
                .execute(Tuple.tuple().addLong(partnerId).addString(trigger).addString(outcome).addLong(before)
                        .addInteger(size + 1))
                .map(rows -> {
                    List<InventoryDtos.RunSummary> out = new ArrayList<>();
                    rows.forEach(r -> out.add(summary(r)));
                    return Cursors.page(out, size, InventoryDtos.RunSummary::id);
                });
    }

    /** A run's outcome and progress, or null: what the SSE stream sends. */
    public Uni<InventoryDtos.RunProgress> progress(long id) {
        return pool.preparedQuery("SELECT " + PROGRESS_COLUMNS + " FROM inventory_sync_runs WHERE id = $1")
                .execute(Tuple.of(id)).map(rows -> rows.rowCount() == 0 ? null : progress(rows.iterator().next()));
    }

    private static final String PROGRESS_COLUMNS = "id, outcome, partners_done, partners_total, items_done, items_total";

    private static InventoryDtos.RunProgress progress(Row r) {
        return new InventoryDtos.RunProgress(r.getLong("id"), r.getString("outcome"), r.getInteger("partners_done"),
                r.getInteger("partners_total"), r.getInteger("items_done"), r.getInteger("items_total"));
    }

    /** One run with its progress, per-partner rows and failed items, or null. */
    public Uni<InventoryDtos.RunDetail> get(long id) {
        return pool.preparedQuery("SELECT trigger, partner_id, started_at, finished_at, error, " + PROGRESS_COLUMNS
                + " FROM inventory_sync_runs WHERE id = $1").execute(Tuple.of(id)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    InventoryDtos.RunSummary run = summary(rows.iterator().next());
                    InventoryDtos.RunProgress progress = progress(rows.iterator().next());
                    Uni<List<InventoryDtos.RunPartner>> partnerRows = pool.preparedQuery("""
                            SELECT rp.*, p.display_name FROM inventory_sync_run_partners rp
                            JOIN partners p ON p.id = rp.partner_id WHERE rp.run_id = $1 ORDER BY rp.partner_id""")
                            .execute(Tuple.of(id)).map(found -> {
                                List<InventoryDtos.RunPartner> out = new ArrayList<>();
                                found.forEach(r -> out.add(new InventoryDtos.RunPartner(r.getLong("partner_id"),
                                        r.getString("display_name"), r.getString("status"), r.getInteger("checked"),
                                        r.getInteger("changed"), r.getInteger("unchanged"), r.getInteger("failed"),
                                        r.getLong("duration_ms"), r.getString("error"))));
                                return out;
                            });
                    Uni<List<InventoryDtos.FailedItem>> failed = pool.preparedQuery("""
                            SELECT partner_id, mapping_id, reason, shopify_error FROM inventory_sync_failed_items
                            WHERE run_id = $1 ORDER BY id""").execute(Tuple.of(id)).map(found -> {
                                List<InventoryDtos.FailedItem> out = new ArrayList<>();
                                found.forEach(r -> out.add(new InventoryDtos.FailedItem(r.getLong("partner_id"),
                                        r.getLong("mapping_id"), r.getString("reason"), r.getString("shopify_error"))));
                                return out;
                            });
                    return Uni.combine().all().unis(partnerRows, failed).asTuple()
                            .map(t -> new InventoryDtos.RunDetail(run.id(), run.trigger(), run.partnerId(), run.outcome(),
                                    run.startedAt(), run.finishedAt(), run.error(), progress, t.getItem1(), t.getItem2()));
                });
    }

    private static InventoryDtos.RunSummary summary(Row r) {
        OffsetDateTime finished = r.getOffsetDateTime("finished_at");
        return new InventoryDtos.RunSummary(r.getLong("id"), r.getString("trigger"), r.getLong("partner_id"),
                r.getString("outcome"), r.getOffsetDateTime("started_at").toInstant(),
                finished == null ? null : finished.toInstant(), r.getString("error"));
    }

    /** The partner's failed items of the run, each with its mapping, reason and Shopify's error. */
    private static Uni<Void> recordFailedItems(SqlClient c, long runId, InventorySweep.PartnerOutcome o) {
        if (o.failures().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> items = o.failures().stream().map(f -> Tuple.of(runId, o.partnerId(), f.mappingId(),
                f.reason(), f.shopifyError())).toList();
        return c.preparedQuery("""
                INSERT INTO inventory_sync_failed_items (run_id, partner_id, mapping_id, reason, shopify_error)
                VALUES ($1, $2, $3, $4, $5)""").executeBatch(items).replaceWithVoid();
    }
}
