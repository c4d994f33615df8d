package dev.storesync.inventory;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimInventoryItem;
import dev.storesync.shopify.sim.SimLocation;
import dev.storesync.shopify.sim.SimShop;
import dev.storesync.testing.ConnectedShop;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inventory sweep against the Shopify simulator, driven through the admin API. */
@QuarkusTest
class InventorySweepTest {

    private static final String PARTNER_READ = "InventoryPartnerStock";
    private static final String OWNER_READ = "InventoryOwnerLevels";
    /** The owner shop is on API 2026-10, so writes carry an @idempotent key. */
    private static final String OWNER_WRITE = "InventorySetAvailableIdempotent";
    private static final String ACTIVATE = "InventoryActivate";
    /** An owner item that is not stocked at the owner location. */
    private static final int NOT_STOCKED = Integer.MIN_VALUE;

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    Pool pool;

    private ConnectedShop owner;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    /** Every test has its own owner and partners: earlier tests' partners are deactivated. */
    @BeforeEach
    void freshOwner() {
        for (Map<String, Object> p : asAdmin().get("/admin/inventory/partners").then().statusCode(200).extract()
                .jsonPath().<Map<String, Object>>getList("$")) {
            if (Boolean.TRUE.equals(p.get("active"))) {
                asAdmin().post("/admin/inventory/partners/" + p.get("id") + "/deactivate").then().statusCode(200);
            }
        }
        owner = ConnectedShop.connect(sim, "owner");
        asAdmin().body(Map.of("shopId", owner.shopId)).put("/admin/inventory/owner").then().statusCode(200)
                .body("domain", equalTo(owner.domain));
    }

    @AfterEach
    void clearFaults() {
        sim.faults().clear();
    }

    /** A partner shop with its items and their owner counterparts, mapped through the admin API. */
    private final class Partner {
        final ConnectedShop shop;
        final long id;
        final List<SimInventoryItem> items = new ArrayList<>();
        final List<SimInventoryItem> ownerItems = new ArrayList<>();

        Partner(String name) {
            shop = ConnectedShop.connect(sim, name);
            id = asAdmin().body(Map.of("shopId", shop.shopId, "displayName", name)).post("/admin/inventory/partners")
                    .then().statusCode(201).extract().jsonPath().getLong("id");
        }

        /** A mapped item: {@code partnerStock} at the partner, {@code ownerStock} (or {@link #NOT_STOCKED}) at the owner. */
        Partner item(int partnerStock, int ownerStock) {
            String sku = "SKU-" + items.size();
            SimInventoryItem item = shop.shop.addInventoryItem(sku).available(shop.shop.primaryLocation(), partnerStock);
            SimInventoryItem ownerItem = owner.shop.addInventoryItem(sku + "-" + id);
            if (ownerStock != NOT_STOCKED) {
                ownerItem.available(owner.shop.primaryLocation(), ownerStock);
            }
            Map<String, Object> mapping = new HashMap<>();
            mapping.put("partnerId", id);
            mapping.put("partnerVariantGid", item.variant().id());
            mapping.put("partnerInventoryItemGid", item.id());
            mapping.put("sku", sku);
            mapping.put("ownerVariantGid", ownerItem.variant().id());
            mapping.put("ownerInventoryItemGid", ownerItem.id());
            asAdmin().body(mapping).post("/admin/inventory/mappings").then().statusCode(201);
            items.add(item);
            ownerItems.add(ownerItem);
            return this;
        }

        int ownerStock(int index) {
            return ownerItems.get(index).available(owner.shop.primaryLocation());
        }
    }

    private static long syncNow(String query) {
        JsonPath accepted = asAdmin().post("/admin/inventory/sync" + query).then().statusCode(202).extract().jsonPath();
        assertThat(accepted.getBoolean("alreadyRunning")).isFalse();
        return accepted.getLong("runId");
    }

