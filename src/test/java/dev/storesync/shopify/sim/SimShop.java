package dev.storesync.shopify.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated shop: its access token, cost bucket and data. Every read and change of the data
 * synchronizes on the shop, and each GraphQL request runs under the same lock, so a test may change
 * the shop while the service is calling it.
 */
public final class SimShop {

    private final ShopifySimulator simulator;
    private final String domain;
    private final LeakyBucket bucket = new LeakyBucket(2000, 100);
    private final AtomicInteger throttled = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong pointsCharged = new java.util.concurrent.atomic.AtomicLong();
    private final List<SimLocation> locations = new ArrayList<>();
    private final Map<String, SimOrder> orders = new LinkedHashMap<>();
    private final Map<String, SimFulfillmentOrder> fulfillmentOrders = new LinkedHashMap<>();
    private final Map<String, SimFulfillment> fulfillments = new LinkedHashMap<>();
    private final Map<String, SimInventoryItem> inventoryItems = new LinkedHashMap<>();
    private final Map<String, SimWebhookSubscription> webhookSubscriptions = new LinkedHashMap<>();
    private String accessToken;
    private Instant accessTokenExpiresAt;
    private String refreshToken;
    private String previousRefreshToken;
    private String scope = "";
    private String planName = "Basic";
    private boolean protectedCustomerDataApproved = true;
    private boolean refreshGrace = true;
    private volatile boolean fulfillmentWebhooks;
    private SimDeliveryProfile defaultDeliveryProfile;
    private final List<Hook> hooks = new ArrayList<>();
    private final Map<String, Idempotent> idempotencyKeys = new LinkedHashMap<>();
    private final AtomicInteger inventoryWrites = new AtomicInteger();

    /** What an {@code @idempotent} key was first used with, and Shopify's answer then. */
    record Idempotent(Object input, Object payload, boolean failed) {
    }

    private record Hook(String operation, Runnable action) {
    }

    SimShop(ShopifySimulator simulator, String domain, String accessToken) {
        this.simulator = simulator;
        this.domain = domain;
        this.accessToken = accessToken;
        locations.add(new SimLocation(nextId(), "Shop location", false));
        defaultDeliveryProfile = new SimDeliveryProfile("gid://shopify/DeliveryProfile/" + nextId(), "General profile",
                true, 1);
    }

    public String domain() {
        return domain;
    }

    public String myshopifyDomain() {
        return domain;
    }

    public String name() {
        return domain.replace(".myshopify.com", "");
    }

    public String email() {
        return "owner@" + domain;
    }

    public String url() {
        return "https://" + domain;
    }

    public String id() {
        return "gid://shopify/Shop/" + Math.abs(domain.hashCode());
    }

    public Map<String, Object> plan() {
        return Map.of("displayName", planName, "partnerDevelopment", false, "shopifyPlus", planName.contains("Plus"));
    }

    public SimShop planName(String displayName) {
        this.planName = displayName;
        return this;
    }

    // --- Tokens -------------------------------------------------------------------------------

    /** The access token the shop accepts now. */
    public synchronized String accessToken() {
        return accessToken;
    }

    /** Replaces the accepted access token with a non-expiring one. */
    public synchronized SimShop accessToken(String token) {
        accessToken = token;
        accessTokenExpiresAt = null;
        return this;
    }

    /** Revokes the access token (an uninstall or a rotation elsewhere): every call with it gets 401. */
    public synchronized SimShop revokeAccessToken() {
        return accessToken("shpat_revoked_" + ShopifySimulator.randomHex(8));
    }

    /** Makes the current access token expire now: the next call with it gets 401. */
    public synchronized void expireAccessToken() {
        accessTokenExpiresAt = Instant.now().minusSeconds(1);
    }

    /** The refresh token of the latest expiring token, or null. */
    public synchronized String refreshToken() {
        return refreshToken;
    }

    /** Scopes granted at the last install. */
    public synchronized String scope() {
        return scope;
    }

    synchronized boolean accepts(String token) {
        return token != null && token.equals(accessToken)
                && (accessTokenExpiresAt == null || Instant.now().isBefore(accessTokenExpiresAt));
    }

