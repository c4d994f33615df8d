package dev.storesync.shipments.sync;

import dev.storesync.shipments.FulfillmentConfig;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Syncs one claimed shipment: re-reads the order's fulfillment orders, then adopts, creates,
 * waits or fails (see {@link FulfillmentPlan}), and records the attempt. fulfillmentCreate is never
 * resent blindly: after an unclear answer the next attempt re-reads Shopify and adopts a
 * fulfillment that already carries the tracking number.
 */
@ApplicationScoped
public class FulfillmentSync {

    private final Pool pool;
    private final ShopifyAdminClient shopify;
    private final FulfillmentConfig config;
    private final RetrySchedule waitSchedule;
    private final RetrySchedule transientSchedule;

    public FulfillmentSync(Pool pool, ShopifyAdminClient shopify, FulfillmentConfig config) {
        this.pool = pool;
        this.shopify = shopify;
        this.config = config;
        this.waitSchedule = new RetrySchedule(config.retryBase(), config.retryCap());
        this.transientSchedule = new RetrySchedule(config.transientRetryBase(), config.retryCap());
    }

    /** A claimed shipment and the fencing token of that claim. */
    public record Claim(long shipmentId, UUID token) {
    }

    private record Context(UUID token, long id, String tracking, String company, String url, boolean notifyCustomer, int retries,
            Instant createdAt, boolean cancelledOrder, String orderGid, String shop, List<FulfillmentPlan.ShipmentLine> lines,
            Set<String> claimedElsewhere) {
    }

    public Uni<Void> sync(Claim claim) {
        return load(claim).chain(ctx -> {
            if (ctx == null) {
                return Uni.createFrom().voidItem();
            }
            if (ctx.cancelledOrder()) {
                return stop(ctx, "order_cancelled", "The order was cancelled in Shopify.", "Shopifyで注文がキャンセルされました。");
            }
            return shopify.query(ctx.shop(), "OrderFulfillmentOrders", Map.of("id", ctx.orderGid()))
                    .chain(result -> result instanceof ShopifyResult.Success s
                            ? plan(ctx, s.data().getJsonObject("order"))
                            : unsuccessful(ctx, result));
        });
    }

    private Uni<Void> plan(Context ctx, JsonObject order) {
        if (order == null) {
            return fail(ctx, "order_not_found", "Shopify has no such order any more (deleted?).",
                    "Shopifyにこの注文が存在しません（削除された可能性があります）。");
        }
        JsonArray fos = order.getJsonObject("fulfillmentOrders", new JsonObject()).getJsonArray("nodes", new JsonArray());
        FulfillmentPlan plan = FulfillmentPlan.of(fos, ctx.lines(), ctx.tracking(), ctx.claimedElsewhere());
        if (plan instanceof FulfillmentPlan.Adopt a) {
            return synced(ctx, a.fulfillmentIds(), a.fulfillmentOrderIds(), "adopted");
        }
        if (plan instanceof FulfillmentPlan.Waiting w) {
            return waitForShopify(ctx, w.code(), w.en(), w.ja());
        }
        if (plan instanceof FulfillmentPlan.Impossible i) {
            return fail(ctx, i.code(), i.en(), i.ja());
        }
        FulfillmentPlan.Ready ready = (FulfillmentPlan.Ready) plan;
        return create(ctx, ready.creates(), 0, new ArrayList<>(ready.adoptedFulfillmentIds()),
                new ArrayList<>(ready.adoptedFulfillmentOrderIds()));
    }

