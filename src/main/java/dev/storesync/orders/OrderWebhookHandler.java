package dev.storesync.orders;

import dev.storesync.webhooks.InboxDelivery;
import dev.storesync.webhooks.PermanentWebhookFailure;
import dev.storesync.webhooks.WebhookHandler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.DateTimeException;
import java.util.Set;
import java.util.function.Supplier;

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
            long id = read(() -> OrderSnapshot.idOf(delivery.payload().getString("admin_graphql_api_id"),
                    delivery.payload().getValue("id")));
            return orders.delete(delivery.shopId(), id).replaceWithVoid();
        }
        OrderSnapshot snapshot = read(() -> OrderSnapshot.fromWebhook(delivery.payload(), delivery.triggeredAt()));
        return orders.apply(delivery.shopId(), snapshot).replaceWithVoid();
    }

    /** A payload value the snapshot cannot parse (an id or a time) will not parse on a retry either. */
    private static <T> T read(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException | DateTimeException e) {
            throw PermanentWebhookFailure.unreadablePayload(e.getMessage());
        }
    }
}
