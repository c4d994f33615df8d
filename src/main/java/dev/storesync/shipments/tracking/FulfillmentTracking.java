package dev.storesync.shipments.tracking;

import dev.storesync.kernel.SqlTimes;
import dev.storesync.operations.orders.OrderEvents;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records Shopify's fulfillments on our orders ({@code order_fulfillments}): tracking, Shopify status
 * and carrier state, with timeline events for what changed. Webhooks and the tracking poller both
 * come through {@link #record}, so a change is recorded once whichever brings it first. The order
 * facts and alerts follow through the triggers of V14.
 */
@ApplicationScoped
public class FulfillmentTracking {

    /** What recording a report did. */
    public enum Outcome {
        /** The order is not ours (or not imported yet): nothing stored. */
        UNKNOWN_ORDER,
        /** As new as, or older than, what is stored: nothing changed. */
        UNCHANGED,
        /** Stored; the timeline says what changed, if anything a user would notice. */
        RECORDED
    }

    private final Pool pool;

    public FulfillmentTracking(Pool pool) {
        this.pool = pool;
    }

    public Uni<Outcome> record(long shopId, FulfillmentReport report) {
        // The order row first, as every other write path locks it: one fulfillment's reports serialise here.
        return pool.withTransaction(c -> c.preparedQuery("SELECT id FROM orders WHERE shop_id = $1 AND gid = $2 FOR UPDATE")
                .execute(Tuple.of(shopId, report.orderGid())).chain(orders -> {
                    if (orders.rowCount() == 0) {
                        return Uni.createFrom().item(Outcome.UNKNOWN_ORDER);
                    }
                    long orderId = orders.iterator().next().getLong("id");
                    return c.preparedQuery("""
                            SELECT id, status, shipment_status, tracking_number, tracking_company, tracking_url,
                                   shipment_id, shopify_updated_at
                            FROM order_fulfillments WHERE order_id = $1 AND fulfillment_gid = $2""")
                            .execute(Tuple.of(orderId, report.fulfillmentGid()))
                            .chain(rows -> rows.rowCount() == 0 ? insert(c, orderId, report)
                                    : update(c, orderId, rows.iterator().next(), report));
                })).invoke(outcome -> Log.debugf("Fulfillment %s of %s: %s", report.fulfillmentGid(), report.orderGid(), outcome));
    }

    private Uni<Outcome> insert(SqlConnection c, long orderId, FulfillmentReport r) {
        // Ours when one of our shipments holds the fulfillment, or (its answer not recorded yet) the tracking number.
        return c.preparedQuery("""
                SELECT id FROM shipments
                WHERE order_id = $1 AND ($2 = ANY (shopify_fulfillment_ids)
                                         OR (status = 'shipped' AND $3::text IS NOT NULL AND tracking_number = $3))
                ORDER BY ($2 = ANY (shopify_fulfillment_ids)) DESC, id DESC LIMIT 1""")
                .execute(Tuple.of(orderId, r.fulfillmentGid(), r.trackingNumber())).chain(found -> {
                    Long shipmentId = found.rowCount() == 0 ? null : found.iterator().next().getLong("id");
                    return c.preparedQuery("""
                            INSERT INTO order_fulfillments (order_id, fulfillment_gid, shipment_id, status, shipment_status,
                                   tracking_number, tracking_company, tracking_url, shopify_created_at, shopify_updated_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""")
                            .execute(Tuple.tuple().addLong(orderId).addString(r.fulfillmentGid()).addLong(shipmentId)
                                    .addString(r.status() == null ? "success" : r.status()).addString(r.shipmentStatus())
                                    .addString(r.trackingNumber()).addString(r.trackingCompany()).addString(r.trackingUrl())
                                    .addValue(SqlTimes.timestamptz(r.createdAt())).addValue(SqlTimes.timestamptz(r.updatedAt())))
                            .chain(rows -> lines(c, orderId, rows.iterator().next().getLong("id"), r))
                            .chain(() -> {
                                if (shipmentId != null) {
                                    // Our own fulfillment: shipment_synced tells it; only a carrier state is news.
                                    return r.shipmentStatus() == null ? Uni.createFrom().voidItem()
                                            : OrderEvents.record(c, orderId, OrderEvents.FULFILLMENT_UPDATED, base(r, shipmentId)
                                                    .put("shipmentStatusFrom", null).put("shipmentStatus", r.shipmentStatus()));
                                }
                                Log.infof("Order %s: fulfillment %s made outside StoreSync (tracking %s)", r.orderGid(),
                                        r.fulfillmentGid(), r.trackingNumber());
                                return OrderEvents.record(c, orderId, OrderEvents.FULFILLMENT_CREATED_EXTERNALLY, base(r, null)
                                        .put("status", r.status()).put("shipmentStatus", r.shipmentStatus())
                                        .put("tracking", r.tracking()));
                            }).replaceWith(Outcome.RECORDED);
                });
    }

    private Uni<Outcome> update(SqlConnection c, long orderId, Row stored, FulfillmentReport r) {
        if (SqlTimes.instant(stored, "shopify_updated_at").isAfter(r.updatedAt())) {
            return Uni.createFrom().item(Outcome.UNCHANGED);
        }
        Long shipmentId = stored.getLong("shipment_id");
        String status = r.status() == null ? stored.getString("status") : r.status();
        boolean statusChanged = !Objects.equals(stored.getString("status"), status);
        boolean carrierChanged = !Objects.equals(stored.getString("shipment_status"), r.shipmentStatus());
        boolean trackingChanged = !Objects.equals(stored.getString("tracking_number"), r.trackingNumber())
                || !Objects.equals(stored.getString("tracking_company"), r.trackingCompany())
                || !Objects.equals(stored.getString("tracking_url"), r.trackingUrl());
        boolean newer = SqlTimes.instant(stored, "shopify_updated_at").isBefore(r.updatedAt());
        if (!statusChanged && !carrierChanged && !trackingChanged && !newer) {
            return Uni.createFrom().item(Outcome.UNCHANGED);
        }
        List<Uni<Void>> events = new ArrayList<>();
        // Our shipment's own create and cancel are in its events; its carrier state and external status changes are news.
        if (carrierChanged || statusChanged && shipmentId == null) {
            JsonObject details = base(r, shipmentId);
            if (statusChanged) {
                details.put("statusFrom", stored.getString("status")).put("status", status);
            }
            if (carrierChanged) {
                details.put("shipmentStatusFrom", stored.getString("shipment_status")).put("shipmentStatus", r.shipmentStatus());
            }
            events.add(OrderEvents.record(c, orderId, OrderEvents.FULFILLMENT_UPDATED, details));
        }
        if (trackingChanged) {
            events.add(OrderEvents.record(c, orderId, OrderEvents.TRACKING_UPDATED, base(r, shipmentId)
                    .put("from", new JsonObject().put("number", stored.getString("tracking_number"))
                            .put("company", stored.getString("tracking_company")).put("url", stored.getString("tracking_url")))
                    .put("number", r.trackingNumber()).put("company", r.trackingCompany()).put("url", r.trackingUrl())));
        }
        Uni<Void> chain = c.preparedQuery("""
                UPDATE order_fulfillments SET status = $2, shipment_status = $3, tracking_number = $4, tracking_company = $5,
                       tracking_url = $6, shopify_updated_at = $7, updated_at = now()
                WHERE id = $1""")
                .execute(Tuple.tuple().addLong(stored.getLong("id")).addString(status).addString(r.shipmentStatus())
                        .addString(r.trackingNumber()).addString(r.trackingCompany()).addString(r.trackingUrl())
                        .addValue(SqlTimes.timestamptz(r.updatedAt())))
                .chain(() -> lines(c, orderId, stored.getLong("id"), r));
        for (Uni<Void> event : events) {
            chain = chain.chain(() -> event);
        }
        return chain.replaceWith(Outcome.RECORDED);
    }

    // The covered units, by our line ids; lines we do not know (removed by an edit) are skipped.
    private static Uni<Void> lines(SqlConnection c, long orderId, long fulfillmentId, FulfillmentReport r) {
        if (r.lines().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Long[] ids = r.lines().stream().map(FulfillmentReport.Line::lineItemShopifyId).toArray(Long[]::new);
        Integer[] quantities = r.lines().stream().map(FulfillmentReport.Line::quantity).toArray(Integer[]::new);
        return c.preparedQuery("""
                INSERT INTO order_fulfillment_lines (fulfillment_id, line_item_id, quantity)
                SELECT $1, li.id, sum(x.quantity) FROM unnest($3::bigint[], $4::int[]) AS x (shopify_id, quantity)
                JOIN order_line_items li ON li.order_id = $2 AND li.shopify_id = x.shopify_id
                GROUP BY li.id
                ON CONFLICT (fulfillment_id, line_item_id) DO UPDATE SET quantity = EXCLUDED.quantity
                WHERE order_fulfillment_lines.quantity IS DISTINCT FROM EXCLUDED.quantity""")
                .execute(Tuple.of(fulfillmentId, orderId, ids, quantities)).replaceWithVoid();
    }

    private static JsonObject base(FulfillmentReport r, Long shipmentId) {
        JsonObject details = new JsonObject().put("fulfillmentId", r.fulfillmentGid());
        if (shipmentId != null) {
            details.put("shipmentId", shipmentId);
        }
        return details;
    }
}
