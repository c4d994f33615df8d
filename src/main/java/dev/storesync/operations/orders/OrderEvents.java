package dev.storesync.operations.orders;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Appends to an order's timeline ({@code order_events}). Callers pass the connection of the
 * transaction that makes the change, so an event exists exactly when its change was committed.
 */
public final class OrderEvents {

    /** The order was stored for the first time. */
    public static final String ORDER_IMPORTED = "order_imported";
    /** Shopify's financial status of the order changed ({@code from}, {@code to}). */
    public static final String FINANCIAL_STATUS_CHANGED = "financial_status_changed";
    /** The order was cancelled in Shopify. */
    public static final String ORDER_CANCELLED = "order_cancelled";
    /** A vendor or operator registered a shipment. */
    public static final String SHIPMENT_REGISTERED = "shipment_registered";
    /** A shipment's fulfillment was created in Shopify. */
    public static final String SHIPMENT_SYNCED = "shipment_synced";
    /** A shipment's sync gave up; an operator must act. */
    public static final String SHIPMENT_SYNC_FAILED = "shipment_sync_failed";
    /** A shipment's sync was stopped because its order was cancelled. */
    public static final String SHIPMENT_SYNC_CANCELLED = "shipment_sync_cancelled";
    /** A vendor or operator cancelled a shipment (its units are unshipped again). */
    public static final String SHIPMENT_CANCELLED = "shipment_cancelled";
    /** Shopify reported a fulfillment that is none of our shipments' (made in the Shopify admin or by another app). */
    public static final String FULFILLMENT_CREATED_EXTERNALLY = "fulfillment_created_externally";
    /** A fulfillment's Shopify status or carrier state changed ({@code statusFrom}/{@code status}, {@code shipmentStatusFrom}/{@code shipmentStatus}). */
    public static final String FULFILLMENT_UPDATED = "fulfillment_updated";
    /** A fulfillment's tracking number, company or URL changed ({@code from}, and the new {@code number}, {@code company}, {@code url}). */
    public static final String TRACKING_UPDATED = "tracking_updated";
    /** A fulfillment order of the order was put on hold ({@code fulfillmentOrderId}, {@code reason}, {@code reasonNotes}). */
    public static final String FULFILLMENT_HOLD_PLACED = "fulfillment_hold_placed";
    /** A fulfillment order's holds were released ({@code fulfillmentOrderId}). */
    public static final String FULFILLMENT_HOLD_RELEASED = "fulfillment_hold_released";

    private OrderEvents() {
    }

    public static Uni<Void> record(SqlClient c, long orderId, String event, JsonObject details) {
        return c.preparedQuery("INSERT INTO order_events (order_id, event, details) VALUES ($1, $2, $3)")
                .execute(Tuple.of(orderId, event, details)).replaceWithVoid();
    }
}
