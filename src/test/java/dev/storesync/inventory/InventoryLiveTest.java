package dev.storesync.inventory;

import static dev.storesync.testing.Api.asAdmin;
import static dev.storesync.testing.InventoryFixtures.awaitRun;
import static dev.storesync.testing.InventoryFixtures.partnerRows;
import static dev.storesync.testing.InventoryFixtures.syncNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimShop;
import dev.storesync.shopify.sim.SimWebhookSubscription;
import dev.storesync.testing.InventoryFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live updates: a partner's inventory_levels/update, sent by the simulator when the partner's stock
 * changes, re-syncs the item between sweeps.
 */
@QuarkusTest
class InventoryLiveTest {

    private static final String PARTNER_READ = "InventoryPartnerStock";
    private static final String OWNER_WRITE = "InventorySetAvailableIdempotent";

    @InjectShopifySimulator
    ShopifySimulator sim;

    private InventoryFixtures fixtures;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void setUp() {
        fixtures = InventoryFixtures.freshOwner(sim);
        // The subscriptions name the configured app URL; this test's app listens on a random port.
        sim.webhookBaseUrl("http://127.0.0.1:" + RestAssured.port);
    }

    @AfterEach
    void tearDown() {
        sim.webhookBaseUrl(null);
        sim.faults().clear();
    }

    private int calls(SimShop shop, String operation) {
        return sim.operations(shop.domain(), operation).size();
    }

    @Test
    void shouldSubscribePartnersOnlyToInventoryLevelUpdates() {
        InventoryFixtures.Partner partner = fixtures.partner("subscribed");

        assertThat(partner.shop.shop.webhookSubscriptions()).extracting(SimWebhookSubscription::topic)
                .contains("INVENTORY_LEVELS_UPDATE", "ORDERS_CREATE");
        assertThat(fixtures.owner.shop.webhookSubscriptions()).extracting(SimWebhookSubscription::topic)
                .contains("ORDERS_CREATE").doesNotContain("INVENTORY_LEVELS_UPDATE");
        // Re-subscribing the partner keeps its inventory topic.
        asAdmin().post("/admin/shops/" + partner.shop.shopId + "/subscriptions").then().statusCode(200);
        assertThat(partner.shop.shop.webhookSubscriptions()).extracting(SimWebhookSubscription::topic)
                .containsOnlyOnce("INVENTORY_LEVELS_UPDATE");
        assertThat(asAdmin().get("/admin/shops/" + partner.shop.shopId).then().statusCode(200).extract().jsonPath()
                .getString("webhookSubscriptions.find { it.topic == 'INVENTORY_LEVELS_UPDATE' }.state"))
                .isEqualTo("subscribed");
        assertThat(asAdmin().get("/admin/shops/" + fixtures.owner.shopId).then().statusCode(200).extract().jsonPath()
                .getList("webhookSubscriptions.topic")).doesNotContain("INVENTORY_LEVELS_UPDATE");
    }

    @Test
    void shouldBringAPartnerChangeBetweenSweepsToTheOwnerWithinSeconds() {
        InventoryFixtures.Partner partner = fixtures.partner("live").item(5, 0).item(8, 0);
        awaitRun(syncNow(""));
        assertThat(partner.ownerStock(0)).isEqualTo(5);
        int readsAfterSweep = calls(partner.shop.shop, PARTNER_READ);

        partner.sell(0, 3);

        await().atMost(Duration.ofSeconds(10)).until(() -> partner.ownerStock(0) == 3);
        assertThat(partner.ownerStock(1)).isEqualTo(8);
        String body = sim.operations(partner.shop.domain, PARTNER_READ).get(readsAfterSweep).body();
        assertThat(body).as("only the item the delivery named is read").contains(partner.items.get(0).variant().id())
                .doesNotContain(partner.items.get(1).variant().id());

        JsonPath live = awaitLiveRunOf(partner.id);
        assertThat(live.getString("trigger")).isEqualTo("live");
        // One run per minute for all partners: another partner's failure in the same minute makes it partial.
        assertThat(live.getString("outcome")).isIn("succeeded", "partial");
        assertThat(partnerRows(live).get(partner.id)).containsEntry("status", "healthy").containsEntry("changed", 1)
                .containsEntry("failed", 0);
        assertThat(live.getString("finishedAt")).isNotNull();
    }

    @Test
    void shouldCoalesceABurstOfUpdatesOfOneItemIntoOneReadAndOneWrite() {
        InventoryFixtures.Partner partner = fixtures.partner("burst").item(20, 20);

        for (int stock = 19; stock >= 10; stock--) {
            partner.sell(0, stock);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> partner.ownerStock(0) == 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.sentWebhooks().stream()
                .filter(w -> w.shopDomain().equals(partner.shop.domain)).count() == 10);
        assertThat(sim.sentWebhooks().stream().filter(w -> w.shopDomain().equals(partner.shop.domain)))
                .allSatisfy(w -> assertThat(w.status()).isEqualTo(200));
        assertThat(calls(partner.shop.shop, PARTNER_READ)).as("ten deliveries, one read").isEqualTo(1);
        assertThat(calls(fixtures.owner.shop, OWNER_WRITE)).as("one write of the latest value").isEqualTo(1);
        JsonPath live = awaitLiveRunOf(partner.id);
        assertThat(partnerRows(live).get(partner.id)).containsEntry("checked", 1).containsEntry("changed", 1);
    }

    @Test
    void shouldKeepALiveUpdateThroughAPartnerOutageAndSyncItAfterwards() {
        InventoryFixtures.Partner partner = fixtures.partner("outage").item(6, 6);
        sim.faults().always().shop(partner.shop.domain).operation(PARTNER_READ).status(503);

        partner.sell(0, 2);

        JsonPath failed = awaitLiveRunOf(partner.id);
        assertThat(partnerRows(failed).get(partner.id)).containsEntry("status", "failed");
        assertThat(partner.ownerStock(0)).isEqualTo(6);
        sim.faults().clear();
        await().atMost(Duration.ofSeconds(20)).until(() -> partner.ownerStock(0) == 2);
    }

    @Test
    void shouldIgnoreUpdatesFromTheOwnerAndOfUnmappedItems() {
        InventoryFixtures.Partner partner = fixtures.partner("quiet").item(4, 4);
        partner.unmapped(9);
        awaitRun(syncNow(""));
        int reads = calls(partner.shop.shop, PARTNER_READ);

        partner.items.get(1).available(partner.shop.shop.primaryLocation(), 1);
        partner.sell(0, 3);

        await().atMost(Duration.ofSeconds(10)).until(() -> partner.ownerStock(0) == 3);
        assertThat(calls(partner.shop.shop, PARTNER_READ) - reads).as("the unmapped item caused no read").isEqualTo(1);
    }

    /** The newest live run with a row for the partner. */
    private static JsonPath awaitLiveRunOf(long partnerId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !asAdmin()
                .get("/admin/inventory/runs?trigger=live&partner=" + partnerId).then().statusCode(200).extract()
                .jsonPath().getList("items").isEmpty());
        List<Map<String, Object>> items = asAdmin().get("/admin/inventory/runs?trigger=live&partner=" + partnerId)
                .then().statusCode(200).extract().jsonPath().getList("items");
        return asAdmin().get("/admin/inventory/runs/" + items.get(0).get("id")).then().statusCode(200).extract()
                .jsonPath();
    }
}
