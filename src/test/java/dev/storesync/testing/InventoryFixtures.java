package dev.storesync.testing;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimInventoryItem;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An owner store and partner stores with mapped items, set up through the inventory admin API, for
 * the inventory tests. {@link #freshOwner} deactivates earlier tests' partners, so a sweep sees only
 * the current test's.
 */
public final class InventoryFixtures {

    private final ShopifySimulator sim;
    public final ConnectedShop owner;

    private InventoryFixtures(ShopifySimulator sim, ConnectedShop owner) {
        this.sim = sim;
        this.owner = owner;
    }

    /** A new owner store; every active partner of earlier tests is deactivated. */
    public static InventoryFixtures freshOwner(ShopifySimulator sim) {
        for (Map<String, Object> p : asAdmin().get("/admin/inventory/partners").then().statusCode(200).extract()
                .jsonPath().<Map<String, Object>>getList("$")) {
            if (Boolean.TRUE.equals(p.get("active"))) {
                asAdmin().post("/admin/inventory/partners/" + p.get("id") + "/deactivate").then().statusCode(200);
            }
        }
        ConnectedShop owner = ConnectedShop.connect(sim, "owner");
        asAdmin().body(Map.of("shopId", owner.shopId)).put("/admin/inventory/owner").then().statusCode(200);
        return new InventoryFixtures(sim, owner);
    }

    public Partner partner(String name) {
        return new Partner(name);
    }

    /** A partner shop with its items and their owner counterparts. */
    public final class Partner {
        public final ConnectedShop shop;
        public final long id;
        public final List<SimInventoryItem> items = new ArrayList<>();
        public final List<SimInventoryItem> ownerItems = new ArrayList<>();

        Partner(String name) {
            shop = ConnectedShop.connect(sim, name);
            id = asAdmin().body(Map.of("shopId", shop.shopId, "displayName", name)).post("/admin/inventory/partners")
                    .then().statusCode(201).extract().jsonPath().getLong("id");
        }

        /** A mapped item: {@code partnerStock} at the partner's and {@code ownerStock} at the owner's primary location. */
        public Partner item(int partnerStock, int ownerStock) {
            SimInventoryItem item = unmapped(partnerStock);
            SimInventoryItem ownerItem = owner.shop.addInventoryItem(item.sku() + "-" + id)
                    .available(owner.shop.primaryLocation(), ownerStock);
            Map<String, Object> mapping = new HashMap<>();
            mapping.put("partnerId", id);
            mapping.put("partnerVariantGid", item.variant().id());
            mapping.put("partnerInventoryItemGid", item.id());
            mapping.put("sku", item.sku());
            mapping.put("ownerVariantGid", ownerItem.variant().id());
            mapping.put("ownerInventoryItemGid", ownerItem.id());
            asAdmin().body(mapping).post("/admin/inventory/mappings").then().statusCode(201);
            ownerItems.add(ownerItem);
            return this;
        }

        /** A partner item without a mapping (yet). */
        public SimInventoryItem unmapped(int partnerStock) {
            SimInventoryItem item = shop.shop.addInventoryItem("SKU-" + id + "-" + items.size())
                    .available(shop.shop.primaryLocation(), partnerStock);
            items.add(item);
            return item;
        }

        /** Sets the partner's stock of item {@code index} as a sale or the merchant would (a webhook follows). */
        public void sell(int index, int stock) {
            items.get(index).available(shop.shop.primaryLocation(), stock);
        }

        public int ownerStock(int index) {
            return ownerItems.get(index).available(owner.shop.primaryLocation());
        }
    }

    public static long syncNow(String query) {
        JsonPath accepted = asAdmin().post("/admin/inventory/sync" + query).then().statusCode(202).extract().jsonPath();
        assertThat(accepted.getBoolean("alreadyRunning")).isFalse();
        return accepted.getLong("runId");
    }

    public static JsonPath awaitRun(long runId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !"running".equals(asAdmin()
                .get("/admin/inventory/runs/" + runId).then().statusCode(200).extract().path("outcome")));
        return asAdmin().get("/admin/inventory/runs/" + runId).then().statusCode(200).extract().jsonPath();
    }

    /** A run's per-partner rows by partner id. */
    public static Map<Long, Map<String, Object>> partnerRows(JsonPath run) {
        Map<Long, Map<String, Object>> rows = new HashMap<>();
        for (Map<String, Object> row : run.<Map<String, Object>>getList("partners")) {
            rows.put(((Number) row.get("partnerId")).longValue(), row);
        }
        return rows;
    }
}
