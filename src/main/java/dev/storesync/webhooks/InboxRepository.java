package dev.storesync.webhooks;

import dev.storesync.kernel.Instance;
import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * All SQL on {@code webhook_inbox}: plain statements on the reactive pool, because the queue
 * operations (insert-or-skip, SKIP LOCKED claims, guarded state changes) are single statements
 * that an ORM would only obscure.
 */
@ApplicationScoped
public class InboxRepository {

    /** Timestamps inside the errors history, in one fixed UTC format. */
    private static final String NOW_UTC = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
    private static final int MAX_ERROR_LENGTH = 2000;

    private static final String INSERT = """
            WITH shop AS (
                SELECT id, state FROM shops WHERE domain = $2
            ), inserted AS (
                INSERT INTO webhook_inbox (webhook_id, shop_domain, topic, event_id, triggered_at, api_version,
                                           subscription_name, payload, max_attempts, shop_id, duplicate_of)
                SELECT $1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9::int, shop.id,
                       (SELECT min(e.id) FROM webhook_inbox e WHERE e.topic = $3 AND e.event_id = $4)
                FROM shop
                WHERE shop.state <> 'uninstalled' OR $10::boolean
                ON CONFLICT (webhook_id) DO NOTHING
                RETURNING id, duplicate_of
            )
            SELECT (SELECT state FROM shop) AS shop_state, inserted.id, inserted.duplicate_of
            FROM (SELECT 1) AS one LEFT JOIN inserted ON true
            """;

    private static final String INSERT_UNSCOPED = """
            INSERT INTO webhook_inbox (webhook_id, shop_domain, topic, payload, max_attempts)
            VALUES ($1, $2, $3, $4::text::jsonb, $5)
            ON CONFLICT (webhook_id) DO NOTHING
            RETURNING id
            """;

    private static final String CLAIM = """
            WITH due AS (
                SELECT id FROM webhook_inbox
                WHERE state IN ('available', 'retryable') AND scheduled_at <= now()
                ORDER BY scheduled_at, id
                LIMIT $1
                FOR UPDATE SKIP LOCKED
            )
            UPDATE webhook_inbox i
            SET state = 'running', attempt = i.attempt + 1, attempted_at = now(), attempted_by = $2
            FROM due WHERE i.id = due.id
            RETURNING i.id, i.webhook_id, i.topic, i.shop_domain, i.shop_id, i.event_id,
                      coalesce(i.triggered_at, i.received_at) AS triggered_at, i.api_version, i.payload,
                      i.attempt, i.max_attempts, i.duplicate_of
            """;

    private static final String COMPLETE = """
            UPDATE webhook_inbox SET state = 'completed', finalized_at = now()
            WHERE id = $1 AND state = 'running' AND attempt = $2
            """;

    private static final String IGNORE = """
            UPDATE webhook_inbox SET state = 'ignored', finalized_at = now(),
                errors = errors || jsonb_build_array(jsonb_build_object('at', %s, 'attempt', attempt, 'error', $3::text))
            WHERE id = $1 AND state = 'running' AND attempt = $2
            """.formatted(NOW_UTC);

    private static final String FAIL = """
            UPDATE webhook_inbox SET
                state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END,
                finalized_at = CASE WHEN attempt >= max_attempts THEN now() END,
                scheduled_at = CASE WHEN attempt >= max_attempts THEN scheduled_at
                                    ELSE now() + $4::bigint * interval '1 millisecond' END,
                errors = errors || jsonb_build_array(jsonb_build_object('at', %s, 'attempt', attempt, 'error', $3::text))
            WHERE id = $1 AND state = 'running' AND attempt = $2
            RETURNING state
            """.formatted(NOW_UTC);

    private static final String DISCARD = """
            UPDATE webhook_inbox SET state = 'discarded', finalized_at = now(),
                errors = errors || jsonb_build_array(jsonb_build_object('at', %s, 'attempt', attempt, 'error', $3::text))
            WHERE id = $1 AND state = 'running' AND attempt = $2
            """.formatted(NOW_UTC);

