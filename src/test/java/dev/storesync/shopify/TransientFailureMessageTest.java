package dev.storesync.shopify;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.Api;
import dev.storesync.testing.ConnectedShop;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What vendors read when Shopify cannot be reached: words, never exception class names. */
@QuarkusTest
class TransientFailureMessageTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @AfterEach
    void clearFaults() {
        sim.faults().clear();
    }

    @Test
    void shouldTellTheVendorInWordsThatShopifyDroppedTheConnection() {
        ConnectedShop store = ConnectedShop.connect(sim, "dropping");
        String vendorName = "Arita Porcelain " + UUID.randomUUID().toString().substring(0, 6);
        long vendorId = asAdmin().body(Map.of("name", vendorName)).post("/admin/vendors").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        String vendorKey = Api.newKey("vendor", vendorId);
        SimOrder order = store.shop.order().line("DISH-1", 1, vendorName).createRouted();
        long orderId = store.importOrder(order);
        sim.faults().always().shop(store.domain).operation("SyncFulfillmentOrders").dropConnection();

        long shipmentId = as(vendorKey).body(Map.of("lines", List.of(Map.of("lineItemId",
                ConnectedShop.lineIds(orderId).get("DISH-1"), "quantity", 1)), "trackingNumber", "TRK-" + UUID.randomUUID()))
                .post("/orders/" + orderId + "/shipments").then().statusCode(201).extract().jsonPath().getLong("id");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                shipment(vendorKey, shipmentId).getString("lastError.code")).isEqualTo("transient"));
        JsonPath view = shipment(vendorKey, shipmentId);
        assertThat(view.getString("lastError.en")).contains("could not be reached or closed the connection");
        assertThat(view.getString("lastError.ja")).contains("接続が切断されました");
        assertThat(view.prettify()).doesNotContainIgnoringCase("exception");
    }

    private static JsonPath shipment(String key, long id) {
        return as(key).get("/shipments/" + id).then().statusCode(200).extract().jsonPath();
    }
}
