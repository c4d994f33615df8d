package dev.storesync.inventory;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimInventoryItem;
import dev.storesync.testing.ConnectedShop;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inventory tests' world, set up through the admin API as {@link InventorySweepTest} does: a
 * fresh owner shop (earlier tests' partners deactivated, so runs sweep only this test's partners)
 * and partners with mapped items in the simulator.
 */
final class InventoryFixtures {

    final ShopifySimulator sim;
    final ConnectedShop owner;

    private InventoryFixtures(ShopifySimulator sim, ConnectedShop owner) {
        this.sim = sim;
        this.owner = owner;
    }

    static InventoryFixtures freshOwner(ShopifySimulator sim) {
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

    Partner partner(String name) {
        return new Partner(name);
    }

    /** A partner shop with its items and their owner counterparts. */
    final class Partner {
        final ConnectedShop shop;
        final String name;
        final long id;
        final List<SimInventoryItem> items = new ArrayList<>();
        final List<SimInventoryItem> ownerItems = new ArrayList<>();
        final List<Long> mappingIds = new ArrayList<>();

        private Partner(String prefix) {
            shop = ConnectedShop.connect(sim, prefix);
            name = prefix + " " + shop.domain.substring(prefix.length() + 1, prefix.length() + 9);
            id = asAdmin().body(Map.of("shopId", shop.shopId, "displayName", name)).post("/admin/inventory/partners")
                    .then().statusCode(201).extract().jsonPath().getLong("id");
        }

        /** A mapped item: {@code partnerStock} at the partner, {@code ownerStock} at the owner. */
        Partner item(int partnerStock, int ownerStock) {
            String sku = "SKU-" + items.size();
            SimInventoryItem item = shop.shop.addInventoryItem(sku).available(shop.shop.primaryLocation(), partnerStock);
            SimInventoryItem ownerItem = owner.shop.addInventoryItem(sku + "-" + id)
                    .available(owner.shop.primaryLocation(), ownerStock);
            mappingIds.add(map(item.variant().id(), item.id(), ownerItem));
            items.add(item);
            ownerItems.add(ownerItem);
            return this;
        }

        /** A mapping whose partner variant does not exist in the partner store: it fails on every run. */
        long missingItem() {
            int n = mappingIds.size();
            SimInventoryItem ownerItem = owner.shop.addInventoryItem("MISSING-" + n + "-" + id)
                    .available(owner.shop.primaryLocation(), 1);
            long mapping = map("gid://shopify/ProductVariant/" + (990_000_000L + id * 100 + n),
                    "gid://shopify/InventoryItem/" + (990_000_000L + id * 100 + n), ownerItem);
            mappingIds.add(mapping);
            return mapping;
        }

        private long map(String partnerVariant, String partnerItem, SimInventoryItem ownerItem) {
            Map<String, Object> mapping = new HashMap<>();
            mapping.put("partnerId", id);
            mapping.put("partnerVariantGid", partnerVariant);
            mapping.put("partnerInventoryItemGid", partnerItem);
            mapping.put("ownerVariantGid", ownerItem.variant().id());
            mapping.put("ownerInventoryItemGid", ownerItem.id());
            return asAdmin().body(mapping).post("/admin/inventory/mappings").then().statusCode(201).extract()
                    .jsonPath().getLong("id");
        }

        int ownerStock(int index) {
            return ownerItems.get(index).available(owner.shop.primaryLocation());
        }

        JsonPath view() {
            return asAdmin().get("/admin/inventory/partners/" + id).then().statusCode(200).extract().jsonPath();
        }
    }

    static long syncNow() {
        JsonPath accepted = asAdmin().post("/admin/inventory/sync").then().statusCode(202).extract().jsonPath();
        assertThat(accepted.getBoolean("alreadyRunning")).isFalse();
        return accepted.getLong("runId");
    }

    static JsonPath awaitRun(long runId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !"running".equals(asAdmin()
                .get("/admin/inventory/runs/" + runId).then().statusCode(200).extract().path("outcome")));
        return asAdmin().get("/admin/inventory/runs/" + runId).then().statusCode(200).extract().jsonPath();
    }

    static Map<String, Object> partnerRow(JsonPath run, long partnerId) {
        return run.<Map<String, Object>>getList("partners").stream()
                .filter(r -> ((Number) r.get("partnerId")).longValue() == partnerId).findFirst().orElseThrow();
    }
}
