package dev.storesync.shopify.subscriptions;

import dev.storesync.webhooks.WebhookHandlers;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.TreeSet;

/**
 * The webhook topics each shop is subscribed to: every topic a registered handler takes, except
 * the compliance topics, which are declared in the app's configuration and cannot be subscribed
 * through the Admin API.
 */
@ApplicationScoped
public class SubscribedTopics {

    private static final Set<String> COMPLIANCE = Set.of("customers/data_request", "customers/redact", "shop/redact");

    private final WebhookHandlers handlers;

    public SubscribedTopics(WebhookHandlers handlers) {
        this.handlers = handlers;
    }

    public Set<String> topics() {
        Set<String> out = new TreeSet<>(handlers.subscribableTopics());
        out.removeAll(COMPLIANCE);
        return out;
    }
}