    /** Issues a new access token, revoking the previous one; with a refresh token when expiring. */
    synchronized Map<String, Object> issueToken(String grantedScope, boolean expiring, Duration lifetime) {
        scope = grantedScope;
        accessToken = "shpat_" + ShopifySimulator.randomHex(16);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", accessToken);
        response.put("scope", scope);
        if (expiring) {
            accessTokenExpiresAt = Instant.now().plus(lifetime);
            previousRefreshToken = null;
            refreshToken = "shprt_" + ShopifySimulator.randomHex(16);
            response.put("expires_in", lifetime.toSeconds());
            response.put("refresh_token", refreshToken);
            response.put("refresh_token_expires_in", Duration.ofDays(90).toSeconds());
        } else {
            accessTokenExpiresAt = null;
            refreshToken = null;
        }
        return response;
    }

    /**
     * Refreshes with rotation. The previous refresh token stays valid until the new one is first used
     * (Shopify's behaviour since 2026-08-28), so a client that lost a response can retry once.
     */
    synchronized Map<String, Object> refresh(String presented, Duration lifetime) {
        if (presented == null || !(presented.equals(refreshToken)
                || refreshGrace && presented.equals(previousRefreshToken))) {
            return null;
        }
        String keep = presented.equals(refreshToken) ? refreshToken : previousRefreshToken;
        Map<String, Object> response = issueToken(scope, true, lifetime);
        previousRefreshToken = keep;
        return response;
    }

    /**
     * Strict rotation: a refresh token works once, and a second use of it fails (as before Shopify's
     * 2026-08-28 grace period, and always for a client that used the old token after the new one).
     */
    public synchronized SimShop strictRefreshTokenRotation() {
        refreshGrace = false;
        return this;
    }

    // --- Cost bucket --------------------------------------------------------------------------

    /** Empties the bucket now, as another app's burst would; it restores at the configured rate. */
    public SimShop drainBucket() {
        bucket.drain();
        return this;
    }

    /** Sets the bucket size and restore rate (points per second) and fills it. */
    public SimShop bucket(int maximumAvailable, int restoreRate) {
        bucket.configure(maximumAvailable, restoreRate);
        return this;
    }

    /** How many GraphQL requests were answered THROTTLED. */
    public int throttledCount() {
        return throttled.get();
    }

    /** Cost points charged for answered GraphQL requests (their actual cost), since the shop was added. */
    public long pointsCharged() {
        return pointsCharged.get();
    }

    void charge(int points) {
        pointsCharged.addAndGet(points);
    }

    LeakyBucket costBucket() {
        return bucket;
    }

    void countThrottled() {
        throttled.incrementAndGet();
    }

    // --- Locations ----------------------------------------------------------------------------

    /** The merchant-managed location every shop starts with. */
    public synchronized SimLocation primaryLocation() {
        return locations.get(0);
    }

    public synchronized SimLocation addLocation(String locationName) {
        SimLocation location = new SimLocation(nextId(), locationName, false);
        locations.add(location);
        return location;
    }

    /** A location run by a fulfillment service: its fulfillment orders offer REQUEST_FULFILLMENT only. */
    public synchronized SimLocation addFulfillmentServiceLocation(String locationName) {
        SimLocation location = new SimLocation(nextId(), locationName, true);
        locations.add(location);
        return location;
    }

    public synchronized List<SimLocation> locations() {
        return List.copyOf(locations);
    }

    public synchronized SimLocation location(String gid) {
        return locations.stream().filter(l -> l.id().equals(gid)).findFirst().orElse(null);
    }

    // --- Orders and fulfillment -----------------------------------------------------------------

    /** Starts a new order: {@code shop.order().line("SKU-1", 2).create()}. */
    public SimOrder.Builder order() {
        return new SimOrder.Builder(this);
    }

    public synchronized SimOrder order(String gid) {
        return orders.get(gid);
    }

    public synchronized List<SimOrder> orders() {
        return List.copyOf(orders.values());
    }

    /** Adds a fulfillment order for whole lines (every line of the order when none are given). */
    public SimFulfillmentOrder addFulfillmentOrder(String orderGid, FulfillmentOrderStatus status, SimLocation location,
            SimLineItem... lines) {
        SimOrder order = Objects.requireNonNull(order(orderGid), orderGid);
        SimFulfillmentOrder.Builder builder = order.fulfillmentOrder().status(status).location(location);
        builder.lines(lines.length == 0 ? order.lineItems() : List.of(lines));
        return builder.create();
    }

