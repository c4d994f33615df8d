package dev.storesync.shipments;

import dev.storesync.kernel.Instance;
import dev.storesync.operations.orders.OrderEvents;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code shipments} table's state transitions, in one place. A shipment is {@code shipped} or
 * {@code cancelled}; a shipped one's sync is {@code pending} (due at {@code sync_pending_until}),
 * {@code synced}, {@code failed} (an operator must act) or {@code cancelled} (stopped because its
 * order was cancelled). While a worker syncs it, the shipment carries that worker's claim (a token
 * and a lease); every write of a sync outcome is guarded by {@link #HELD}, so a worker whose claim
 * was taken over, or whose shipment was cancelled meanwhile, writes nothing.
 */
@ApplicationScoped
public class ShipmentRepository {

    /** The guard of every sync outcome: still shipped, still pending, still this worker's claim. */
    static final String HELD = " status = 'shipped' AND sync_status = 'pending' AND sync_claim_token = $2";

    /** The transition back to pending, due now, with fresh counters (manual retries). */
    private static final String REQUEUE = "sync_status = 'pending', sync_pending_until = now(), sync_retry_count = 0,"
            + " sync_transient_count = 0, updated_at = now()";

    private static final String CLAIM = """
            WITH due AS (
                SELECT s.id FROM shipments s
                WHERE s.sync_status = 'pending' AND s.status = 'shipped' AND s.sync_pending_until <= now()
                  AND (s.sync_claimed_until IS NULL OR s.sync_claimed_until < now()
                       OR s.sync_claimed_by IN (%s))
                  AND EXISTS (SELECT 1 FROM orders o JOIN shops sh ON sh.id = o.shop_id
                              WHERE o.id = s.order_id AND sh.state = 'active')
                ORDER BY s.sync_pending_until, s.id
                LIMIT $1
                FOR UPDATE OF s SKIP LOCKED)
            UPDATE shipments s SET sync_claimed_until = now() + $2 * interval '1 millisecond',
                   sync_claim_token = gen_random_uuid(), sync_claimed_by = $3, sync_nudged_at = NULL, updated_at = now()
            FROM due WHERE s.id = due.id
            RETURNING s.id, s.order_id, s.sync_claim_token""".formatted(Instance.stale(4));

    private final Pool pool;

    public ShipmentRepository(Pool pool) {
        this.pool = pool;
    }

    /** A worker's claim on one shipment: the fencing token that guards what it writes. */
    public record Claim(long shipmentId, long orderId, UUID token) {
    }

    /** What a sync attempt needs to know about a claimed shipment. */
    public record SyncSubject(long id, String trackingNumber, String trackingCompany, String trackingUrl,
            boolean notifyCustomer, int waits, int transientFailures, Instant createdAt, boolean orderCancelled,
            String orderGid, String shop, List<SyncLine> lines, Set<String> fulfillmentsOfOtherShipments) {
    }

    /** A line of a shipment as the sync sends it. */
    public record SyncLine(String lineItemGid, String title, int quantity) {
    }

    /** A sync outcome's record in the shipment's history and last-error fields. */
    public record Outcome(String outcome, String code, String en, String ja) {
    }

    /**
     * Claims up to {@code limit} due shipments of active shops for {@code lease}, under {@code instance}:
     * unclaimed ones, expired claims, and at once the claims of an instance whose heartbeat is older
     * than {@code heartbeatTimeoutMillis} (dead; its fencing token is replaced, so it can write nothing).
     */
    public Uni<List<Claim>> claimDue(int limit, Duration lease, String instance, long heartbeatTimeoutMillis) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, lease.toMillis(), instance, heartbeatTimeoutMillis))
                .map(rows -> {
            List<Claim> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Claim(r.getLong("id"), r.getLong("order_id"), r.getUUID("sync_claim_token"))));
            return out;
        });
    }

    /**
     * Drops claims whose sync never started (a replica shutting down), so the shipments are claimable
     * at once instead of after the lease; returns how many were still held.
     */
    public Uni<Integer> release(List<Claim> claims) {
        if (claims.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("""
                UPDATE shipments SET sync_claimed_until = NULL, sync_claim_token = NULL, sync_claimed_by = NULL,
                       updated_at = now()
                WHERE sync_claim_token = ANY($1::uuid[])""")
                .execute(Tuple.of(claims.stream().map(Claim::token).toArray(UUID[]::new)))
                .map(rows -> rows.rowCount());
    }

    /** The claimed shipment, or null when it is no longer shipped and pending. */
    public Uni<SyncSubject> subject(Claim claim) {
        long id = claim.shipmentId();
        return pool.preparedQuery("""
                SELECT s.id, s.tracking_number, s.tracking_company, s.tracking_url, s.notify_customer, s.sync_retry_count,
                       s.sync_transient_count, s.created_at, s.status, s.sync_status, o.id AS order_id,
                       o.gid AS order_gid, o.cancelled_at, sh.domain
                FROM shipments s JOIN orders o ON o.id = s.order_id JOIN shops sh ON sh.id = o.shop_id
                WHERE s.id = $1""").execute(Tuple.of(id)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Row s = rows.iterator().next();
                    if (!"shipped".equals(s.getString("status")) || !"pending".equals(s.getString("sync_status"))) {
                        return Uni.createFrom().nullItem();
                    }
                    Uni<List<SyncLine>> lines = pool.preparedQuery("""
                            SELECT li.gid, li.title, sl.quantity FROM shipment_line_items sl
                            JOIN order_line_items li ON li.id = sl.line_item_id WHERE sl.shipment_id = $1 ORDER BY li.id""")
                            .execute(Tuple.of(id)).map(rs -> {
                                List<SyncLine> out = new ArrayList<>();
                                rs.forEach(r -> out.add(new SyncLine(r.getString("gid"), r.getString("title"),
                                        r.getInteger("quantity"))));
                                return out;
                            });
                    Uni<Set<String>> others = pool.preparedQuery("""
                            SELECT DISTINCT unnest(shopify_fulfillment_ids) AS f FROM shipments
                            WHERE order_id = $1 AND id <> $2""").execute(Tuple.of(s.getLong("order_id"), id)).map(rs -> {
                                Set<String> out = new HashSet<>();
                                rs.forEach(r -> out.add(r.getString("f")));
                                return out;
                            });
                    return Uni.combine().all().unis(lines, others).asTuple().map(t -> new SyncSubject(id,
                            s.getString("tracking_number"), s.getString("tracking_company"), s.getString("tracking_url"),
                            s.getBoolean("notify_customer"), s.getInteger("sync_retry_count"),
                            s.getInteger("sync_transient_count"), s.getOffsetDateTime("created_at").toInstant(),
                            s.getValue("cancelled_at") != null, s.getString("order_gid"), s.getString("domain"),
                            t.getItem1(), t.getItem2()));
                });
    }

    /**
     * Renews the claim right before a fulfillmentCreate and tells whether the worker still holds it
     * and the order is still open: a worker that lost its claim, or whose order was cancelled in
     * Shopify meanwhile, must not create.
     */
    public Uni<Boolean> renewClaim(Claim claim, Duration lease) {
        return pool.preparedQuery("UPDATE shipments s SET sync_claimed_until = now() + $3 * interval '1 millisecond' "
                + "WHERE id = $1 AND " + HELD
                + " AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = s.order_id AND o.cancelled_at IS NOT NULL)")
                .execute(Tuple.of(claim.shipmentId(), claim.token(), lease.toMillis()))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Schedules the next attempt after {@code delay} (at once if Shopify or an operator nudged the
     * shipment during this attempt) with the given counters; returns when it is due, or null when
     * the claim was lost.
     */
    public Uni<OffsetDateTime> retryLater(Claim claim, int waits, int transientFailures, Duration delay, Outcome outcome) {
        return pool.withTransaction(c -> c.preparedQuery("""
                UPDATE shipments SET sync_retry_count = $3, sync_transient_count = $4, last_retry_at = now(),
                       sync_pending_until = CASE WHEN sync_nudged_at IS NULL
                                                 THEN now() + $5 * interval '1 millisecond' ELSE now() END,
                       sync_nudged_at = NULL, sync_claimed_until = NULL, last_error_code = $6,
                       last_error_message = $7, last_error_message_ja = $8, updated_at = now()
                WHERE id = $1 AND """ + HELD + " RETURNING sync_pending_until")
                .execute(Tuple.tuple().addLong(claim.shipmentId()).addUUID(claim.token()).addInteger(waits)
                        .addInteger(transientFailures).addLong(delay.toMillis()).addString(outcome.code())
                        .addString(outcome.en()).addString(outcome.ja()))
                .chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    OffsetDateTime next = rows.iterator().next().getOffsetDateTime("sync_pending_until");
                    return recordAttempt(c, claim.shipmentId(), outcome, next).replaceWith(next);
                }));
    }

    /**
     * Records a fulfillment this claim's worker has just created, before anything else can happen:
     * a cancel then sees it and cancels it in Shopify. Guarded on the claim token only (not the
     * sync status), so an order cancelled meanwhile still keeps it on record; false when the claim
     * is gone (the shipment was cancelled, or another worker took it over).
     */
    public Uni<Boolean> recordCreated(Claim claim, String fulfillmentId) {
        return pool.preparedQuery("""
                UPDATE shipments SET shopify_fulfillment_ids = CASE WHEN $3 = ANY(shopify_fulfillment_ids)
                           THEN shopify_fulfillment_ids ELSE array_append(shopify_fulfillment_ids, $3) END,
                       updated_at = now()
                WHERE id = $1 AND sync_claim_token = $2""")
                .execute(Tuple.of(claim.shipmentId(), claim.token(), fulfillmentId)).map(rows -> rows.rowCount() == 1);
    }

    /** A create of this claim got no clear answer: until the shipment syncs, a cancel must look in Shopify. */
    public Uni<Void> markCreateUnconfirmed(Claim claim) {
        return pool.preparedQuery("UPDATE shipments SET sync_create_unconfirmed = TRUE WHERE id = $1 AND sync_claim_token = $2")
                .execute(Tuple.of(claim.shipmentId(), claim.token())).replaceWithVoid();
    }

    /** Marks the claimed shipment synced with its fulfillments; false when the claim was lost or it was cancelled. */
    public Uni<Boolean> markSynced(Claim claim, List<String> fulfillmentIds, Set<String> fulfillmentOrderIds,
            Outcome outcome) {
        return pool.withTransaction(c -> lockOrderForOutcome(c, claim.orderId()).chain(() -> c.preparedQuery("""
                UPDATE shipments SET sync_status = 'synced', synced_at = now(), sync_retry_count = 0,
                       sync_transient_count = 0, sync_create_unconfirmed = FALSE, sync_pending_until = NULL, sync_claimed_until = NULL,
                       shopify_fulfillment_ids = $3, shopify_fulfillment_order_ids = $4, last_error_code = NULL,
                       last_error_message = NULL, last_error_message_ja = NULL, updated_at = now()
                WHERE id = $1 AND """ + HELD)
                .execute(Tuple.of(claim.shipmentId(), claim.token(), fulfillmentIds.toArray(String[]::new),
                        fulfillmentOrderIds.toArray(String[]::new)))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : recordAttempt(c, claim.shipmentId(), outcome, null)
                                .chain(() -> OrderEvents.record(c, claim.orderId(), OrderEvents.SHIPMENT_SYNCED,
                                        new JsonObject().put("shipmentId", claim.shipmentId())
                                                .put("fulfillmentIds", new JsonArray(List.copyOf(fulfillmentIds)))))
                                .replaceWith(true))));
    }

    /** Ends the claimed shipment's sync as {@code failed} (an operator must act) or {@code cancelled} (order cancelled). */
    public Uni<Boolean> finish(Claim claim, String syncStatus, Outcome outcome) {
        return pool.withTransaction(c -> lockOrderForOutcome(c, claim.orderId()).chain(() -> c.preparedQuery("""
                UPDATE shipments SET sync_status = $3, sync_pending_until = NULL, sync_claimed_until = NULL,
                       last_retry_at = now(), last_error_code = $4, last_error_message = $5,
                       last_error_message_ja = $6, updated_at = now()
                WHERE id = $1 AND """ + HELD)
                .execute(Tuple.of(claim.shipmentId(), claim.token(), syncStatus, outcome.code(), outcome.en(), outcome.ja()))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : recordAttempt(c, claim.shipmentId(), outcome, null)
                                .chain(() -> OrderEvents.record(c, claim.orderId(), "failed".equals(syncStatus)
                                        ? OrderEvents.SHIPMENT_SYNC_FAILED : OrderEvents.SHIPMENT_SYNC_CANCELLED,
                                        new JsonObject().put("shipmentId", claim.shipmentId()).put("code", outcome.code())
                                                .put("message", outcome.en())))
                                .replaceWith(true))));
    }

    /** Whether the shipment has been cancelled (by a vendor or operator). */
    public Uni<Boolean> isCancelled(long id) {
        return pool.preparedQuery("SELECT status FROM shipments WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1 && "cancelled".equals(rows.iterator().next().getString("status")));
    }

    /**
     * Records fulfillments that a worker created for a shipment cancelled meanwhile, after trying to
     * cancel them in Shopify: {@code stillLive} ones are added to the shipment's fulfillment ids and
     * flagged for an operator (cancelling the shipment again retries them).
     */
    public Uni<Void> recordCreatedAfterCancel(long id, List<String> stillLive, Outcome outcome) {
        return pool.withTransaction(c -> {
            Uni<Void> flag = stillLive.isEmpty() ? Uni.createFrom().voidItem()
                    : c.preparedQuery("""
                            UPDATE shipments SET shopify_fulfillment_ids = ARRAY(
                                       SELECT DISTINCT unnest(shopify_fulfillment_ids || $2::text[])),
                                   last_error_code = $3, last_error_message = $4, last_error_message_ja = $5,
                                   updated_at = now()
                            WHERE id = $1 AND status = 'cancelled'""")
                            .execute(Tuple.of(id, stillLive.toArray(String[]::new), outcome.code(), outcome.en(),
                                    outcome.ja())).replaceWithVoid();
            return flag.chain(() -> recordAttempt(c, id, outcome, null));
        });
    }

    /**
     * The shipment's state as a cancellation needs it, or empty when there is no such shipment.
     * {@code createUnconfirmed}: a create got no clear answer, so a fulfillment may exist in Shopify
     * without being recorded here.
     */
    public record CancelSubject(String status, String syncStatus, List<String> fulfillmentIds, String lastErrorCode,
            boolean createUnconfirmed, String orderGid, String trackingNumber, Set<String> fulfillmentsOfOtherShipments) {
    }

    public Uni<Optional<CancelSubject>> cancelSubject(long id) {
        return pool.preparedQuery("""
                SELECT s.status, s.sync_status, s.shopify_fulfillment_ids, s.last_error_code,
                       s.sync_create_unconfirmed, s.tracking_number, o.gid AS order_gid,
                       ARRAY(SELECT DISTINCT unnest(x.shopify_fulfillment_ids) FROM shipments x
                             WHERE x.order_id = s.order_id AND x.id <> s.id) AS others
                FROM shipments s JOIN orders o ON o.id = s.order_id WHERE s.id = $1""")
                .execute(Tuple.of(id)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new CancelSubject(r.getString("status"), r.getString("sync_status"),
                            Arrays.asList(r.getArrayOfStrings("shopify_fulfillment_ids")), r.getString("last_error_code"),
                            r.getBoolean("sync_create_unconfirmed"), r.getString("order_gid"), r.getString("tracking_number"),
                            Set.of(r.getArrayOfStrings("others"))));
                });
    }

    /**
     * Cancels a shipped shipment whose fulfillments are still exactly {@code fulfillmentIds} (the
     * ones just cancelled in Shopify): false when a sync recorded others meanwhile, or it was
     * cancelled already. The claim is dropped, so an in-flight worker writes nothing afterwards.
     */
    public Uni<Boolean> cancel(long id, List<String> fulfillmentIds) {
        return pool.withTransaction(c -> c.preparedQuery(
                "SELECT o.id FROM orders o JOIN shipments s ON s.order_id = o.id WHERE s.id = $1 FOR NO KEY UPDATE OF o")
                .execute(Tuple.of(id)).chain(() -> c.preparedQuery("""
                UPDATE shipments SET status = 'cancelled', cancelled_at = now(), sync_pending_until = NULL,
                       sync_status = 'cancelled', sync_claim_token = NULL, sync_claimed_until = NULL, updated_at = now()
                WHERE id = $1 AND status = 'shipped' AND shopify_fulfillment_ids = $2 RETURNING id, order_id""")
                .execute(Tuple.of(id, fulfillmentIds.toArray(String[]::new))))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : recordAttempt(c, id, new Outcome("cancelled", null, "Shipment cancelled (back to unshipped).",
                                "未発送に戻しました。"), null)
                                .chain(() -> OrderEvents.record(c, rows.iterator().next().getLong("order_id"),
                                        OrderEvents.SHIPMENT_CANCELLED, new JsonObject().put("shipmentId", id)
                                                .put("fulfillmentIds", new JsonArray(List.copyOf(fulfillmentIds)))))
                                .replaceWith(true)));
    }

    /** Clears the "fulfillment still live" flag of a cancelled shipment once Shopify cancelled them all. */
    public Uni<Void> clearLiveAfterCancel(long id) {
        return pool.withTransaction(c -> c.preparedQuery("""
                UPDATE shipments SET last_error_code = NULL, last_error_message = NULL, last_error_message_ja = NULL,
                       updated_at = now()
                WHERE id = $1 AND status = 'cancelled' AND last_error_code = $2 RETURNING id""")
                .execute(Tuple.of(id, LIVE_AFTER_CANCEL))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem()
                        : recordAttempt(c, id, new Outcome("cancelled", null,
                                "The remaining Shopify fulfillments were cancelled.",
                                "残っていたShopifyのフルフィルメントをキャンセルしました。"), null)));
    }

    /** The error code of a cancelled shipment that still has a live fulfillment in Shopify. */
    public static final String LIVE_AFTER_CANCEL = "fulfillment_live_after_cancel";

    /** Makes a failed or pending shipment due now with fresh counters; false when it is neither. */
    public Uni<Boolean> requeue(long id) {
        return pool.preparedQuery("UPDATE shipments SET " + REQUEUE + ", sync_nudged_at = now()"
                + " WHERE id = $1 AND status = 'shipped' AND sync_status IN ('failed', 'pending') RETURNING id")
                .execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    /** Makes every failed shipment of a vendor and/or an order due now; returns how many. */
    public Uni<Integer> requeueFailed(Long vendorId, Long orderId) {
        return pool.preparedQuery("UPDATE shipments SET " + REQUEUE + " " + """
                 WHERE status = 'shipped' AND sync_status = 'failed'
                  AND ($1::bigint IS NULL OR vendor_id = $1) AND ($2::bigint IS NULL OR order_id = $2)""")
                .execute(Tuple.of(vendorId, orderId)).map(rows -> rows.rowCount());
    }

    /** Shopify signalled that an order's FO became fulfillable: its pending shipments are due now. */
    public Uni<Integer> nudgeOrder(long shopId, String orderGid) {
        return pool.preparedQuery("""
                UPDATE shipments s SET sync_pending_until = now(), sync_nudged_at = now(), updated_at = now()
                FROM orders o
                WHERE o.id = s.order_id AND o.shop_id = $1 AND o.gid = $2
                  AND s.status = 'shipped' AND s.sync_status = 'pending'""")
                .execute(Tuple.of(shopId, orderGid)).map(rows -> rows.rowCount());
    }

    /**
     * The order was cancelled in Shopify: stops the sync of its pending shipments that no worker
     * holds, and makes the held ones due at once, so their worker finds the order cancelled (or
     * records the fulfillment it already created) instead of leaving it untracked.
     */
    public static Uni<Integer> stopForCancelledOrder(SqlClient c, long orderId) {
        return c.preparedQuery("""
                WITH held AS (
                    UPDATE shipments SET sync_nudged_at = now(), updated_at = now()
                    WHERE order_id = $1 AND status = 'shipped' AND sync_status = 'pending'
                      AND sync_claimed_until >= now()),
                stopped AS (
                    UPDATE shipments SET sync_status = 'cancelled', sync_pending_until = NULL,
                           last_error_code = 'order_cancelled', last_error_message = 'The order was cancelled in Shopify.',
                           last_error_message_ja = 'Shopifyで注文がキャンセルされました。', updated_at = now()
                    WHERE order_id = $1 AND status = 'shipped' AND sync_status = 'pending'
                      AND (sync_claimed_until IS NULL OR sync_claimed_until < now()) RETURNING id, order_id),
                events AS (
                    INSERT INTO order_events (order_id, event, details)
                    SELECT order_id, 'shipment_sync_cancelled',
                           jsonb_build_object('shipmentId', id, 'code', 'order_cancelled',
                                              'message', 'The order was cancelled in Shopify; sync stopped.')
                    FROM stopped)
                INSERT INTO shipment_sync_attempts (shipment_id, outcome, error_code, message, message_ja)
                SELECT id, 'cancelled', 'order_cancelled', 'The order was cancelled in Shopify; sync stopped.',
                       'Shopifyで注文がキャンセルされたため同期を停止しました。' FROM stopped""")
                .execute(Tuple.of(orderId)).map(rows -> rows.rowCount());
    }

    // --- registration (inside the registering transaction, which holds the order's row lock) ------

    /** A shipment registered earlier under an Idempotency-Key, with the fingerprint of that request. */
    public record Keyed(long id, String fingerprint, boolean cancelled, List<Long> lineItemIds) {
    }

    /** The shipment {@code principal} registered under {@code idempotencyKey}, or null. */
    public Uni<Keyed> byIdempotencyKey(SqlClient c, String principal, String idempotencyKey) {
        return c.preparedQuery("""
                SELECT s.id, s.request_fingerprint, s.status, array_remove(array_agg(sl.line_item_id), NULL) AS lines
                FROM shipments s LEFT JOIN shipment_line_items sl ON sl.shipment_id = s.id
                WHERE s.created_by = $1 AND s.idempotency_key = $2 GROUP BY s.id""")
                .execute(Tuple.of(principal, idempotencyKey)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new Keyed(r.getLong("id"), r.getString("request_fingerprint"),
                            "cancelled".equals(r.getString("status")), List.of(r.getArrayOfLongs("lines")));
                });
    }

    /** Locks the order for a registration; empty when there is no such order, else whether it is cancelled. */
    public Uni<Optional<Boolean>> lockOrder(SqlClient c, long orderId) {
        return c.preparedQuery("SELECT cancelled_at FROM orders WHERE id = $1 FOR UPDATE").execute(Tuple.of(orderId))
                .map(rows -> rows.rowCount() == 0 ? Optional.<Boolean>empty()
                        : Optional.of(rows.iterator().next().getValue("cancelled_at") != null));
    }

    /** An order line as a registration checks it: who owns it and how much of it active shipments hold. */
    public record LineState(long id, String title, int quantity, Long vendorId, boolean requiresShipping, int shipped) {
    }

    public Uni<List<LineState>> lineStates(SqlClient c, long orderId) {
        return c.preparedQuery("""
                SELECT li.id, li.title, li.quantity, li.vendor_id, li.requires_shipping,
                       COALESCE((SELECT sum(sl.quantity) FROM shipment_line_items sl
                                 JOIN shipments s ON s.id = sl.shipment_id
                                 WHERE sl.line_item_id = li.id AND s.status = 'shipped'), 0)::int AS shipped
                FROM order_line_items li WHERE li.order_id = $1""").execute(Tuple.of(orderId)).map(rows -> {
                    List<LineState> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new LineState(r.getLong("id"), r.getString("title"), r.getInteger("quantity"),
                            r.getLong("vendor_id"), r.getBoolean("requires_shipping"), r.getInteger("shipped"))));
                    return out;
                });
    }

    /** A shipment to register: shipped, its sync due at once. */
    public record NewShipment(long orderId, Long vendorId, String trackingNumber, String carrier, String trackingCompany,
            String trackingUrl, boolean notifyCustomer, String createdBy, String idempotencyKey, String fingerprint,
            List<ShipmentDtos.LineRequest> lines) {
    }

    /** Inserts the shipment and its lines; returns its id. */
    public Uni<Long> insert(SqlClient c, NewShipment s) {
        return c.preparedQuery("""
                INSERT INTO shipments (order_id, vendor_id, tracking_number, carrier, tracking_company, tracking_url,
                                       notify_customer, created_by, idempotency_key, request_fingerprint, sync_pending_until)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now()) RETURNING id""")
                .execute(Tuple.tuple().addLong(s.orderId()).addLong(s.vendorId()).addString(s.trackingNumber())
                        .addString(s.carrier()).addString(s.trackingCompany()).addString(s.trackingUrl())
                        .addBoolean(s.notifyCustomer()).addString(s.createdBy()).addString(s.idempotencyKey())
                        .addString(s.fingerprint()))
                .chain(inserted -> {
                    long id = inserted.iterator().next().getLong("id");
                    List<Tuple> batch = new ArrayList<>();
                    s.lines().forEach(l -> batch.add(Tuple.of(id, l.lineItemId(), l.quantity())));
                    return c.preparedQuery("INSERT INTO shipment_line_items (shipment_id, line_item_id, quantity) VALUES ($1, $2, $3)")
                            .executeBatch(batch).replaceWith(id);
                });
    }

    // --- CSV imports ----------------------------------------------------------------------------------

    /** Marks a shipment as registered by an import (one replayed from an earlier import keeps that one). */
    public Uni<Void> tagImport(long shipmentId, long importId) {
        return pool.preparedQuery("UPDATE shipments SET import_id = $2 WHERE id = $1 AND import_id IS NULL")
                .execute(Tuple.of(shipmentId, importId)).replaceWithVoid();
    }

    /** Makes every failed shipment of an import due now; null when there is no such import. */
    public Uni<Integer> requeueFailedOfImport(long importId) {
        return pool.preparedQuery("WITH requeued AS (UPDATE shipments SET " + REQUEUE + " " + """
                 WHERE import_id = $1 AND status = 'shipped' AND sync_status = 'failed'
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM shipment_imports WHERE id = $1) AS found,
                       (SELECT count(*) FROM requeued)::int AS requeued""")
                .execute(Tuple.of(importId)).map(rows -> {
                    Row row = rows.iterator().next();
                    return row.getBoolean("found") ? row.getInteger("requeued") : null;
                });
    }

    // --- carrier tracking ---------------------------------------------------------------------------

    /**
     * Records a carrier's status (Ship24 statusMilestone and statusCode) and the time of the event it
     * comes from on every shipped shipment with this tracking number, compared without case, spaces
     * or dashes; an event older than the one on record changes nothing. Runs in the caller's
     * transaction; returns how many shipments changed. The order's facts read these columns
     * (V22: the delayed tab and alerts follow the carrier's scans).
     */
    public Uni<Integer> recordCarrierStatus(SqlClient c, String trackingNumber, String status, String statusCode,
            Instant eventAt) {
        // The update refreshes the orders' facts (trigger): lock those orders first, in id order, as
        // every other write path does (order, then its shipments), so the two never deadlock.
        return c.preparedQuery("""
                SELECT o.id FROM orders o
                WHERE o.id IN (SELECT s.order_id FROM shipments s
                               WHERE upper(regexp_replace(s.tracking_number, '[^[:alnum:]]', '', 'g'))
                                     = upper(regexp_replace($1, '[^[:alnum:]]', '', 'g')) AND s.status = 'shipped')
                ORDER BY o.id FOR NO KEY UPDATE""").execute(Tuple.of(trackingNumber))
                .chain(() -> c.preparedQuery("""
                UPDATE shipments SET carrier_status = $2, carrier_status_code = $3, carrier_last_event_at = $4
                WHERE upper(regexp_replace(tracking_number, '[^[:alnum:]]', '', 'g'))
                      = upper(regexp_replace($1, '[^[:alnum:]]', '', 'g'))
                  AND status = 'shipped'
                  AND CASE WHEN $4::timestamptz IS NULL THEN carrier_last_event_at IS NULL
                           ELSE carrier_last_event_at IS NULL OR carrier_last_event_at <= $4::timestamptz END
                  AND (carrier_status, carrier_status_code, carrier_last_event_at) IS DISTINCT FROM ($2, $3, $4::timestamptz)""")
                .execute(Tuple.tuple().addString(trackingNumber).addValue(status).addValue(statusCode)
                        .addValue(eventAt == null ? null : OffsetDateTime.ofInstant(eventAt, ZoneOffset.UTC))))
                .map(rows -> rows.rowCount());
    }

    // A sync outcome changes the order's maintained facts (trigger order_ops_refresh), so it locks the
    // order first: the same order as an order import (order, then its shipments), never the reverse.
    private static Uni<Void> lockOrderForOutcome(SqlClient c, long orderId) {
        return c.preparedQuery("SELECT id FROM orders WHERE id = $1 FOR NO KEY UPDATE").execute(Tuple.of(orderId))
                .replaceWithVoid();
    }

    /** Appends one entry to a shipment's sync history. */
    static Uni<Void> recordAttempt(SqlClient c, long id, Outcome outcome, OffsetDateTime next) {
        return c.preparedQuery("""
                INSERT INTO shipment_sync_attempts (shipment_id, outcome, error_code, message, message_ja, next_attempt_at)
                VALUES ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.tuple().addLong(id).addString(outcome.outcome()).addString(outcome.code())
                        .addString(outcome.en()).addString(outcome.ja()).addValue(next))
                .replaceWithVoid();
    }
}