    private Uni<Void> create(Context ctx, List<FulfillmentPlan.Create> creates, int index, List<String> fulfillments,
            List<String> fos) {
        if (index == creates.size()) {
            return synced(ctx, fulfillments, fos, "synced");
        }
        FulfillmentPlan.Create create = creates.get(index);
        JsonArray byFo = new JsonArray();
        create.linesByFulfillmentOrder().forEach((foId, lines) -> {
            JsonArray foLines = new JsonArray();
            lines.forEach(l -> foLines.add(new JsonObject().put("id", l.foLineItemId()).put("quantity", l.quantity())));
            byFo.add(new JsonObject().put("fulfillmentOrderId", foId).put("fulfillmentOrderLineItems", foLines));
        });
        JsonObject tracking = new JsonObject().put("number", ctx.tracking());
        if (ctx.company() != null) {
            tracking.put("company", ctx.company());
        }
        if (ctx.url() != null) {
            tracking.put("url", ctx.url());
        }
        JsonObject input = new JsonObject().put("notifyCustomer", ctx.notifyCustomer()).put("trackingInfo", tracking)
                .put("lineItemsByFulfillmentOrder", byFo);
        return fence(ctx).chain(owned -> !owned ? Uni.createFrom().voidItem()
                : shopify.mutateOnce(ctx.shop(), "FulfillmentCreate", Map.of("fulfillment", input.getMap()))
                .chain(result -> {
                    if (result instanceof ShopifyResult.Success s) {
                        fulfillments.add(s.data().getJsonObject("fulfillmentCreate").getJsonObject("fulfillment").getString("id"));
                        fos.addAll(create.linesByFulfillmentOrder().keySet());
                        return create(ctx, creates, index + 1, fulfillments, fos);
                    }
                    return unsuccessful(ctx, result);
                }));
    }

