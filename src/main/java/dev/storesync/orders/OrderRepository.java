package dev.storesync.orders;

import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The SQL of orders and their line items, run on a connection the caller's transaction owns. */
final class OrderRepository {

    private OrderRepository() {
    }

    // Applies only a version newer than the stored one, by (updated_at, observed_at): updated_at has
    // second precision, so two changes in one second are told apart by when Shopify sent them, and a
    // redelivery (same trigger time) or an older version arriving late changes nothing.
    private static final String UPSERT_ORDER = """
            INSERT INTO orders (shop_id, shopify_id, gid, name, shopify_created_at, shopify_updated_at, cancelled_at,
                                cancel_reason, financial_status, fulfillment_status, customer_name, customer_email,
                                shopify_observed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (shop_id, shopify_id) DO UPDATE SET
                gid = EXCLUDED.gid, name = EXCLUDED.name, shopify_created_at = EXCLUDED.shopify_created_at,
                shopify_updated_at = EXCLUDED.shopify_updated_at, shopify_observed_at = EXCLUDED.shopify_observed_at,
                cancelled_at = EXCLUDED.cancelled_at,
                cancel_reason = EXCLUDED.cancel_reason, financial_status = EXCLUDED.financial_status,
                fulfillment_status = EXCLUDED.fulfillment_status, customer_name = EXCLUDED.customer_name,
                customer_email = EXCLUDED.customer_email, updated_at = now()
            WHERE (orders.shopify_updated_at, orders.shopify_observed_at)
                < (EXCLUDED.shopify_updated_at, EXCLUDED.shopify_observed_at)
            RETURNING id, xmax = 0 AS inserted""";

    private static final String UPSERT_LINE = """
            INSERT INTO order_line_items (order_id, shopify_id, gid, sku, title, variant_title, variant_id, shopify_vendor,
                                          vendor_id, quantity, ordered_quantity, requires_shipping, fulfillable_quantity)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                    COALESCE((SELECT vendor_id FROM vendor_mappings WHERE lower(shopify_vendor) = lower($8)),
                             (SELECT id FROM vendors WHERE lower(name) = lower($8))),
                    $9, $10, $11, $12)
            ON CONFLICT (order_id, shopify_id) DO UPDATE SET
                gid = EXCLUDED.gid, sku = EXCLUDED.sku,
                title = COALESCE(NULLIF(EXCLUDED.title, ''), order_line_items.title),
                variant_title = COALESCE(EXCLUDED.variant_title, order_line_items.variant_title),
                variant_id = COALESCE(EXCLUDED.variant_id, order_line_items.variant_id),
                shopify_vendor = EXCLUDED.shopify_vendor, vendor_id = EXCLUDED.vendor_id, quantity = EXCLUDED.quantity,
                ordered_quantity = EXCLUDED.ordered_quantity, requires_shipping = EXCLUDED.requires_shipping,
                fulfillable_quantity = COALESCE(EXCLUDED.fulfillable_quantity, order_line_items.fulfillable_quantity)""";

    /** The stored order's values that the timeline reports changes of. */
    record Previous(String financialStatus, boolean cancelled, java.time.Instant updatedAt) {
    }

    /** The order's row as stored, locked until the transaction ends; null when there is none yet. */
    static Uni<Previous> lockPrevious(SqlConnection c, long shopId, long shopifyId) {
        return c.preparedQuery("""
                SELECT financial_status, cancelled_at, shopify_updated_at FROM orders
                WHERE shop_id = $1 AND shopify_id = $2 FOR UPDATE""")
                .execute(Tuple.of(shopId, shopifyId)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new Previous(r.getString("financial_status"), r.getValue("cancelled_at") != null,
                            SqlTimes.instant(r, "shopify_updated_at"));
                });
    }

    /** An applied upsert: the order's id, and whether it was inserted (not updated). */
    record Upserted(long id, boolean inserted) {
    }

    /** Applies the snapshot; null when the stored version is as new or newer. */
    static Uni<Upserted> upsertOrder(SqlConnection c, long shopId, OrderSnapshot s) {
        Tuple t = Tuple.tuple().addLong(shopId).addLong(s.shopifyId()).addString(s.gid()).addString(s.name())
                .addValue(SqlTimes.timestamptz(s.createdAt())).addValue(SqlTimes.timestamptz(s.updatedAt())).addValue(SqlTimes.timestamptz(s.cancelledAt()))
                .addString(s.cancelReason()).addString(s.financialStatus()).addString(s.fulfillmentStatus())
                .addString(s.customerName()).addString(s.customerEmail()).addValue(SqlTimes.timestamptz(s.observedAt()));
        return c.preparedQuery(UPSERT_ORDER).execute(t)
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new Upserted(r.getLong("id"), r.getBoolean("inserted"));
                });
    }

    /** Stores orders' connection cursors from a reconciliation page, in one statement (the dashboard's shopifyCursor). */
    static Uni<Void> rememberCursors(io.vertx.mutiny.sqlclient.SqlClient c, long shopId, List<Long> shopifyIds,
            List<String> cursors) {
        return c.preparedQuery("""
                UPDATE orders o SET shopify_cursor = v.cursor
                FROM unnest($2::bigint[], $3::text[]) AS v (shopify_id, cursor)
                WHERE o.shop_id = $1 AND o.shopify_id = v.shopify_id AND o.shopify_cursor IS DISTINCT FROM v.cursor""")
                .execute(Tuple.of(shopId, shopifyIds.toArray(Long[]::new), cursors.toArray(String[]::new))).replaceWithVoid();
    }

    static Uni<Void> upsertLines(SqlConnection c, long orderId, List<OrderSnapshot.Line> lines) {
        if (lines.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> batch = new ArrayList<>();
        for (OrderSnapshot.Line l : lines) {
            batch.add(Tuple.tuple().addLong(orderId).addLong(l.shopifyId()).addString(l.gid()).addString(l.sku())
                    .addString(l.title() == null ? "" : l.title()).addString(l.variantTitle()).addLong(l.variantId())
                    .addString(l.vendor()).addInteger(l.quantity()).addInteger(l.orderedQuantity()).addBoolean(l.requiresShipping())
                    .addInteger(l.fulfillableQuantity()));
        }
        return c.preparedQuery(UPSERT_LINE).executeBatch(batch).replaceWithVoid();
    }

    static Uni<Integer> delete(SqlConnection c, long shopId, long shopifyId) {
        return c.preparedQuery("DELETE FROM orders WHERE shop_id = $1 AND shopify_id = $2")
                .execute(Tuple.of(shopId, shopifyId)).map(rows -> rows.rowCount());
    }
}
