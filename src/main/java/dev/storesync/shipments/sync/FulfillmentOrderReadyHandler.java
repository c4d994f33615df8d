package dev.storesync.shipments.sync;

import dev.storesync.shipments.ShipmentRepository;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import dev.storesync.webhooks.InboxDelivery;
import dev.storesync.webhooks.WebhookHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
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
    private final ShipmentRepository shipments;
    private final ShipmentSyncWorker worker;

    public FulfillmentOrderReadyHandler(ShopifyAdminClient shopify, ShipmentRepository shipments, ShipmentSyncWorker worker) {
        this.shopify = shopify;
        this.shipments = shipments;
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
            return shipments.nudgeOrder(delivery.shopId(), orderGid).invoke(count -> {
                        Log.infof("%s: %d pending shipment(s) of %s due now", delivery.topic(), count, orderGid);
                        if (count > 0) {
                            worker.wake();
                        }
                    }).replaceWithVoid();
        });
    }
}