    private static final String RESCUE = """
            UPDATE webhook_inbox SET
                state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'retryable' END,
                finalized_at = CASE WHEN attempt >= max_attempts THEN now() END,
                scheduled_at = now(),
                errors = errors || jsonb_build_array(jsonb_build_object('at', %s, 'attempt', attempt,
                    'error', CASE WHEN attempted_at < now() - $1::bigint * interval '1 millisecond'
                                  THEN 'lease expired: ' || coalesce(attempted_by, 'a worker') || ' did not finish it within ' || $2::text
                                  ELSE 'rescued: ' || attempted_by || ' stopped (no heartbeat) before finishing it' END))
            WHERE state = 'running' AND (attempted_at < now() - $1::bigint * interval '1 millisecond'
                                         OR attempted_by IN (%s))
            RETURNING id, webhook_id, topic, state
            """.formatted(NOW_UTC, Instance.stale(3));

    /*
     * A replica that shuts down hands back what it claimed but did not start: at once, without waiting
     * for the lease. The attempt stays counted (the claim made it), so a late outcome of this claim
     * still cannot overwrite the next one's.
     */
    private static final String RELEASE = """
            UPDATE webhook_inbox SET state = 'retryable', scheduled_at = now(),
                errors = errors || jsonb_build_array(jsonb_build_object('at', %s, 'attempt', attempt,
                    'error', 'released: ' || $1::text || ' shut down before running it'))
            WHERE state = 'running' AND attempted_by = $1 AND NOT (id = ANY($2::bigint[]))
            RETURNING id
            """.formatted(NOW_UTC);

    private static final String PRUNE = """
            DELETE FROM webhook_inbox WHERE id IN (
                SELECT id FROM webhook_inbox
                WHERE finalized_at < now() - $1::bigint * interval '1 millisecond'
                LIMIT $2
                FOR UPDATE SKIP LOCKED)
            """;

    private static final String SUMMARY_COLUMNS = """
            id, webhook_id, topic, shop_domain, shop_id, event_id, state, attempt, max_attempts, duplicate_of,
            received_at, scheduled_at, attempted_at, finalized_at, errors -> -1 ->> 'error' AS last_error
            """;

    private static final String LIST = """
            SELECT %s FROM webhook_inbox
            WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR topic = $2)
              AND ($3::text IS NULL OR shop_domain = $3) AND ($4::bigint IS NULL OR id < $4)
            ORDER BY id DESC
            LIMIT $5
            """.formatted(SUMMARY_COLUMNS);

    private static final String FIND = """
            SELECT %s, triggered_at, api_version, subscription_name, attempted_by, redacted_at, errors,
                   payload::text AS payload
            FROM webhook_inbox WHERE id = $1
            """.formatted(SUMMARY_COLUMNS);

    private static final String REPLAY = """
            UPDATE webhook_inbox SET state = 'available', attempt = 0, scheduled_at = now(), finalized_at = NULL
            WHERE id = $1 AND state <> 'running'
            RETURNING id
            """;

    private static final String REPLAY_MATCHING = """
            UPDATE webhook_inbox SET state = 'available', attempt = 0, scheduled_at = now(), finalized_at = NULL
            WHERE state = $1 AND ($2::text IS NULL OR topic = $2) AND ($3::text IS NULL OR shop_domain = $3)
            """;

    /** Rows of a shop that name a customer, by customer id, email, or (order topics) order id. */
    private static final String MENTIONING = """
            SELECT id, topic, payload FROM webhook_inbox
            WHERE shop_domain = $1 AND (
                ($2::bigint IS NOT NULL
                    AND jsonb_path_exists(payload, '$.**.customer.id ? (@ == $cid)', jsonb_build_object('cid', $2::bigint)))
                OR ($3::text IS NOT NULL
                    AND jsonb_path_exists(payload, '$.** ? (@ == $email)', jsonb_build_object('email', $3::text)))
                OR (topic LIKE 'orders/%'
                    AND jsonb_path_exists(payload, '$.id ? (@ == $orders[*])', jsonb_build_object('orders', $4::text::jsonb)))
                OR (topic LIKE 'fulfillments/%'
                    AND jsonb_path_exists(payload, '$.order_id ? (@ == $orders[*])', jsonb_build_object('orders', $4::text::jsonb))))
            ORDER BY id
            """;

    private final Pool pool;

    public InboxRepository(Pool pool) {
        this.pool = pool;
    }

    /** A verified delivery, ready to store. */
    public record NewDelivery(String webhookId, String shopDomain, String topic, String eventId, Instant triggeredAt,
            String apiVersion, String subscriptionName, String payload) {
    }

    /**
     * What the insert found: the shop's state (null: no such shop), and the new row's id (null:
     * nothing stored, because the shop is unknown or uninstalled, or the webhook id was already there).
     */
    public record InsertOutcome(String shopState, Long id, Long duplicateOf) {
    }

