package dev.storesync.carriers;

import dev.storesync.webhooks.InboxDelivery;
import dev.storesync.webhooks.WebhookHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/**
 * Applies a stored Ship24 webhook, one tracking update after the other, each in its own
 * transaction: a failure retries the delivery, and the updates already applied change nothing the
 * second time. One transaction per update also means a transaction locks one shipment and its
 * order(s) only, so concurrent deliveries cannot deadlock on each other's orders.
 */
@ApplicationScoped
public class Ship24TrackingHandler implements WebhookHandler {

    private final TrackingUpdates updates;
    private final Ship24Config config;

    public Ship24TrackingHandler(TrackingUpdates updates, Ship24Config config) {
        this.updates = updates;
        this.config = config;
    }

    @Override
    public Set<String> topics() {
        return Set.of(Ship24Intake.TOPIC);
    }

    /** Ship24 is not a Shopify topic: shops are never subscribed to it. */
    @Override
    public boolean subscribable() {
        return false;
    }

    @Override
    public Uni<Void> handle(InboxDelivery delivery) {
        List<Ship24Payload.Update> list = Ship24Payload.updates(delivery.payload(), config.referenceField());
        if (list.isEmpty()) {
            Log.infof("Ship24 webhook %s holds no tracking update with a tracking number; nothing to apply",
                    delivery.webhookId());
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(list)
                .onItem().transformToUniAndConcatenate(update -> updates.apply(update).invoke(applied -> Log.debugf(
                        "Ship24 tracking %s: shipment %d, %d new event(s), %d vendor shipment(s) updated",
                        update.trackingNumber(), applied.shipmentId(), applied.newEvents(), applied.vendorShipmentsUpdated())))
                .collect().last().replaceWithVoid();
    }
}
