package dev.storesync.platform;

import dev.storesync.kernel.ProblemException;
import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code platform_sync_runs}: one row per run with its counts. At most one run is {@code running}
 * cluster-wide (partial unique index), so a second trigger learns the running run's id instead.
 */
@ApplicationScoped
public class PlatformSyncRuns {

    private static final int MAX_LIMIT = 200;
    private static final String COLUMNS = "id, trigger, since, full_resync, outcome, started_at, finished_at, fetched, "
            + "upserted, unchanged, excluded, errors, error";

    /** The run a trigger started (with the {@code since} it reads from), or the one already running. */
    record Start(long runId, boolean started, Instant since) {
    }

    /** What one page of a run added to its counts. */
    record Counts(int fetched, int upserted, int unchanged, int excluded, int errors) {
    }

    private final Pool pool;

    PlatformSyncRuns(Pool pool) {
        this.pool = pool;
    }

    /**
     * Starts a run unless one is running (a run without heartbeat for {@code lease} is abandoned
     * first). Its {@code since}: the one asked for; else, unless a full resync, the watermark; else now
     * minus the initial cutoff. Only a run that reads from the watermark or earlier (or a full resync)
     * may move the watermark when it succeeds: a manual run with a later {@code since} leaves a gap
     * before it unread, and must not let the next run start past that gap.
     */
    Uni<Start> start(String trigger, Instant since, boolean fullResync, Duration lease, Duration cutoff) {
        return start(trigger, since, fullResync, lease, cutoff, 3);
    }

    private Uni<Start> start(String trigger, Instant since, boolean fullResync, Duration lease, Duration cutoff,
            int attempts) {
        return pool.preparedQuery("""
                UPDATE platform_sync_runs SET outcome = 'abandoned', finished_at = now(),
                       error = 'no heartbeat since ' || heartbeat_at || ': its replica stopped'
                WHERE outcome = 'running' AND heartbeat_at < now() - $1 * interval '1 millisecond'""")
                .execute(Tuple.of(lease.toMillis()))
                .chain(() -> pool.preparedQuery("""
                        INSERT INTO platform_sync_runs (trigger, since, full_resync, advances_watermark)
                        SELECT $1, coalesce($2::timestamptz, CASE WHEN $3 THEN NULL ELSE w.watermark END,
                               now() - $4 * interval '1 millisecond'), $3,
                               $3 OR $2::timestamptz IS NULL OR coalesce($2::timestamptz <= w.watermark, FALSE)
                        FROM (SELECT (SELECT watermark FROM platform_sync_watermark) AS watermark) w
                        ON CONFLICT DO NOTHING RETURNING id, since""")
                        .execute(Tuple.of(trigger, SqlTimes.timestamptz(since), fullResync, cutoff.toMillis())))
                .chain(inserted -> {
                    if (inserted.rowCount() == 1) {
                        Row row = inserted.iterator().next();
                        return Uni.createFrom().item(new Start(row.getLong("id"), true, SqlTimes.instant(row, "since")));
                    }
                    return pool.query("SELECT id, since FROM platform_sync_runs WHERE outcome = 'running'").execute()
                            .chain(running -> {
                                if (running.rowCount() == 1) {
                                    Row row = running.iterator().next();
                                    return Uni.createFrom().item(new Start(row.getLong("id"), false, SqlTimes.instant(row, "since")));
                                }
                                if (attempts <= 1) {
                                    throw ProblemException.conflict("runs kept finishing while starting; try again");
                                }
                                return start(trigger, since, fullResync, lease, cutoff, attempts - 1);
                            });
                });
    }

