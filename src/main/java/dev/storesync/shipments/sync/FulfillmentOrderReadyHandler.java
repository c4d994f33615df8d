package dev.storesync.shipments.sync;

import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import dev.storesync.webhooks.InboxDelivery;
import dev.storesync.webhooks.WebhookHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;

/**
 * Shopify's signals that a fulfillment order became fulfillable: they carry only the FO id, so the
 * order is looked up through GraphQL and its pending shipments are made due now.
 */
@ApplicationScoped
public class FulfillmentOrderReadyHandler implements WebhookHandler {

    private final ShopifyAdminClient shopify;
    private final Pool pool;
    private final ShipmentSyncWorker worker;

    public FulfillmentOrderReadyHandler(ShopifyAdminClient shopify, Pool pool, ShipmentSyncWorker worker) {
        this.shopify = shopify;
        this.pool = pool;
        this.worker = worker;
    }

    @Override
    public Set<String> topics() {
        return Set.of("fulfillment_orders/order_routing_complete", "fulfillment_orders/hold_released",
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
            return pool.preparedQuery("""
                    UPDATE shipments s SET sync_pending_until = now(), sync_nudged_at = now(), updated_at = now()
                    FROM orders o
                    WHERE o.id = s.order_id AND o.shop_id = $1 AND o.gid = $2
                      AND s.status = 'shipped' AND s.sync_status = 'pending'""")
                    .execute(Tuple.of(delivery.shopId(), orderGid)).invoke(rows -> {
                        Log.infof("%s: %d pending shipment(s) of %s due now", delivery.topic(), rows.rowCount(), orderGid);
                        if (rows.rowCount() > 0) {
                            worker.wake();
                        }
                    }).replaceWithVoid();
        });
    }
}
