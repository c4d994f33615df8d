package dev.storesync.testing;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shopify orders for HTTP tests. An {@link Order} is a mutable description of one order; it renders
 * {@code orders/*} webhook bodies from Shopify's documentation sample ({@code orders_create.json})
 * with the test's own GIDs, name, times and line items, sends them signed, and waits until the
 * inbox dispatcher has handled them. Ids are unique per JVM run, so tests never share orders.
 */
public final class Orders {

    /** Shopify's {@code updated_at} of a freshly built order; later versions add time to it. */
    public static final Instant T0 = Instant.parse("2026-11-01T09:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SHOPIFY_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final ZoneOffset SHOP_ZONE = ZoneOffset.ofHours(9);
    private static final Duration PROCESSING = Duration.ofSeconds(30);
    // Far above any BIGSERIAL the tests create, so a Shopify id never equals one of our own ids.
    private static final AtomicLong IDS = new AtomicLong(
            ThreadLocalRandom.current().nextLong(1_000_000L, 9_000_000L) * 1_000_000_000L);

    private Orders() {
    }

    /** A new order of {@code shop} (a registered shop domain) without lines, updated at {@link #T0}. */
    public static Order order(String shop) {
        return new Order(shop);
    }

    /** A fresh Shopify id. */
    public static long nextId() {
        return IDS.incrementAndGet();
    }

    /** Waits until the inbox row of {@code webhookId} is completed; fails with its last error otherwise. */
    public static void awaitProcessed(String shop, String webhookId) {
        await().atMost(PROCESSING).untilAsserted(() -> {
            JsonPath inbox = asAdmin().get("/admin/webhooks/inbox?limit=200&shop=" + shop).then().statusCode(200)
                    .extract().jsonPath();
            String row = "items.find { it.webhookId == '" + webhookId + "' }";
            assertThat(inbox.getString(row + ".state"))
                    .as("inbox state of %s (last error: %s)", webhookId, inbox.getString(row + ".lastError"))
                    .isEqualTo("completed");
        });
    }

    /** The order as the admin API shows it now (found by Shopify id), or null when there is none. */
    public static Map<String, Object> find(long shopifyId) {
        List<Map<String, Object>> found = asAdmin().get("/orders?shopifyId=" + shopifyId).then().statusCode(200)
                .extract().jsonPath().getList("$");
        return found.isEmpty() ? null : found.get(0);
    }

    /** One webhook delivery that the service accepted. */
    public record Sent(String shop, String webhookId) {

        /** Waits until the dispatcher handled it. */
        public Sent awaitProcessed() {
            Orders.awaitProcessed(shop, webhookId);
            return this;
        }
    }

    /** An order as it was imported: our id and our ids of its lines. */
    public record Imported(long id, Map<Long, Long> lineIdsByShopifyId) {

        /** Our id of {@code line}, as shipments and GET /orders/{id} use it. */
        public long lineId(Line line) {
            Long id = lineIdsByShopifyId.get(line.id());
            assertThat(id).as("line %d was imported", line.id()).isNotNull();
            return id;
        }
    }

    /** A Shopify order; change it and send the topic that would announce the change. */
    public static final class Order {
        private final String shop;
        private final long id = nextId();
        private final List<Line> lines = new ArrayList<>();
        private String name = "#T" + id;
        private Instant updatedAt = T0;
        private Instant cancelledAt;

        private Order(String shop) {
            this.shop = shop;
        }

        public String shop() {
            return shop;
        }

        /** The Shopify id: the suffix of the GID. */
        public long id() {
            return id;
        }

        public String gid() {
            return "gid://shopify/Order/" + id;
        }

        public String name() {
            return name;
        }

        public Order name(String newName) {
            this.name = newName;
            return this;
        }

        public Instant updatedAt() {
            return updatedAt;
        }

        public Order updatedAt(Instant at) {
            this.updatedAt = at;
            return this;
        }

        /** Moves {@code updated_at} forward, as every change in Shopify does. */
        public Order touch(Duration later) {
            return updatedAt(updatedAt.plus(later));
        }

        /** Marks it cancelled now (in Shopify's clock: one minute after the last update). */
        public Order cancel() {
            touch(Duration.ofMinutes(1));
            this.cancelledAt = updatedAt;
            return this;
        }

        public List<Line> lines() {
            return lines;
        }

        /** Adds a shippable line and returns it. */
        public Line line(String vendor, String sku, int quantity) {
            Line line = new Line(nextId(), vendor, sku, quantity);
            lines.add(line);
            return line;
        }

        /** Adds a line and returns the order, for building in one expression. */
        public Order with(String vendor, String sku, int quantity) {
            line(vendor, sku, quantity);
            return this;
        }

        /** The body of orders/create, orders/updated and orders/cancelled. */
        public String payload() {
            ObjectNode o = (ObjectNode) read(SignedWebhooks.sample("orders_create.json"));
            ObjectNode template = (ObjectNode) o.withArray("line_items").get(0);
            o.put("id", id);
            o.put("admin_graphql_api_id", gid());
            o.put("name", name);
            o.put("created_at", time(T0));
            o.put("updated_at", time(updatedAt));
            o.put("processed_at", time(T0));
            if (cancelledAt == null) {
                o.putNull("cancelled_at");
                o.putNull("cancel_reason");
            } else {
                o.put("cancelled_at", time(cancelledAt));
                o.put("cancel_reason", "customer");
            }
            ArrayNode items = o.putArray("line_items");
            for (Line line : lines) {
                ObjectNode li = template.deepCopy();
                li.put("id", line.id());
                li.put("admin_graphql_api_id", line.gid());
                li.put("title", line.title());
                li.put("name", line.title());
                li.put("quantity", line.quantity());
                li.put("current_quantity", line.currentQuantity());
                li.put("fulfillable_quantity", line.currentQuantity());
                li.put("requires_shipping", line.requiresShipping());
                li.putNull("variant_id");
                li.putNull("product_id");
                if (line.sku() == null) {
                    li.putNull("sku");
                } else {
                    li.put("sku", line.sku());
                }
                if (line.vendor() == null) {
                    li.putNull("vendor");
                } else {
                    li.put("vendor", line.vendor());
                }
                items.add(li);
            }
            o.putArray("fulfillments");
            o.putArray("refunds");
            return o.toString();
        }

        private java.time.Instant triggeredAt;

        public Sent send(String topic) {
            return send(topic, payload());
        }

        public Sent create() {
            return send("orders/create");
        }

        public Sent updated() {
            return send("orders/updated");
        }

        public Sent cancelled() {
            return send("orders/cancelled");
        }

        /** orders/delete: Shopify sends only the numeric id. */
        public Sent delete() {
            return send("orders/delete", "{\"id\": " + id + "}");
        }

        /** Sends orders/create, waits until GET /orders?shopifyId= shows it, and returns our ids. */
        public Imported createAndAwait() {
            create().awaitProcessed();
            return awaitShown();
        }

        /** Waits until the admin API shows this order, and returns our ids. */
        public Imported awaitShown() {
            List<Map<String, Object>> shown = new ArrayList<>();
            await().atMost(PROCESSING).untilAsserted(() -> {
                Map<String, Object> order = find(id);
                assertThat(order).as("order %d imported", id).isNotNull();
                shown.add(order);
            });
            Map<String, Object> order = shown.get(shown.size() - 1);
            Map<Long, Long> lineIds = new HashMap<>();
            for (Object line : (List<?>) order.get("lines")) {
                Map<?, ?> l = (Map<?, ?>) line;
                lineIds.put(((Number) l.get("shopifyId")).longValue(), ((Number) l.get("id")).longValue());
            }
            return new Imported(((Number) order.get("id")).longValue(), lineIds);
        }

        /** Stamps following deliveries with this X-Shopify-Triggered-At (as a redelivery of one event would be). */
        public Order triggeredAt(java.time.Instant at) {
            this.triggeredAt = at;
            return this;
        }

        private Sent send(String topic, String body) {
            SignedWebhooks.Delivery delivery = SignedWebhooks.delivery(topic, shop, body);
            if (triggeredAt != null) {
                delivery.header("X-Shopify-Triggered-At", triggeredAt.toString());
            }
            delivery.post().then().statusCode(200);
            return new Sent(shop, delivery.webhookId());
        }
    }

    /** One line item; fields can change between deliveries (an order edit). */
    public static final class Line {
        private final long id;
        private String vendor;
        private String sku;
        private int quantity;
        private Integer currentQuantity;
        private String title;
        private boolean requiresShipping = true;

        private Line(long id, String vendor, String sku, int quantity) {
            this.id = id;
            this.vendor = vendor;
            this.sku = sku;
            this.quantity = quantity;
            this.title = "Item " + (sku == null ? id : sku);
        }

        /** The Shopify id: the suffix of the GID. */
        public long id() {
            return id;
        }

        public String gid() {
            return "gid://shopify/LineItem/" + id;
        }

        public String vendor() {
            return vendor;
        }

        public String sku() {
            return sku;
        }

        public int quantity() {
            return quantity;
        }

        /** Units the customer still orders: {@link #quantity()} unless an order edit changed it. */
        public int currentQuantity() {
            return currentQuantity == null ? quantity : currentQuantity;
        }

        public String title() {
            return title;
        }

        public boolean requiresShipping() {
            return requiresShipping;
        }

        public Line vendor(String newVendor) {
            this.vendor = newVendor;
            return this;
        }

        public Line quantity(int newQuantity) {
            this.quantity = newQuantity;
            return this;
        }

        /** An order edit: the ordered quantity stays, the current one changes (0 removes the line). */
        public Line edit(int newCurrentQuantity) {
            this.currentQuantity = newCurrentQuantity;
            return this;
        }

        public Line title(String newTitle) {
            this.title = newTitle;
            return this;
        }

        public Line requiresShipping(boolean value) {
            this.requiresShipping = value;
            return this;
        }
    }

    private static String time(Instant at) {
        return SHOPIFY_TIME.format(at.atOffset(SHOP_ZONE));
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sample is not JSON", e);
        }
    }
}