    /**
     * Renews this worker's claim right before a fulfillmentCreate and tells whether it still holds
     * it. The create is bounded by the client's timeout, well under the lease, so no other worker
     * can read the FOs and create too while this one's create is in flight.
     */
    private Uni<Boolean> fence(Context ctx) {
        return pool.preparedQuery("""
                UPDATE shipments SET sync_claimed_until = now() + $3 * interval '1 millisecond'
                WHERE id = $1 AND sync_claim_token = $2 AND status = 'shipped' AND sync_status = 'pending'""")
                .execute(Tuple.of(ctx.id(), ctx.token(), config.lease().toMillis()))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        Log.infof("Shipment %d: claim lost or shipment changed before creating; leaving it", ctx.id());
                    }
                    return rows.rowCount() == 1;
                });
    }

    private Uni<Void> unsuccessful(Context ctx, ShopifyResult result) {
        if (result instanceof ShopifyResult.ShopUnavailable) {
            // The shop was paused (or uninstalled): the worker skips it until it is active again.
            return retry(ctx, waitSchedule, "shop_unavailable", "waiting", result.message().en(), result.message().ja());
        }
        if (result.retryable()) {
            return retry(ctx, transientSchedule, "transient", "retrying", result.message().en(), result.message().ja());
        }
        String code = result instanceof ShopifyResult.Unauthorized ? "shopify_unauthorized"
                : result instanceof ShopifyResult.Forbidden ? "shopify_missing_scope"
                : result instanceof ShopifyResult.NotFound ? "shopify_not_found"
                : result instanceof ShopifyResult.UserErrors ? "shopify_user_error"
                : "shopify_rejected";
        return fail(ctx, code, result.message().en(), result.message().ja());
    }

    private Uni<Void> waitForShopify(Context ctx, String code, String en, String ja) {
        int attempt = ctx.retries() + 1;
        boolean tooOld = ctx.createdAt().plus(config.maxAge()).isBefore(Instant.now());
        if (attempt >= config.maxAttempts() || tooOld) {
            return fail(ctx, code + "_gave_up", en + " Gave up after " + attempt + " attempts; check the order's FO "
                    + "diagnostics in Shopify, then retry the shipment.",
                    ja + " " + attempt + " 回試行したため中止しました。Shopifyでフルフィルメントオーダーを確認し、再試行してください。");
        }
        return retry(ctx, waitSchedule, code, "waiting", en, ja);
    }

    private Uni<Void> retry(Context ctx, RetrySchedule schedule, String code, String outcome, String en, String ja) {
        int attempt = ctx.retries() + 1;
        Duration delay = schedule.delayAfter(attempt);
        return pool.withTransaction(c -> c.preparedQuery("""
                UPDATE shipments SET sync_retry_count = $2, last_retry_at = now(),
                       sync_pending_until = CASE WHEN sync_nudged_at IS NULL
                                                 THEN now() + $3 * interval '1 millisecond' ELSE now() END,
                       sync_nudged_at = NULL, sync_claimed_until = NULL,
                       last_error_code = $4,
                       last_error_message = $5, last_error_message_ja = $6, updated_at = now()
                WHERE id = $1 AND sync_status = 'pending' AND sync_claim_token = $7 RETURNING sync_pending_until""")
                .execute(Tuple.tuple().addLong(ctx.id()).addInteger(attempt).addLong(delay.toMillis()).addString(code)
                        .addString(en).addString(ja).addUUID(ctx.token()))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem()
                        : attempt(c, ctx.id(), outcome, code, en, ja, rows.iterator().next().getOffsetDateTime("sync_pending_until"))))
                .invoke(() -> Log.infof("Shipment %d: %s; attempt %d, next in %s", ctx.id(), code, attempt, delay));
    }

    private Uni<Void> synced(Context ctx, List<String> fulfillments, List<String> fos, String outcome) {
        String[] fulfillmentIds = fulfillments.toArray(String[]::new);
        String[] foIds = new HashSet<>(fos).toArray(String[]::new);
        return pool.withTransaction(c -> c.preparedQuery("""
                UPDATE shipments SET sync_status = 'synced', synced_at = now(), sync_retry_count = 0,
                       sync_pending_until = NULL, sync_claimed_until = NULL, shopify_fulfillment_ids = $2,
                       shopify_fulfillment_order_ids = $3, last_error_code = NULL, last_error_message = NULL,
                       last_error_message_ja = NULL, updated_at = now()
                WHERE id = $1 AND status = 'shipped' AND sync_status = 'pending' AND sync_claim_token = $4""")
                .execute(Tuple.of(ctx.id(), fulfillmentIds, foIds, ctx.token()))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : attempt(c, ctx.id(), outcome, null, "Fulfillment " + String.join(", ", fulfillments)
                                + " in Shopify.", "Shopifyのフルフィルメント " + String.join(", ", fulfillments) + "。", null)
                                .replaceWith(true)))
                .chain(applied -> {
                    if (applied) {
                        Log.infof("Shipment %d %s: %s", ctx.id(), outcome, fulfillments);
                        return Uni.createFrom().voidItem();
                    }
                    return pool.preparedQuery("SELECT status FROM shipments WHERE id = $1").execute(Tuple.of(ctx.id()))
                            .chain(rows -> {
                                boolean cancelled = rows.rowCount() == 1
                                        && "cancelled".equals(rows.iterator().next().getString("status"));
                                if (!cancelled) {
                                    // Another worker holds the shipment now; it re-reads and adopts what we made.
                                    return Uni.createFrom().voidItem();
                                }
                                // Cancelled while we were creating: take the fulfillment back so Shopify matches.
                                Log.infof("Shipment %d was cancelled during its sync; cancelling %s in Shopify",
                                        ctx.id(), fulfillments);
                                Uni<Void> undo = Uni.createFrom().voidItem();
                                for (String id : fulfillments) {
                                    undo = undo.chain(() -> shopify.query(ctx.shop(), "FulfillmentCancel",
                                            Map.of("id", id)).replaceWithVoid());
                                }
                                return undo;
                            });
                });
    }

    private Uni<Void> fail(Context ctx, String code, String en, String ja) {
        return finish(ctx, "failed", "failed", code, en, ja)
                .invoke(() -> Log.warnf("Shipment %d failed to sync (%s): %s", ctx.id(), code, en));
    }

    private Uni<Void> stop(Context ctx, String code, String en, String ja) {
        return finish(ctx, "cancelled", "cancelled", code, en, ja);
    }

    private Uni<Void> finish(Context ctx, String syncStatus, String outcome, String code, String en, String ja) {
        return pool.withTransaction(c -> c.preparedQuery("""
                UPDATE shipments SET sync_status = $2, sync_pending_until = NULL, sync_claimed_until = NULL,
                       last_retry_at = now(),
                       last_error_code = $3, last_error_message = $4, last_error_message_ja = $5, updated_at = now()
                WHERE id = $1 AND sync_status = 'pending' AND sync_claim_token = $6""")
                .execute(Tuple.of(ctx.id(), syncStatus, code, en, ja, ctx.token()))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem()
                        : attempt(c, ctx.id(), outcome, code, en, ja, null)));
    }

    /** Appends one entry to a shipment's sync history. */
    public static Uni<Void> attempt(io.vertx.mutiny.sqlclient.SqlClient c, long id, String outcome, String code, String en,
            String ja, OffsetDateTime next) {
        return c.preparedQuery("""
                INSERT INTO shipment_sync_attempts (shipment_id, outcome, error_code, message, message_ja, next_attempt_at)
                VALUES ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.tuple().addLong(id).addString(outcome).addString(code).addString(en).addString(ja).addValue(next))
                .replaceWithVoid();
    }

    private Uni<Context> load(Claim claim) {
        long id = claim.shipmentId();
        return pool.preparedQuery("""
                SELECT s.id, s.tracking_number, s.tracking_company, s.tracking_url, s.notify_customer, s.sync_retry_count,
                       s.created_at, s.status, s.sync_status, o.id AS order_id, o.gid AS order_gid, o.cancelled_at,
                       sh.domain
                FROM shipments s JOIN orders o ON o.id = s.order_id JOIN shops sh ON sh.id = o.shop_id
                WHERE s.id = $1""").execute(Tuple.of(id)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Row s = rows.iterator().next();
                    if (!"shipped".equals(s.getString("status")) || !"pending".equals(s.getString("sync_status"))) {
                        return Uni.createFrom().nullItem();
                    }
                    long orderId = s.getLong("order_id");
                    Uni<List<FulfillmentPlan.ShipmentLine>> lines = pool.preparedQuery("""
                            SELECT li.gid, li.title, sl.quantity FROM shipment_line_items sl
                            JOIN order_line_items li ON li.id = sl.line_item_id WHERE sl.shipment_id = $1 ORDER BY li.id""")
                            .execute(Tuple.of(id)).map(rs -> {
                                List<FulfillmentPlan.ShipmentLine> out = new ArrayList<>();
                                rs.forEach(r -> out.add(new FulfillmentPlan.ShipmentLine(r.getString("gid"), r.getString("title"),
                                        r.getInteger("quantity"))));
                                return out;
                            });
                    Uni<Set<String>> claimed = pool.preparedQuery("""
                            SELECT DISTINCT unnest(shopify_fulfillment_ids) AS f FROM shipments
                            WHERE order_id = $1 AND id <> $2""").execute(Tuple.of(orderId, id)).map(rs -> {
                                Set<String> out = new HashSet<>();
                                rs.forEach(r -> out.add(r.getString("f")));
                                return out;
                            });
                    return Uni.combine().all().unis(lines, claimed).asTuple().map(t -> new Context(claim.token(), id,
                            s.getString("tracking_number"), s.getString("tracking_company"), s.getString("tracking_url"),
                            s.getBoolean("notify_customer"), s.getInteger("sync_retry_count"),
                            s.getOffsetDateTime("created_at").toInstant(), s.getValue("cancelled_at") != null,
                            s.getString("order_gid"), s.getString("domain"), t.getItem1(), t.getItem2()));
                });
    }

}