    /**
     * Adds a page's counts and beats the heart; the first error message is kept, and the newest
     * platform {@code updated_at} read so far (the watermark's source).
     */
    Uni<Void> add(long runId, Counts c, String error, Instant newest) {
        return pool.preparedQuery("""
                UPDATE platform_sync_runs SET fetched = fetched + $2, upserted = upserted + $3, unchanged = unchanged + $4,
                       excluded = excluded + $5, errors = errors + $6, error = coalesce(error, $7), heartbeat_at = now(),
                       max_updated_at = greatest(max_updated_at, $8)
                WHERE id = $1 AND outcome = 'running'""")
                .execute(Tuple.tuple().addLong(runId).addInteger(c.fetched()).addInteger(c.upserted())
                        .addInteger(c.unchanged()).addInteger(c.excluded()).addInteger(c.errors()).addString(error)
                        .addValue(SqlTimes.timestamptz(newest)))
                .replaceWithVoid();
    }

    /** Beats a running run's heart (after each order: one slow page must not look like a dead replica). */
    Uni<Void> beat(long runId) {
        return pool.preparedQuery("UPDATE platform_sync_runs SET heartbeat_at = now() WHERE id = $1 AND outcome = 'running'")
                .execute(Tuple.of(runId)).replaceWithVoid();
    }

    /**
     * Ends a running run: failed when {@code failure} is given, partial when orders failed, else
     * succeeded. A successful run allowed to (see {@link #start}) moves the watermark to the newest
     * {@code updated_at} it read minus {@code overlap}, never backwards and never past its own since
     * when it read nothing.
     */
    Uni<String> finish(long runId, String failure, Duration overlap) {
        return pool.preparedQuery("""
                WITH r AS (
                    UPDATE platform_sync_runs SET finished_at = now(), error = coalesce($2, error),
                           outcome = CASE WHEN $2::text IS NOT NULL THEN 'failed' WHEN errors > 0 THEN 'partial' ELSE 'succeeded' END
                    WHERE id = $1 AND outcome = 'running'
                    RETURNING outcome, since, advances_watermark, max_updated_at),
                w AS (
                    INSERT INTO platform_sync_watermark (watermark, run_id)
                    SELECT greatest(r.since, r.max_updated_at - $3 * interval '1 millisecond'), $1 FROM r
                    WHERE r.outcome = 'succeeded' AND r.advances_watermark
                    ON CONFLICT (singleton) DO UPDATE
                        SET watermark = greatest(platform_sync_watermark.watermark, EXCLUDED.watermark),
                            run_id = EXCLUDED.run_id, updated_at = now())
                SELECT outcome FROM r""")
                .execute(Tuple.of(runId, failure, overlap.toMillis()))
                .map(rows -> rows.rowCount() == 0 ? "abandoned" : rows.iterator().next().getString("outcome"));
    }

    /** Newest first, ids below {@code before} when given. */
    Uni<PlatformDtos.Page<PlatformDtos.RunView>> list(Integer limit, Long before) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM platform_sync_runs WHERE id < $1 ORDER BY id DESC LIMIT $2")
                .execute(Tuple.of(before == null ? Long.MAX_VALUE : before, size + 1))
                .map(rows -> {
                    List<PlatformDtos.RunView> out = new ArrayList<>();
                    rows.forEach(r -> out.add(view(r)));
                    if (out.size() <= size) {
                        return new PlatformDtos.Page<>(out, null);
                    }
                    List<PlatformDtos.RunView> items = List.copyOf(out.subList(0, size));
                    return new PlatformDtos.Page<>(items, Long.toString(items.get(size - 1).id()));
                });
    }

    Uni<PlatformDtos.RunView> get(long id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM platform_sync_runs WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? null : view(rows.iterator().next()));
    }

    private static PlatformDtos.RunView view(Row r) {
        return new PlatformDtos.RunView(r.getLong("id"), r.getString("trigger"), SqlTimes.instant(r, "since"),
                r.getBoolean("full_resync"), r.getString("outcome"), SqlTimes.instant(r, "started_at"),
                SqlTimes.instant(r, "finished_at"), r.getInteger("fetched"), r.getInteger("upserted"),
                r.getInteger("unchanged"), r.getInteger("excluded"), r.getInteger("errors"), r.getString("error"));
    }
}
