package dev.storesync.shipments.sync;

import dev.storesync.operations.orders.OrderEvents;
import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import dev.storesync.webhooks.InboxDelivery;
import dev.storesync.webhooks.WebhookHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;

/**
 * Shopify's signals about a fulfillment order's readiness: they carry only the FO id, so the order
 * is looked up through GraphQL. A fulfillment order that became fulfillable makes the order's
 * pending shipments due now; a hold placed or released is written to the order's timeline.
 */
@ApplicationScoped
public class FulfillmentOrderReadyHandler implements WebhookHandler {

    static final String PLACED_ON_HOLD = "fulfillment_orders/placed_on_hold";
    static final String HOLD_RELEASED = "fulfillment_orders/hold_released";

    private final ShopifyAdminClient shopify;
    private final ShipmentRepository shipments;
    private final ShipmentSyncWorker worker;
    private final Pool pool;

    public FulfillmentOrderReadyHandler(ShopifyAdminClient shopify, ShipmentRepository shipments, ShipmentSyncWorker worker,
            Pool pool) {
        this.shopify = shopify;
        this.shipments = shipments;
        this.worker = worker;
        this.pool = pool;
    }

    @Override
    public Set<String> topics() {
        return Set.of("fulfillment_orders/order_routing_complete", HOLD_RELEASED, PLACED_ON_HOLD,
                "fulfillment_orders/scheduled_fulfillment_order_ready");
    }

    @Override
    public Uni<Void> handle(InboxDelivery delivery) {
        String foId = delivery.payload().getJsonObject("fulfillment_order", new JsonObject()).getString("id");
        if (foId == null || delivery.shopId() == null) {
            return Uni.createFrom().voidItem();
        }
        return shopify.query(delivery.shopDomain(), "FulfillmentOrderOrder", Map.of("id", foId)).chain(result -> {
            if (!(result instanceof ShopifyResult.Success success)) {
                if (result.retryable()) {
                    return Uni.createFrom().failure(new IllegalStateException(result.message().en()));
                }
                Log.warnf("%s for %s: cannot look up its order: %s", delivery.topic(), foId, result.message().en());
                return Uni.createFrom().voidItem();
            }
            JsonObject fo = success.data().getJsonObject("fulfillmentOrder");
            String orderGid = fo == null ? null : fo.getJsonObject("order", new JsonObject()).getString("id", fo.getString("orderId"));
            if (orderGid == null) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> timeline = PLACED_ON_HOLD.equals(delivery.topic()) || HOLD_RELEASED.equals(delivery.topic())
                    ? recordHold(delivery, foId, orderGid) : Uni.createFrom().voidItem();
            if (PLACED_ON_HOLD.equals(delivery.topic())) {
                return timeline;
            }
            return timeline.chain(() -> shipments.nudgeOrder(delivery.shopId(), orderGid)).invoke(count -> {
                        Log.infof("%s: %d pending shipment(s) of %s due now", delivery.topic(), count, orderGid);
                        if (count > 0) {
                            worker.wake();
                        }
                    }).replaceWithVoid();
        });
    }

    /**
     * The hold placed or released, on the order's timeline; the inbox row id keeps a replayed
     * delivery from writing it twice.
     */
    private Uni<Void> recordHold(InboxDelivery delivery, String foId, String orderGid) {
        boolean placed = PLACED_ON_HOLD.equals(delivery.topic());
        JsonObject details = new JsonObject().put("fulfillmentOrderId", foId).put("webhookId", delivery.webhookId());
        if (placed) {
            JsonObject fo = delivery.payload().getJsonObject("fulfillment_order", new JsonObject());
            JsonObject hold = delivery.payload().getJsonObject("created_fulfillment_hold");
            if (hold == null) {
                JsonArray holds = fo.getJsonArray("fulfillment_holds", new JsonArray());
                hold = holds.isEmpty() ? new JsonObject() : holds.getJsonObject(0);
            }
            details.put("reason", hold.getString("reason")).put("reasonNotes", hold.getString("reason_notes"));
        }
        String event = placed ? OrderEvents.FULFILLMENT_HOLD_PLACED : OrderEvents.FULFILLMENT_HOLD_RELEASED;
        return pool.preparedQuery("""
                INSERT INTO order_events (order_id, event, details)
                SELECT o.id, $3, $4 FROM orders o
                WHERE o.shop_id = $1 AND o.gid = $2
                  AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.event = $3
                                                               AND e.details ->> 'webhookId' = $5)""")
                .execute(Tuple.of(delivery.shopId(), orderGid, event, details, delivery.webhookId()))
                .invoke(rows -> Log.infof("%s: %s of %s", delivery.topic(), foId, orderGid)).replaceWithVoid();
    }
}
