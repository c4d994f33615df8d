package dev.storesync.shopify.subscriptions;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** The webhook topics (Shopify's slash form) StoreSync subscribes each shop to. */
@ApplicationScoped
public class SubscribedTopics {

    private static final Set<String> COMPLIANCE = Set.of("customers/data_request", "customers/redact", "shop/redact");

    public Set<String> topics() {
        return Set.of("app/uninstalled");
    }

    static boolean isCompliance(String topic) {
        return COMPLIANCE.contains(topic);
    }
}
