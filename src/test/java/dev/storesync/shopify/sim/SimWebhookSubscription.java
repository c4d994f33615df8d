package dev.storesync.shopify.sim;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A webhook subscription created through the Admin API. */
public final class SimWebhookSubscription {

    /** {@code ApiVersion}. */
    public record ApiVersion(String handle, String displayName, boolean supported) {
    }

    private final long id;
    private final String topic;
    private final String apiVersion;
    private final Instant createdAt;
    private String callbackUrl;
    private String format;
    private List<String> includeFields;
    private String filter;
    private Instant updatedAt;

    SimWebhookSubscription(long id, String topic, String callbackUrl, String format, List<String> includeFields,
            String filter, String apiVersion, Instant now) {
        this.id = id;
        this.topic = topic;
        this.callbackUrl = callbackUrl;
        this.format = format;
        this.includeFields = includeFields;
        this.filter = filter;
        this.apiVersion = apiVersion;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public String id() {
        return "gid://shopify/WebhookSubscription/" + id;
    }

    public String legacyResourceId() {
        return Long.toString(id);
    }

    /** The GraphQL enum name, e.g. {@code ORDERS_CREATE}. */
    public String topic() {
        return topic;
    }

    public synchronized String callbackUrl() {
        return callbackUrl;
    }

    /** Points the subscription elsewhere, as a stale install or another tool might have. */
    public synchronized SimWebhookSubscription callbackUrl(String url) {
        this.callbackUrl = url;
        this.updatedAt = Instant.now();
        return this;
    }

    public String format() {
        return format;
    }

    public List<String> includeFields() {
        return includeFields;
    }

    public String filter() {
        return filter;
    }

    public ApiVersion apiVersion() {
        return new ApiVersion(apiVersion, apiVersion, true);
    }

    /** A {@code WebhookHttpEndpoint}; the simulator has no Pub/Sub or EventBridge endpoints. */
    public Map<String, Object> endpoint() {
        return Map.of("callbackUrl", callbackUrl);
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    void update(String newCallbackUrl, String newFormat, List<String> newIncludeFields, String newFilter,
            Instant now) {
        if (newCallbackUrl != null) {
            callbackUrl = newCallbackUrl;
        }
        if (newFormat != null) {
            format = newFormat;
        }
        if (newIncludeFields != null) {
            includeFields = newIncludeFields;
        }
        if (newFilter != null) {
            filter = newFilter;
        }
        updatedAt = now;
    }

    /** Resources whose REST topic name has an underscore; for the rest it is the first word. */
    private static final List<String> MULTI_WORD_RESOURCES = List.of("fulfillment_orders", "fulfillment_holds",
            "fulfillment_events", "inventory_levels", "inventory_items", "draft_orders", "order_transactions",
            "customer_groups", "customer_payment_methods", "selling_plan_groups", "subscription_contracts",
            "bulk_operations", "shipping_addresses", "tender_transactions", "product_listings", "collection_listings");

    /** The REST-style topic Shopify puts in {@code X-Shopify-Topic}, e.g. {@code orders/create}. */
    public static String restTopic(String enumTopic) {
        String lower = enumTopic.toLowerCase(java.util.Locale.ROOT);
        String resource = MULTI_WORD_RESOURCES.stream().filter(r -> lower.startsWith(r + "_")).findFirst()
                .orElse(lower.substring(0, Math.max(lower.indexOf('_'), 0)));
        return resource.isEmpty() ? lower : resource + "/" + lower.substring(resource.length() + 1);
    }

    /** The GraphQL enum for a REST-style topic: {@code orders/create} → {@code ORDERS_CREATE}. */
    public static String enumTopic(String restTopic) {
        return restTopic.replace('/', '_').toUpperCase(java.util.Locale.ROOT);
    }
}