    public synchronized SimFulfillmentOrder fulfillmentOrder(String gid) {
        return fulfillmentOrders.get(gid);
    }

    /** Fulfillments of an order, cancelled ones included. */
    public List<SimFulfillment> fulfillments(String orderGid) {
        SimOrder order = order(orderGid);
        return order == null ? List.of() : order.fulfillments();
    }

    public synchronized SimFulfillment fulfillment(String gid) {
        return fulfillments.get(gid);
    }

    /** Every fulfillment of the shop. */
    public synchronized List<SimFulfillment> fulfillments() {
        return List.copyOf(fulfillments.values());
    }

    // --- Inventory ----------------------------------------------------------------------------

    /** The profile new variants belong to: "General profile", with one shipping rate. */
    public synchronized SimDeliveryProfile defaultDeliveryProfile() {
        return defaultDeliveryProfile;
    }

    /** Another delivery profile, with {@code rates} active shipping rates (0: ships nowhere). */
    public SimDeliveryProfile addDeliveryProfile(String name, int rates) {
        return new SimDeliveryProfile("gid://shopify/DeliveryProfile/" + nextId(), name, false, rates);
    }

    public synchronized SimInventoryItem addInventoryItem(String sku) {
        SimInventoryItem item = new SimInventoryItem(this, nextId(), sku);
        inventoryItems.put(item.id(), item);
        return item;
    }

    /** By GID or SKU. */
    public synchronized SimInventoryItem inventoryItem(String gidOrSku) {
        SimInventoryItem byId = inventoryItems.get(gidOrSku);
        return byId != null ? byId : inventoryItems.values().stream().filter(i -> gidOrSku.equals(i.sku()))
                .findFirst().orElse(null);
    }

    public synchronized List<SimInventoryItem> inventoryItems() {
        return List.copyOf(inventoryItems.values());
    }

    /** Every variant (one per inventory item), oldest first. */
    public synchronized List<SimProductVariant> variants() {
        return inventoryItems.values().stream().map(SimInventoryItem::variant).toList();
    }

    /** How many inventory mutations changed quantities (an idempotent replay changes none). */
    public int inventoryWrites() {
        return inventoryWrites.get();
    }

    void countInventoryWrite() {
        inventoryWrites.incrementAndGet();
    }

    synchronized Idempotent idempotent(String key) {
        return idempotencyKeys.get(key);
    }

    synchronized void idempotent(String key, Idempotent outcome) {
        idempotencyKeys.putIfAbsent(key, outcome);
    }

    /** The variant of an inventory item by its GID ({@code gid://shopify/ProductVariant/<item id>}). */
    public synchronized SimProductVariant variant(String gid) {
        String prefix = "gid://shopify/ProductVariant/";
        if (gid == null || !gid.startsWith(prefix)) {
            return null;
        }
        SimInventoryItem item = inventoryItems.get("gid://shopify/InventoryItem/" + gid.substring(prefix.length()));
        return item == null ? null : item.variant();
    }

    /** Any object of the shop by GID, for {@code nodes(ids:)}; null when there is none. */
    synchronized Object node(String gid) {
        if (gid == null) {
            return null;
        }
        if (gid.startsWith("gid://shopify/ProductVariant/")) {
            return variant(gid);
        }
        Object found = inventoryItems.get(gid);
        if (found == null) {
            found = location(gid);
        }
        if (found == null) {
            found = orders.get(gid);
        }
        if (found == null) {
            found = fulfillmentOrders.get(gid);
        }
        return found != null ? found : fulfillments.get(gid);
    }

    // --- Hooks --------------------------------------------------------------------------------

    /**
     * Runs {@code action} once, just before the next GraphQL request of {@code operation} is executed,
     * outside the shop's lock: it may change the shop (a concurrent edit between a read and a write)
     * or block until the test lets the request go on.
     */
    public synchronized SimShop beforeNext(String operation, Runnable action) {
        hooks.add(new Hook(operation, action));
        return this;
    }

    synchronized Runnable takeHook(String operation) {
        for (int i = 0; i < hooks.size(); i++) {
            if (hooks.get(i).operation().equals(operation)) {
                return hooks.remove(i).action();
            }
        }
        return null;
    }

