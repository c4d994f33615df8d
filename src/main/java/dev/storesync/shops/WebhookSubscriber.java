package dev.storesync.shops;

import io.smallrye.mutiny.Uni;
import java.util.Set;

/**
 * Subscribes a shop to the webhooks StoreSync handles and records each topic's state in
 * {@link WebhookSubscriptionStates}. Implemented by the Shopify capability, so that shops need not
 * depend on it. Shopify's refusals and outages are recorded, never passed on as failures.
 */
public interface WebhookSubscriber {

    /** Shopify's enum names of the topics every shop should be subscribed to, e.g. ORDERS_CREATE. */
    Set<String> topics();

    /** The topics this shop should be subscribed to: every shop's, and those it needs of its own. */
    default Uni<Set<String>> topicsFor(String domain) {
        return Uni.createFrom().item(topics());
    }

    Uni<Void> subscribe(String domain);
}
