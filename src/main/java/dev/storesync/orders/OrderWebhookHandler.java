package dev.storesync.orders;

import dev.storesync.webhooks.InboxDelivery;
import dev.storesync.webhooks.WebhookHandler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** Keeps orders current from {@code orders/*} webhooks; out-of-order and repeated deliveries change nothing. */
@ApplicationScoped
public class OrderWebhookHandler implements WebhookHandler {

    private final OrderImportService orders;

    public OrderWebhookHandler(OrderImportService orders) {
        this.orders = orders;
    }

    @Override
    public Set<String> topics() {
        return Set.of("orders/create", "orders/updated", "orders/cancelled", "orders/delete");
    }

    @Override
    public Uni<Void> handle(InboxDelivery delivery) {
        if (delivery.shopId() == null) {
            return Uni.createFrom().voidItem();
        }
        if ("orders/delete".equals(delivery.topic())) {
            long id = OrderSnapshot.idOf(delivery.payload().getString("admin_graphql_api_id"),
                    delivery.payload().getValue("id"));
            return orders.delete(delivery.shopId(), id).replaceWithVoid();
        }
        return orders.apply(delivery.shopId(), OrderSnapshot.fromWebhook(delivery.payload(), delivery.triggeredAt())).replaceWithVoid();
    }
}
