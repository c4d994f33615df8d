package dev.storesync.orders;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimLocation;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FO diagnostics check, per line, the product prerequisites of Shopify's order routing, so an
 * order without fulfillment orders says for each line why Shopify probably created none.
 */
@QuarkusTest
class FulfillmentOrderDiagnosticsTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldSayPerLineWhyAnOrderHasNoFulfillmentOrder() {
        ConnectedShop store = ConnectedShop.connect(sim, "nofo");
        SimLocation shop = store.shop.primaryLocation();
        store.shop.addInventoryItem("READY-1").available(shop, 5);
        store.shop.addInventoryItem("UNTRACKED-1").available(shop, 5).tracked(false);
        store.shop.addInventoryItem("UNSTOCKED-1");
        store.shop.addInventoryItem("EMPTY-1").available(shop, 0);
        store.shop.addInventoryItem("NOPROFILE-1").available(shop, 5).deliveryProfile(null);
        store.shop.addInventoryItem("NORATES-1").available(shop, 5)
                .deliveryProfile(store.shop.addDeliveryProfile("Oversize", 0));
        store.shop.addInventoryItem("EDITED-1").available(shop, 5);
        SimOrder order = store.shop.order().line("READY-1", 1).line("UNTRACKED-1", 1).line("UNSTOCKED-1", 1)
                .line("EMPTY-1", 1).line("NOPROFILE-1", 1).line("NORATES-1", 1).line("CUSTOM-1", 1)
                .line("EDITED-1", 2).create().edit("EDITED-1", 0);
        long orderId = store.importOrder(order);

        JsonPath report = asAdmin().get("/orders/" + orderId + "/fulfillment-orders/diagnostics").then().statusCode(200)
                .extract().jsonPath();

        assertThat(report.getBoolean("fulfillmentOrdersGenerated")).isFalse();
        assertThat(report.getInt("fulfillmentOrderCount")).isZero();
        assertThat(report.getString("productsNote")).isNull();
        assertThat(verdict(report, "READY-1")).isEqualTo("fo_missing");
        assertThat(report.getList(line("READY-1") + ".prerequisites.ok")).containsOnly(true);
        assertThat(verdict(report, "UNTRACKED-1")).isEqualTo("inventory_not_tracked");
        assertThat(report.getString(line("UNTRACKED-1") + ".en")).contains("Track quantity");
        assertThat(verdict(report, "UNSTOCKED-1")).isEqualTo("not_stocked");
        assertThat(report.getString(line("UNSTOCKED-1") + ".en")).contains("not stocked at any location");
        assertThat(verdict(report, "EMPTY-1")).isEqualTo("not_stocked");
        assertThat(report.getString(line("EMPTY-1") + ".en")).contains("no stock on hand");
        assertThat(verdict(report, "NOPROFILE-1")).isEqualTo("no_delivery_profile");
        assertThat(verdict(report, "NORATES-1")).isEqualTo("no_delivery_profile");
        assertThat(report.getString(line("NORATES-1") + ".en")).contains("\"Oversize\" has no active shipping rate");
        assertThat(verdict(report, "CUSTOM-1")).isEqualTo("no_variant");
        assertThat(verdict(report, "EDITED-1")).isEqualTo("removed_by_edit");
        assertThat(report.getInt(line("EDITED-1") + ".quantity")).isZero();
        assertThat(report.getList("lines.ja", String.class)).allSatisfy(ja -> assertThat(ja).isNotBlank());
        assertThat(sim.requests(r -> store.domain.equals(r.shop()) && "OrderLineProducts".equals(r.operationName())))
                .hasSize(1);
    }

    @Test
    void shouldCheckStockAtTheLocationTheFulfillmentOrderIsAssignedTo() {
        ConnectedShop store = ConnectedShop.connect(sim, "fostock");
        SimLocation warehouse = store.shop.addLocation("Osaka warehouse");
        store.shop.addInventoryItem("ROUTED-1").available(store.shop.primaryLocation(), 0).available(warehouse, 4);
        SimOrder order = store.shop.order().line("ROUTED-1", 1).createRouted();
        long orderId = store.importOrder(order);

        JsonPath report = asAdmin().get("/orders/" + orderId + "/fulfillment-orders/diagnostics").then().statusCode(200)
                .extract().jsonPath();

        assertThat(report.getBoolean("fulfillmentOrdersGenerated")).isTrue();
        assertThat(verdict(report, "ROUTED-1")).isEqualTo("fulfillable");
        List<String> names = report.getList(line("ROUTED-1") + ".prerequisites.name");
        assertThat(names).containsExactly("requires_shipping", "inventory_tracked", "stocked_at_location",
                "delivery_profile");
        String stock = "lines.find { it.sku == 'ROUTED-1' }.prerequisites.find { it.name == 'stocked_at_location' }";
        assertThat(report.getBoolean(stock + ".ok")).isFalse();
        assertThat(report.getString(stock + ".en")).contains("the assigned location").contains("Shop location")
                .doesNotContain("Osaka");
    }

    private static String line(String sku) {
        return "lines.find { it.sku == '" + sku + "' }";
    }

    private static String verdict(JsonPath report, String sku) {
        return report.getString(line(sku) + ".verdict");
    }
}