    // --- Webhooks -----------------------------------------------------------------------------

    public synchronized List<SimWebhookSubscription> webhookSubscriptions() {
        return List.copyOf(webhookSubscriptions.values());
    }

    /** When false, subscribing to topics with protected customer data fails as for an unapproved app. */
    public synchronized SimShop protectedCustomerDataApproved(boolean approved) {
        protectedCustomerDataApproved = approved;
        return this;
    }

    synchronized boolean protectedCustomerDataApproved() {
        return protectedCustomerDataApproved;
    }

    /**
     * Delivers a webhook as Shopify would to every subscription of the topic, signed with the app's
     * client secret. {@code topic} is either form: {@code orders/create} or {@code ORDERS_CREATE}.
     */
    public List<WebhookDelivery> trigger(String topic, String jsonBody) {
        String enumTopic = topic.contains("/") ? SimWebhookSubscription.enumTopic(topic) : topic;
        List<WebhookDelivery> deliveries = new ArrayList<>();
        for (SimWebhookSubscription subscription : webhookSubscriptions()) {
            if (subscription.topic().equals(enumTopic)) {
                deliveries.add(simulator.webhooks().send(WebhookMessage.of(subscription.callbackUrl(),
                        SimWebhookSubscription.restTopic(enumTopic), domain,
                        jsonBody.getBytes(StandardCharsets.UTF_8), simulator.clientSecret())
                        .withApiVersion(subscription.apiVersion().handle())));
            }
        }
        return deliveries;
    }

    /**
     * When on, every fulfillment created, cancelled or updated (tracking, carrier state) is sent as
     * {@code fulfillments/create} or {@code fulfillments/update} to the subscriptions, as Shopify
     * does, after the change (in the background, in order). Off by default so that tests which do
     * not look at fulfillment webhooks see no extra deliveries.
     */
    public SimShop fulfillmentWebhooks(boolean on) {
        fulfillmentWebhooks = on;
        return this;
    }

    void fulfillmentChanged(SimFulfillment fulfillment, boolean created) {
        if (!fulfillmentWebhooks) {
            return;
        }
        String body = fulfillment.webhookPayload().encode();
        simulator.background(() -> trigger(created ? "fulfillments/create" : "fulfillments/update", body));
    }

    /**
     * A level's quantity changed: {@code inventory_levels/update} goes to the topic's subscriptions,
     * from another thread and in order, as Shopify sends it after the change (never within the call).
     */
    void levelChanged(SimInventoryItem.Level level) {
        String body = "{\"inventory_item_id\":" + level.item().legacyResourceId() + ",\"location_id\":"
                + level.location().legacyResourceId() + ",\"available\":" + level.available() + ",\"updated_at\":\""
                + level.updatedAt() + "\",\"admin_graphql_api_id\":\"" + level.id() + "\"}";
        for (SimWebhookSubscription subscription : webhookSubscriptions()) {
            if (subscription.topic().equals("INVENTORY_LEVELS_UPDATE")) {
                simulator.sendLater(WebhookMessage.of(subscription.callbackUrl(), "inventory_levels/update", domain,
                        body.getBytes(StandardCharsets.UTF_8), simulator.clientSecret())
                        .withApiVersion(subscription.apiVersion().handle()));
            }
        }
    }

    // --- Internals ----------------------------------------------------------------------------

    long nextId() {
        return simulator.nextId();
    }

    Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    synchronized void add(SimOrder order) {
        orders.put(order.id(), order);
    }

    synchronized void add(SimFulfillmentOrder fulfillmentOrder) {
        fulfillmentOrders.put(fulfillmentOrder.id(), fulfillmentOrder);
    }

    synchronized void add(SimFulfillment fulfillment) {
        fulfillments.put(fulfillment.id(), fulfillment);
        fulfillment.order().add(fulfillment);
        fulfillmentChanged(fulfillment, true);
    }

    synchronized void add(SimWebhookSubscription subscription) {
        webhookSubscriptions.put(subscription.id(), subscription);
    }

    synchronized SimWebhookSubscription removeWebhookSubscription(String gid) {
        return webhookSubscriptions.remove(gid);
    }

    synchronized SimWebhookSubscription webhookSubscription(String gid) {
        return webhookSubscriptions.get(gid);
    }
}
