package dev.storesync.carriers;

import static dev.storesync.carriers.Ship24Webhooks.body;
import static dev.storesync.carriers.Ship24Webhooks.event;
import static dev.storesync.carriers.Ship24Webhooks.eventId;
import static dev.storesync.carriers.Ship24Webhooks.tracking;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Shipments;
import dev.storesync.testing.Vendors;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's delayed tab and alert use the carrier's scans of a vendor shipment where Ship24
 * tracks it: a recent scan means the parcel moves, a delivery ends its transit.
 */
@QuarkusTest
class CarrierDelayedTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void delayedFollowsTheCarriersScansOfAVendorShipment() throws Exception {
        ConnectedShop store = ConnectedShop.connect(sim, "carrierdelay");
        Vendors.Vendor vendor = Vendors.create("Hasami Kiln");
        SimOrder order = store.shop.order().line("BOWL-1", 1, vendor.name()).createRouted();
        long orderId = store.importOrder(order);
        String tn = Ship24Webhooks.trackingNumber();
        long shipmentId = Shipments.registered(vendor.key(), orderId, tn, ConnectedShop.lineIds(orderId).get("BOWL-1"), 1);
        await().atMost(WITHIN).until(() -> "synced".equals(asAdmin().get("/shipments/" + shipmentId).then()
                .statusCode(200).extract().path("syncStatus")));

        // Two days without news from Shopify: delayed.
        execute("UPDATE shipments SET synced_at = now() - interval '2 days' WHERE id = ?", shipmentId);
        await().atMost(WITHIN).until(() -> delayed(store).contains(order.name()));
        await().atMost(WITHIN).until(() -> openAlerts(store, order).contains("delayed"));

        // The carrier's last scan is 26 hours old: still delayed.
        Ship24Webhooks.deliver(body(tracking(tn, null,
                event(eventId(), ago(Duration.ofHours(26)), "in_transit", "Arrived at sorting centre"))));
        assertThat(delayed(store)).contains(order.name());

        // Scanned an hour ago: it moves, so it is neither listed as delayed nor alerted.
        Ship24Webhooks.deliver(body(tracking(tn, null,
                event(eventId(), ago(Duration.ofHours(1)), "in_transit", "Departed facility"))));
        assertThat(delayed(store)).doesNotContain(order.name());
        assertThat(openAlerts(store, order)).doesNotContain("delayed");

        // Delivered: no longer in transit, however old its last update becomes.
        Ship24Webhooks.deliver(body(tracking(tn, null, event(eventId(), ago(Duration.ofMinutes(5)), "delivered", "Delivered"))));
        execute("UPDATE shipments SET synced_at = now() - interval '5 days' WHERE id = ?", shipmentId);
        assertThat(delayed(store)).doesNotContain(order.name());
        assertThat(openAlerts(store, order)).doesNotContain("delayed");
    }

    private static String ago(Duration d) {
        return Instant.now().minus(d).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static List<String> delayed(ConnectedShop store) {
        return asAdmin().queryParam("shop_domain", store.domain).queryParam("tab", "delayed").get("/sync/orders")
                .then().statusCode(200).extract().jsonPath().getList("orders.name", String.class);
    }

    private static List<String> openAlerts(ConnectedShop store, SimOrder order) {
        return asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders").then().statusCode(200)
                .extract().jsonPath().getList("orders.find { it.name == '" + order.name() + "' }.alerts.kind", String.class);
    }

    private void execute(String sql, long id) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