    private static JsonPath awaitRun(long runId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !"running".equals(asAdmin()
                .get("/admin/inventory/runs/" + runId).then().statusCode(200).extract().path("outcome")));
        return asAdmin().get("/admin/inventory/runs/" + runId).then().statusCode(200).extract().jsonPath();
    }

    private int calls(SimShop shop, String operation) {
        return sim.operations(shop.domain(), operation).size();
    }

    @Test
    void shouldCopyPartnerStockWritingOnlyWhatDiffersInTheFewestCalls() {
        Partner changes = new Partner("changes").item(5, 2).item(7, 7).item(-3, 4);
        Partner same = new Partner("same").item(3, 3).item(0, 0);
        Partner big = new Partner("big");
        for (int i = 0; i < 260; i++) {
            big.item(100 + i, i < 255 ? 1 : 100 + i);
        }

        JsonPath run = awaitRun(syncNow(""));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(run.getString("trigger")).isEqualTo("sync_now");
        assertThat(changes.ownerStock(0)).isEqualTo(5);
        assertThat(changes.ownerStock(1)).isEqualTo(7);
        assertThat(changes.ownerStock(2)).as("negative partner stock is written as 0").isZero();
        assertThat(same.ownerStock(0)).isEqualTo(3);
        assertThat(big.ownerStock(0)).isEqualTo(100);
        assertThat(big.ownerStock(259)).isEqualTo(359);
        assertThat(big.items.get(0).available(big.shop.shop.primaryLocation())).as("the partner is only read")
                .isEqualTo(100);

        Map<Long, Map<String, Object>> rows = partnerRows(run);
        assertThat(rows.get(changes.id)).containsEntry("checked", 3).containsEntry("changed", 2)
                .containsEntry("unchanged", 1).containsEntry("failed", 0).containsEntry("status", "healthy");
        assertThat(rows.get(same.id)).containsEntry("checked", 2).containsEntry("changed", 0)
                .containsEntry("unchanged", 2);
        assertThat(rows.get(big.id)).containsEntry("checked", 260).containsEntry("changed", 255)
                .containsEntry("unchanged", 5);
        assertThat(run.getList("failedItems")).isEmpty();

        // The minimum: ⌈N/250⌉ reads per side per partner, ⌈changed/250⌉ writes.
        assertThat(calls(changes.shop.shop, PARTNER_READ)).isEqualTo(1);
        assertThat(calls(same.shop.shop, PARTNER_READ)).isEqualTo(1);
        assertThat(calls(big.shop.shop, PARTNER_READ)).isEqualTo(2);
        assertThat(calls(owner.shop, OWNER_READ)).isEqualTo(1 + 1 + 2);
        assertThat(calls(owner.shop, OWNER_WRITE)).isEqualTo(1 + 0 + 2);
        assertThat(calls(owner.shop, "InventoryPrimaryLocation")).isEqualTo(1);
        assertThat(sim.operations(owner.domain, OWNER_WRITE).get(0).body())
                .contains("\"changeFromQuantity\":2").contains("\"reason\":\"correction\"")
                .contains("@idempotent(key: $key)");
        assertThat(calls(owner.shop, ACTIVATE)).isZero();

        asAdmin().get("/admin/inventory/partners/" + changes.id).then().statusCode(200)
                .body("status", equalTo("healthy")).body("itemsFailing", equalTo(0)).body("activeMappings", equalTo(3));
        asAdmin().get("/admin/inventory/owner").then().statusCode(200)
                .body("locationGid", equalTo(owner.shop.primaryLocation().id()));

        // A second sweep finds nothing to write, and reads the cached owner location.
        JsonPath again = awaitRun(syncNow(""));
        assertThat(partnerRows(again).get(big.id)).containsEntry("changed", 0).containsEntry("unchanged", 260);
        assertThat(calls(owner.shop, OWNER_WRITE)).isEqualTo(3);
        assertThat(calls(owner.shop, "InventoryPrimaryLocation")).isEqualTo(1);
    }

    @Test
    void shouldRereadAndRetryOnceWhenTheOwnerLevelMovedBetweenReadAndWrite() {
        Partner partner = new Partner("stale").item(10, 3).item(4, 1);
        SimInventoryItem moved = partner.ownerItems.get(0);
        owner.shop.beforeNext(OWNER_WRITE, () -> moved.available(owner.shop.primaryLocation(), 6));

        JsonPath run = awaitRun(syncNow(""));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(partner.ownerStock(0)).isEqualTo(10);
        assertThat(partner.ownerStock(1)).isEqualTo(4);
        assertThat(calls(owner.shop, OWNER_WRITE)).as("the refused call and one retry").isEqualTo(2);
        assertThat(calls(owner.shop, OWNER_READ)).as("the sweep's read and the re-read of the stale item")
                .isEqualTo(2);
        assertThat(sim.operations(owner.domain, OWNER_WRITE).get(1).body()).contains("\"changeFromQuantity\":6");
        assertThat(partnerRows(run).get(partner.id)).containsEntry("changed", 2).containsEntry("failed", 0);
    }

    @Test
    void shouldFailOnlyThePartnerWhoseTokenWasRevoked() {
        Partner healthy = new Partner("healthy").item(8, 1);
        Partner revoked = new Partner("revoked").item(9, 1);
        revoked.shop.shop.accessToken("shpat_issued_to_someone_else");
        Partner after = new Partner("after").item(2, 5);

        JsonPath run = awaitRun(syncNow(""));

        assertThat(run.getString("outcome")).isEqualTo("partial");
        assertThat(healthy.ownerStock(0)).isEqualTo(8);
        assertThat(after.ownerStock(0)).isEqualTo(2);
        assertThat(revoked.ownerStock(0)).as("nothing is written for a partner that could not be read").isEqualTo(1);
        Map<Long, Map<String, Object>> rows = partnerRows(run);
        assertThat(rows.get(revoked.id)).containsEntry("status", "failed");
        assertThat((String) rows.get(revoked.id).get("error")).contains("access token");
        assertThat(rows.get(healthy.id)).containsEntry("status", "healthy");
        assertThat(rows.get(after.id)).containsEntry("status", "healthy");

        JsonPath partners = asAdmin().get("/admin/inventory/partners").then().statusCode(200).extract().jsonPath();
        assertThat(partners.getString("find { it.id == " + revoked.id + " }.status")).isEqualTo("failed");
        assertThat(partners.getString("find { it.id == " + revoked.id + " }.lastError")).contains("access token");
        assertThat(partners.getString("find { it.id == " + healthy.id + " }.status")).isEqualTo("healthy");
        assertThat(partners.getString("find { it.id == " + healthy.id + " }.lastSyncAt")).isNotNull();

        asAdmin().get("/admin/inventory/runs?partner=" + revoked.id + "&outcome=partial").then().statusCode(200)
                .body("items.id", hasItem((int) run.getLong("id")));
    }

    @Test
    void shouldActivateAnItemNotStockedAtTheOwnerLocationThenSetIt() {
        Partner partner = new Partner("unstocked").item(6, 1).item(3, NOT_STOCKED).item(-2, NOT_STOCKED);

        JsonPath run = awaitRun(syncNow(""));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(partner.ownerStock(0)).isEqualTo(6);
        assertThat(partner.ownerStock(1)).as("activated, then set").isEqualTo(3);
        assertThat(partner.ownerStock(2)).as("activated at 0, which negative partner stock is").isZero();
        assertThat(partnerRows(run).get(partner.id)).containsEntry("status", "healthy").containsEntry("checked", 3)
                .containsEntry("changed", 2).containsEntry("unchanged", 1).containsEntry("failed", 0);
        assertThat(run.getList("failedItems")).isEmpty();
        assertThat(calls(owner.shop, ACTIVATE)).as("one activation per unstocked item").isEqualTo(2);
        assertThat(calls(owner.shop, OWNER_WRITE)).as("the stocked and the activated item in one call").isEqualTo(1);
        assertThat(sim.operations(owner.domain, OWNER_WRITE).get(0).body()).contains("\"changeFromQuantity\":0");
    }

    @Test
    void shouldActivateAndSetAgainAnItemUnstockedBetweenReadAndWrite() {
        Partner partner = new Partner("unstocked-later").item(8, 2).item(5, 1);
        SimInventoryItem ownerItem = partner.ownerItems.get(0);
        owner.shop.beforeNext(OWNER_WRITE, () -> ownerItem.unstock(owner.shop.primaryLocation()));

        JsonPath run = awaitRun(syncNow(""));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(partner.ownerStock(0)).isEqualTo(8);
        assertThat(partner.ownerStock(1)).isEqualTo(5);
        assertThat(calls(owner.shop, ACTIVATE)).isEqualTo(1);
        assertThat(calls(owner.shop, OWNER_WRITE)).as("the refused call and one retry").isEqualTo(2);
        assertThat(partnerRows(run).get(partner.id)).containsEntry("changed", 2).containsEntry("failed", 0);
    }

    @Test
    void shouldWriteOnceWhenAWriteWhoseAnswerWasLostIsResentWithItsIdempotencyKey() {
        Partner partner = new Partner("lost-answer").item(9, 4).item(2, 2);
        int writesBefore = owner.shop.inventoryWrites();
        sim.faults().next(1).shop(owner.domain).operation(OWNER_WRITE).executeThenStatus(502);

        JsonPath run = awaitRun(syncNow(""));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(partner.ownerStock(0)).isEqualTo(9);
        List<String> bodies = sim.operations(owner.domain, OWNER_WRITE).stream().map(r -> r.body()).toList();
        assertThat(bodies).as("the call whose answer was lost, and its resend").hasSize(2);
        String key = new JsonObject(bodies.get(0)).getJsonObject("variables").getString("key");
        assertThat(key).isNotBlank();
        assertThat(new JsonObject(bodies.get(1)).getJsonObject("variables").getString("key"))
                .as("the resend carries the same key").isEqualTo(key);
        assertThat(owner.shop.inventoryWrites() - writesBefore).as("Shopify applied the change once").isEqualTo(1);
        assertThat(partnerRows(run).get(partner.id)).containsEntry("changed", 1).containsEntry("unchanged", 1)
                .containsEntry("failed", 0);
        assertThat(run.getList("failedItems")).isEmpty();
    }

    @Test
    void shouldSendNoIdempotencyKeyToAnApiVersionWithoutTheDirective() {
        owner = ConnectedShop.connect(sim, "owner-2025", "2025-10");
        asAdmin().body(Map.of("shopId", owner.shopId)).put("/admin/inventory/owner").then().statusCode(200);
        Partner partner = new Partner("older-owner").item(7, 1);

        JsonPath run = awaitRun(syncNow(""));

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(partner.ownerStock(0)).isEqualTo(7);
        assertThat(calls(owner.shop, OWNER_WRITE)).isZero();
        assertThat(sim.operations(owner.domain, "InventorySetAvailable")).singleElement()
                .satisfies(r -> assertThat(r.body()).doesNotContain("@idempotent").contains("\"changeFromQuantity\":1"));
    }

    @Test
    void shouldReadThePartnersLevelAtItsLocationWhenOneIsSet() {
        Partner partner = new Partner("warehouse").item(5, 0).item(4, 0);
        SimLocation warehouse = partner.shop.shop.addLocation("Warehouse");
        partner.items.get(0).available(warehouse, 11);
        asAdmin().body(Map.of("locationGid", warehouse.id())).put("/admin/inventory/partners/" + partner.id + "/location")
                .then().statusCode(200).body("locationGid", equalTo(warehouse.id()));
        asAdmin().body(Map.of("locationGid", "warehouse")).put("/admin/inventory/partners/" + partner.id + "/location")
                .then().statusCode(422).body("errors.field", hasItem("locationGid"));

        JsonPath run = awaitRun(syncNow(""));

        assertThat(partner.ownerStock(0)).as("the warehouse level, not the total of 16").isEqualTo(11);
        assertThat(partner.ownerStock(1)).as("not stocked at the warehouse: left alone").isZero();
        assertThat(run.getString("outcome")).isEqualTo("partial");
        assertThat(run.getString("failedItems[0].reason")).isEqualTo("not_stocked_at_partner_location");
        assertThat(calls(partner.shop.shop, "InventoryPartnerLevels")).isEqualTo(1);
        assertThat(calls(partner.shop.shop, PARTNER_READ)).isZero();

        java.util.HashMap<String, Object> clear = new java.util.HashMap<>();
        clear.put("locationGid", null);
        asAdmin().body(clear).put("/admin/inventory/partners/" + partner.id + "/location").then().statusCode(200)
                .body("locationGid", org.hamcrest.Matchers.nullValue());
        awaitRun(syncNow(""));
        assertThat(partner.ownerStock(0)).as("back to the variant's total").isEqualTo(16);
        assertThat(partner.ownerStock(1)).isEqualTo(4);
    }

    @Test
    void shouldAnswerTheRunningRunsIdToASyncNowDuringARun() throws InterruptedException {
        Partner partner = new Partner("slow").item(4, 0);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        partner.shop.shop.beforeNext(PARTNER_READ, () -> {
            reading.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        long first = syncNow("?partner=" + partner.id);
        assertThat(reading.await(20, TimeUnit.SECONDS)).isTrue();
        JsonPath second = asAdmin().post("/admin/inventory/sync").then().statusCode(202).extract().jsonPath();
        release.countDown();

        assertThat(second.getLong("runId")).isEqualTo(first);
        assertThat(second.getBoolean("alreadyRunning")).isTrue();
        JsonPath run = awaitRun(first);
        assertThat(run.getString("trigger")).isEqualTo("partner_resync");
        assertThat(run.getLong("partnerId")).isEqualTo(partner.id);
        assertThat(partner.ownerStock(0)).isEqualTo(4);
        asAdmin().get("/admin/inventory/runs?trigger=partner_resync&limit=1").then().statusCode(200)
                .body("items[0].id", equalTo((int) first));
    }

    @Test
    void shouldAbandonARunWhoseReplicaStoppedAndStartANewOne() {
        Partner partner = new Partner("aftercrash").item(5, 0);
        long dead = pool.query("""
                INSERT INTO inventory_sync_runs (trigger, started_at, heartbeat_at)
                VALUES ('sync_now', now() - interval '2 hours', now() - interval '1 hour') RETURNING id""")
                .execute().await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("id");

        long next = syncNow("");

        assertThat(next).isNotEqualTo(dead);
        awaitRun(next);
        assertThat(partner.ownerStock(0)).isEqualTo(5);
        asAdmin().get("/admin/inventory/runs/" + dead).then().statusCode(200)
                .body("outcome", equalTo("abandoned")).body("error", containsString("heartbeat"));
    }

    @Test
    void shouldValidateAndManagePartnersAndMappings() {
        Partner partner = new Partner("admin").item(1, 1);
        asAdmin().body(Map.of("shopId", partner.shop.shopId, "displayName", "again")).post("/admin/inventory/partners")
                .then().statusCode(409);
        asAdmin().body(Map.of("shopId", owner.shopId, "displayName", "owner")).post("/admin/inventory/partners")
                .then().statusCode(422).body("errors.field", hasItem("shopId"));
        asAdmin().body(Map.of("displayName", "")).post("/admin/inventory/partners").then().statusCode(422)
                .body("errors.field", hasItem("shopId")).body("errors.field", hasItem("displayName"));

        Map<String, Object> bad = Map.of("partnerId", partner.id, "partnerVariantGid", "123",
                "partnerInventoryItemGid", partner.items.get(0).id(), "ownerVariantGid", "x",
                "ownerInventoryItemGid", "gid://shopify/InventoryItem/1");
        asAdmin().body(bad).post("/admin/inventory/mappings").then().statusCode(422)
                .body("errors.field", hasItem("partnerVariantGid")).body("errors.field", hasItem("ownerVariantGid"));
        Map<String, Object> duplicate = Map.of("partnerId", partner.id,
                "partnerVariantGid", partner.items.get(0).variant().id(),
                "partnerInventoryItemGid", partner.items.get(0).id(),
                "ownerVariantGid", "gid://shopify/ProductVariant/1", "ownerInventoryItemGid", "gid://shopify/InventoryItem/1");
        asAdmin().body(duplicate).post("/admin/inventory/mappings").then().statusCode(409);
        Map<String, Object> sameOwnerItem = Map.of("partnerId", partner.id,
                "partnerVariantGid", "gid://shopify/ProductVariant/42", "partnerInventoryItemGid", "gid://shopify/InventoryItem/42",
                "ownerVariantGid", partner.ownerItems.get(0).variant().id(),
                "ownerInventoryItemGid", partner.ownerItems.get(0).id());
        asAdmin().body(sameOwnerItem).post("/admin/inventory/mappings").then().statusCode(409);

        long mappingId = asAdmin().get("/admin/inventory/mappings?partner=" + partner.id).then().statusCode(200)
                .extract().jsonPath().getLong("items[0].id");
        asAdmin().post("/admin/inventory/mappings/" + mappingId + "/deactivate").then().statusCode(200)
                .body("active", equalTo(false));
        asAdmin().get("/admin/inventory/mappings?partner=" + partner.id + "&status=active").then().statusCode(200)
                .body("items.size()", equalTo(0));
        asAdmin().get("/admin/inventory/mappings?partner=" + partner.id + "&status=inactive").then().statusCode(200)
                .body("items.size()", equalTo(1));
        asAdmin().get("/admin/inventory/mappings?status=sometimes").then().statusCode(422)
                .body("errors.field", hasItem("status"));
        asAdmin().delete("/admin/inventory/mappings/" + mappingId).then().statusCode(204);
        asAdmin().delete("/admin/inventory/mappings/" + mappingId).then().statusCode(404);

        asAdmin().post("/admin/inventory/partners/" + partner.id + "/deactivate").then().statusCode(200)
                .body("active", equalTo(false));
        asAdmin().post("/admin/inventory/sync?partner=" + partner.id).then().statusCode(409);
        asAdmin().get("/admin/inventory/runs?trigger=hourly").then().statusCode(422).body("errors.field", hasItem("trigger"));
        asAdmin().get("/admin/inventory/runs/999999999").then().statusCode(404);
    }

    private static Map<Long, Map<String, Object>> partnerRows(JsonPath run) {
        Map<Long, Map<String, Object>> rows = new HashMap<>();
        for (Map<String, Object> row : run.<Map<String, Object>>getList("partners")) {
            rows.put(((Number) row.get("partnerId")).longValue(), row);
        }
        return rows;
    }
}
