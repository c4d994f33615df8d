package dev.storesync.shipments.tracking;

import dev.storesync.webhooks.InboxDelivery;
import dev.storesync.webhooks.PermanentWebhookFailure;
import dev.storesync.webhooks.WebhookHandler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.DateTimeException;
import java.util.Set;

/**
 * {@code fulfillments/create} and {@code fulfillments/update}: every fulfillment of our orders,
 * also those made in the Shopify admin or by another app, with its tracking and carrier state. A
 * fulfillment of an order we do not hold (yet) is skipped; the tracking poller reads it later.
 */
@ApplicationScoped
public class FulfillmentWebhookHandler implements WebhookHandler {

    private final FulfillmentTracking tracking;

    public FulfillmentWebhookHandler(FulfillmentTracking tracking) {
        this.tracking = tracking;
    }

    @Override
    public Set<String> topics() {
        return Set.of("fulfillments/create", "fulfillments/update");
    }

    @Override
    public Uni<Void> handle(InboxDelivery delivery) {
        if (delivery.shopId() == null) {
            return Uni.createFrom().voidItem();
        }
        FulfillmentReport report;
        try {
            report = FulfillmentReport.fromWebhook(delivery.payload());
        } catch (IllegalArgumentException | DateTimeException | ClassCastException e) {
            throw PermanentWebhookFailure.unreadablePayload(e.getMessage());
        }
        return tracking.record(delivery.shopId(), report).replaceWithVoid();
    }
}
