package dev.storesync.shopify.subscriptions;

import io.smallrye.mutiny.Uni;
import java.util.Set;

/**
 * Topics a particular shop needs on top of those every shop gets, for a capability whose handler is
 * not subscribable for all shops (e.g. {@code inventory_levels/update}, wanted from partner stores
 * only: it is the busiest topic, and other shops' deliveries would only be ignored). Implement it as
 * a bean; {@link SubscriptionRegistrar} asks every implementation.
 */
public interface ShopTopics {

    /** Topics in Shopify's slash form, e.g. {@code inventory_levels/update}; empty when none. */
    Uni<Set<String>> topicsFor(String domain);
}
