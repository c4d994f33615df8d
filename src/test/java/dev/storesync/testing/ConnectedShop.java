package dev.storesync.testing;

import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimLineItem;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.shopify.sim.SimShop;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A shop that exists both in the Shopify simulator and in StoreSync (registered by hand with the
 * simulator's token), with helpers to bring the simulator's orders into StoreSync the way Shopify
 * does: a signed {@code orders/create} webhook.
 */
public final class ConnectedShop {

    public final SimShop shop;
    public final String domain;
    public final long shopId;

    private ConnectedShop(SimShop shop, String domain, long shopId) {
        this.shop = shop;
        this.domain = domain;
        this.shopId = shopId;
    }

    public static ConnectedShop connect(ShopifySimulator sim, String prefix) {
        return connect(sim, prefix, null);
    }

    /** Same, registered with an Admin API version of its own (null: the configured one). */
    public static ConnectedShop connect(ShopifySimulator sim, String prefix, String apiVersion) {
        String domain = Api.uniqueShopDomain(prefix);
        String token = "shpat_" + UUID.randomUUID().toString().replace("-", "");
        SimShop shop = sim.addShop(domain, token);
        Map<String, Object> body = new HashMap<>(Map.of("domain", domain, "accessToken", token));
        if (apiVersion != null) {
            body.put("apiVersion", apiVersion);
        }
        long id = Api.asAdmin().body(body).post("/admin/shops")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        return new ConnectedShop(shop, domain, id);
    }

    /** Sends the order as an {@code orders/create} webhook and waits until StoreSync has it; returns its id. */
    public long importOrder(SimOrder order) {
        return sendOrder("orders/create", order, order.updatedAt());
    }

    /** Sends an orders/* webhook with the order as it is now, stamped {@code updatedAt}. */
    public long sendOrder(String topic, SimOrder order, Instant updatedAt) {
        SignedWebhooks.delivery(topic, domain, payload(order, updatedAt).encode()).post().then().statusCode(200);
        long shopifyId = Long.parseLong(order.legacyResourceId());
        await().atMost(Duration.ofSeconds(15)).until(() -> !Api.asAdmin().get("/orders?shopifyId=" + shopifyId)
                .then().statusCode(200).extract().jsonPath().getList("id").isEmpty());
        return Api.asAdmin().get("/orders?shopifyId=" + shopifyId).then().extract().jsonPath().getLong("[0].id");
    }

    /** StoreSync's line item ids of an order, by SKU. */
    public static Map<String, Long> lineIds(long orderId) {
        List<Map<String, Object>> lines = Api.asAdmin().get("/orders/" + orderId).then().statusCode(200)
                .extract().jsonPath().getList("lines");
        Map<String, Long> out = new HashMap<>();
        lines.forEach(l -> out.put((String) l.get("sku"), ((Number) l.get("id")).longValue()));
        return out;
    }

    /** The REST-shaped webhook body Shopify would send for the order. */
    public static JsonObject payload(SimOrder order, Instant updatedAt) {
        JsonArray lines = new JsonArray();
        for (SimLineItem li : order.lineItems()) {
            lines.add(new JsonObject()
                    .put("id", Long.parseLong(li.id().substring(li.id().lastIndexOf('/') + 1)))
                    .put("admin_graphql_api_id", li.id())
                    .put("sku", li.sku()).put("title", li.title()).put("name", li.name())
                    .put("quantity", li.quantity()).put("current_quantity", li.currentQuantity())
                    .put("vendor", li.vendor())
                    .put("requires_shipping", li.requiresShipping())
                    .put("fulfillable_quantity", li.unfulfilledQuantity()));
        }
        return new JsonObject()
                .put("id", Long.parseLong(order.legacyResourceId()))
                .put("admin_graphql_api_id", order.id())
                .put("name", order.name())
                .put("created_at", order.createdAt().toString())
                .put("updated_at", updatedAt.toString())
                .put("cancelled_at", order.cancelledAt() == null ? null : order.cancelledAt().toString())
                .put("cancel_reason", order.cancelReason())
                .put("financial_status", "paid")
                .put("email", "buyer@example.com")
                .put("customer", new JsonObject().put("first_name", "Hanako").put("last_name", "Yamada"))
                .put("line_items", lines);
    }
}