    /**
     * Stores a delivery in one statement, for a known shop only; a shop marked uninstalled gets
     * rows only when {@code acceptUninstalled}. An existing webhook id is left as it was.
     */
    public Uni<InsertOutcome> insert(NewDelivery d, int maxAttempts, boolean acceptUninstalled) {
        Tuple args = Tuple.tuple().addString(d.webhookId()).addString(d.shopDomain()).addString(d.topic())
                .addValue(d.eventId())
                .addValue(d.triggeredAt() == null ? null : OffsetDateTime.ofInstant(d.triggeredAt(), ZoneOffset.UTC))
                .addValue(d.apiVersion())
                .addValue(d.subscriptionName())
                .addString(d.payload())
                .addInteger(maxAttempts)
                .addBoolean(acceptUninstalled);
        return pool.preparedQuery(INSERT).execute(args).map(rows -> {
            Row row = rows.iterator().next();
            return new InsertOutcome(row.getString("shop_state"), row.getLong("id"), row.getLong("duplicate_of"));
        });
    }

    /**
     * Stores a delivery that comes from another service than a shop (Ship24): {@code source} takes
     * the place of the shop domain and no shop row is involved. Returns the new row's id, or empty
     * when the webhook id was already there.
     */
    public Uni<Optional<Long>> insertUnscoped(String webhookId, String source, String topic, String payload,
            int maxAttempts) {
        return pool.preparedQuery(INSERT_UNSCOPED).execute(Tuple.of(webhookId, source, topic, payload, maxAttempts))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("id")));
    }

    /** Claims up to {@code limit} due rows for {@code worker}; rows locked by another replica are skipped. */
    public Uni<List<InboxDelivery>> claim(int limit, String worker) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, worker)).map(rows -> map(rows, InboxRepository::delivery));
    }

    /** Marks a claimed row completed; false when it is no longer this claim's (rescued, replayed, deleted). */
    public Uni<Boolean> complete(long id, int attempt) {
        return pool.preparedQuery(COMPLETE).execute(Tuple.of(id, attempt)).map(rows -> rows.rowCount() == 1);
    }

    /** Marks a claimed row ignored, recording why. */
    public Uni<Boolean> ignore(long id, int attempt, String reason) {
        return pool.preparedQuery(IGNORE).execute(Tuple.of(id, attempt, truncate(reason))).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Records a failed attempt: the row becomes retryable after {@code delay}, or discarded when it
     * had no attempts left. Returns the new state, or empty when the claim was lost meanwhile.
     */
    public Uni<Optional<String>> fail(long id, int attempt, String error, Duration delay) {
        return pool.preparedQuery(FAIL).execute(Tuple.of(id, attempt, truncate(error), delay.toMillis()))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("state")));
    }

    /**
     * Discards a claimed row at once, whatever attempts it has left, recording why: for failures
     * that would repeat on every attempt. The row stays for inspection and replay.
     */
    public Uni<Boolean> discard(long id, int attempt, String reason) {
        return pool.preparedQuery(DISCARD).execute(Tuple.of(id, attempt, truncate(reason))).map(rows -> rows.rowCount() == 1);
    }

    /** A row the rescuer took back from an expired lease. */
    public record Rescued(long id, String webhookId, String topic, String state) {
    }

    /**
     * Returns to retryable (or discarded, when out of attempts) the rows running for longer than the
     * lease, and at once those of an instance whose heartbeat is older than {@code heartbeatTimeoutMillis}.
     */
    public Uni<List<Rescued>> rescue(Duration lease, long heartbeatTimeoutMillis) {
        return pool.preparedQuery(RESCUE).execute(Tuple.of(lease.toMillis(), lease.toString(), heartbeatTimeoutMillis))
                .map(rows -> map(rows, r -> new Rescued(r.getLong("id"), r.getString("webhook_id"),
                        r.getString("topic"), r.getString("state"))));
    }

    /**
     * Makes the rows {@code worker} holds retryable now, except {@code running} ones (their handler is
     * still live: they wait for the lease rather than run twice). Returns how many were released.
     */
    public Uni<Integer> release(String worker, java.util.Collection<Long> running) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(worker, running.toArray(Long[]::new))).map(RowSet::rowCount);
    }

    /** Deletes up to {@code batch} rows finalized longer than {@code retention} ago; returns how many. */
    public Uni<Integer> prune(Duration retention, int batch) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of(retention.toMillis(), batch)).map(RowSet::rowCount);
    }

    /** Newest first, ids below {@code before} when given. */
    public Uni<List<InboxDtos.Summary>> list(String state, String topic, String shop, Long before, int limit) {
        Tuple args = Tuple.tuple().addValue(state).addValue(topic).addValue(shop).addValue(before).addInteger(limit);
        return pool.preparedQuery(LIST).execute(args).map(rows -> map(rows, InboxRepository::summary));
    }

    public Uni<InboxDtos.Detail> find(long id) {
        return pool.preparedQuery(FIND).execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? null : detail(rows.iterator().next()));
    }

    /** Makes a row available again with a fresh attempt count; false when it is missing or running. */
    public Uni<Boolean> replay(long id) {
        return pool.preparedQuery(REPLAY).execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    /** Replays every row in {@code state} (not running) matching the optional topic and shop. */
    public Uni<Integer> replayMatching(String state, String topic, String shop) {
        return pool.preparedQuery(REPLAY_MATCHING).execute(Tuple.of(state, topic, shop)).map(RowSet::rowCount);
    }

    /** A stored payload, for compliance work. */
    public record StoredPayload(long id, String topic, JsonObject payload) {
    }

    /** Rows of the shop that mention the customer by id or email, or one of the orders by id. */
    public Uni<List<StoredPayload>> mentioning(String shopDomain, Long customerId, String email, List<Long> orderIds) {
        Tuple args = Tuple.tuple().addString(shopDomain).addValue(customerId).addValue(email)
                .addString(new JsonArray(new ArrayList<>(orderIds)).encode());
        return pool.preparedQuery(MENTIONING).execute(args)
                .map(rows -> map(rows, r -> new StoredPayload(r.getLong("id"), r.getString("topic"), r.getJsonObject("payload"))));
    }

    /** Replaces a payload with its redacted form. */
    public Uni<Void> redact(long id, JsonObject payload) {
        return pool.preparedQuery("UPDATE webhook_inbox SET payload = $2::text::jsonb, redacted_at = now() WHERE id = $1")
                .execute(Tuple.of(id, payload.encode())).replaceWithVoid();
    }

    /** Deletes every row of the shop except {@code keepId}; returns how many. */
    public Uni<Integer> deleteShopRows(String shopDomain, long keepId) {
        return pool.preparedQuery("DELETE FROM webhook_inbox WHERE shop_domain = $1 AND id <> $2")
                .execute(Tuple.of(shopDomain, keepId)).map(RowSet::rowCount);
    }

    private static InboxDelivery delivery(Row r) {
        return new InboxDelivery(r.getLong("id"), r.getString("webhook_id"), r.getString("topic"),
                r.getString("shop_domain"), r.getLong("shop_id"), r.getString("event_id"), SqlTimes.instant(r, "triggered_at"),
                r.getString("api_version"), CheckedJson.of(r.getJsonObject("payload")), r.getInteger("attempt"),
                r.getInteger("max_attempts"), r.getLong("duplicate_of"));
    }

    private static InboxDtos.Summary summary(Row r) {
        return new InboxDtos.Summary(r.getLong("id"), r.getString("webhook_id"), r.getString("topic"),
                r.getString("shop_domain"), r.getLong("shop_id"), r.getString("event_id"), r.getString("state"),
                r.getInteger("attempt"), r.getInteger("max_attempts"), r.getLong("duplicate_of"),
                SqlTimes.instant(r, "received_at"), SqlTimes.instant(r, "scheduled_at"), SqlTimes.instant(r, "attempted_at"),
                SqlTimes.instant(r, "finalized_at"), r.getString("last_error"));
    }

    private static InboxDtos.Detail detail(Row r) {
        List<InboxDtos.ErrorEntry> errors = StreamSupport.stream(r.getJsonArray("errors").spliterator(), false)
                .map(JsonObject.class::cast)
                .map(e -> new InboxDtos.ErrorEntry(Instant.parse(e.getString("at")), e.getInteger("attempt"),
                        e.getString("error")))
                .toList();
        return new InboxDtos.Detail(summary(r), SqlTimes.instant(r, "triggered_at"), r.getString("api_version"),
                r.getString("subscription_name"), r.getString("attempted_by"), SqlTimes.instant(r, "redacted_at"), errors,
                r.getString("payload"));
    }

    private static <T> List<T> map(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
        List<T> out = new ArrayList<>(rows.rowCount());
        for (Row row : rows) {
            out.add(mapper.apply(row));
        }
        return out;
    }

    private static String truncate(String error) {
        String text = error == null ? "unknown error" : error;
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
    }
}
