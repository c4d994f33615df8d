package dev.storesync.carriers;

import static dev.storesync.carriers.Ship24Webhooks.body;
import static dev.storesync.carriers.Ship24Webhooks.event;
import static dev.storesync.carriers.Ship24Webhooks.tracking;
import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Shipments;
import dev.storesync.testing.Vendors;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /webhooks/ship24: the secret, the inbox, and what tracking updates do to tracked and vendor shipments. */
@QuarkusTest
class Ship24WebhookTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AgroalDataSource dataSource;

    private PlatformRows platform;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void rows() {
        platform = new PlatformRows(dataSource);
    }

    @Test
    void shouldApplyTheSamplePayloadWithStatusFromTheNewestEvent() {
        String tn1 = Ship24Webhooks.trackingNumber();
        String tn2 = Ship24Webhooks.trackingNumber();
        String prefix = tn1 + "-";
        String body = Ship24Webhooks.sample(Map.of("SAMPLE-TRACKING-1", tn1, "SAMPLE-TRACKING-2", tn2,
                "SAMPLE-REFERENCE-1", "PO " + PlatformRows.poNumber(), "SAMPLE-EVENT-", prefix));
        Ship24Webhooks.deliver(body);

        JsonPath first = asAdmin().get("/platform/shipments?trackingNumber=" + tn1).then().statusCode(200).extract().jsonPath();
        assertThat(first.getString("[0].courierCode")).isEqualTo("yamato");
        assertThat(first.getString("[0].statusMilestone")).isEqualTo("out_for_delivery");
        assertThat(first.getString("[0].statusCode")).isEqualTo("delivery_out_for_delivery");
        assertThat(first.getString("[0].lastEventAt")).isEqualTo("2026-11-19T23:12:00Z");
        assertThat(first.getString("[0].estimatedDelivery")).isEqualTo("2026-11-20T00:00:00Z");
        assertThat(first.getString("[0].lastEvent.location")).isEqualTo("Shibuya Center");
        assertThat(first.getString("[0].order")).as("no PO with that number exists: an orphan").isNull();
        long id = first.getLong("[0].id");
        JsonPath detail = asAdmin().get("/platform/shipments/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getList("events.eventId")).containsExactly(prefix + "3", prefix + "2", prefix + "1");
        assertThat(detail.getString("events[2].status")).isEqualTo("荷物受付 (Shipment accepted)");

        // A tracker without courier codes and an event in courier local time (no offset).
        JsonPath second = asAdmin().get("/platform/shipments?trackingNumber=" + tn2).then().statusCode(200).extract().jsonPath();
        assertThat(second.getString("[0].courierCode")).isEmpty();
        assertThat(second.getString("[0].statusMilestone")).isEqualTo("info_received");
        assertThat(second.getString("[0].lastEventAt")).isEqualTo("2026-11-19T10:05:31Z");
        assertThat(second.getString("[0].rawReference")).isNull();
    }

    @Test
    void shouldStoreOverlappingEventsOnceAndFollowTheNewestByOccurrenceTime() {
        String tn = Ship24Webhooks.trackingNumber();
        String e1 = Ship24Webhooks.eventId();
        String e2 = Ship24Webhooks.eventId();
        String e3 = Ship24Webhooks.eventId();
        // Ship24 resends earlier events with new ones: the second body repeats e2.
        Ship24Webhooks.deliver(body(tracking(tn, null, event(e1, "2026-11-18T09:00:00Z", "info_received", "Label created"),
                event(e2, "2026-11-19T09:00:00Z", "in_transit", "Departed"))));
        Ship24Webhooks.deliver(body(tracking(tn, null, event(e2, "2026-11-19T09:00:00Z", "in_transit", "Departed"),
                event(e3, "2026-11-20T09:00:00Z", "delivered", "Delivered"))));
        long id = shipmentId(tn);
        JsonPath detail = asAdmin().get("/platform/shipments/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getList("events.eventId")).containsExactly(e3, e2, e1);
        assertThat(detail.getString("shipment.statusMilestone")).isEqualTo("delivered");
        assertThat(detail.getString("shipment.lastEventAt")).isEqualTo("2026-11-20T09:00:00Z");

        // An older event arriving last (out of order) is stored but does not change the status.
        String late = Ship24Webhooks.eventId();
        Ship24Webhooks.deliver(body(tracking(tn, null, event(late, "2026-11-19T15:00:00+09:00", "exception", "Address unclear"))));
        JsonPath after = asAdmin().get("/platform/shipments/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(after.getList("events.eventId")).containsExactly(e3, e2, late, e1);
        assertThat(after.getString("shipment.statusMilestone")).isEqualTo("delivered");
        assertThat(after.getString("shipment.lastEventAt")).isEqualTo("2026-11-20T09:00:00Z");
    }

    @Test
    void shouldRecordTheCarrierStatusOnTheVendorShipmentWithTheSameTrackingNumber() {
        ConnectedShop store = ConnectedShop.connect(sim, "carrier");
        Vendors.Vendor vendor = Vendors.create("Mino Ceramics");
        SimOrder order = store.shop.order().line("MUG-1", 1, vendor.name()).createRouted();
        long orderId = store.importOrder(order);
        String tn = Ship24Webhooks.trackingNumber();
        // The vendor typed it with dashes and in lower case; the carrier sends it bare.
        String typed = tn.substring(0, 6).toLowerCase(java.util.Locale.ROOT) + "-" + tn.substring(6);
        long shipmentId = Shipments.registered(vendor.key(), orderId, typed, ConnectedShop.lineIds(orderId).get("MUG-1"), 1);
        asAdmin().get("/shipments/" + shipmentId).then().statusCode(200).body("carrierTracking", equalTo(null));

        Ship24Webhooks.deliver(body(tracking(tn, null, event(Ship24Webhooks.eventId(), "2026-11-20T09:00:00Z", "in_transit", "Departed"),
                event(Ship24Webhooks.eventId(), "2026-11-21T09:00:00Z", "out_for_delivery", "Out for delivery"))));
        as(vendor.key()).get("/shipments/" + shipmentId).then().statusCode(200)
                .body("carrierTracking.status", equalTo("out_for_delivery"))
                .body("carrierTracking.lastEventAt", equalTo("2026-11-21T09:00:00Z"));

        // An older event changes nothing; a newer one moves it on.
        Ship24Webhooks.deliver(body(tracking(tn, null, event(Ship24Webhooks.eventId(), "2026-11-19T09:00:00Z", "info_received", "Label"))));
        asAdmin().get("/shipments/" + shipmentId).then().body("carrierTracking.status", equalTo("out_for_delivery"));
        Ship24Webhooks.deliver(body(tracking(tn, null, event(Ship24Webhooks.eventId(), "2026-11-21T13:30:00Z", "delivered", "Delivered"))));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> asAdmin().get("/shipments/" + shipmentId).then()
                .body("carrierTracking.status", equalTo("delivered"))
                .body("carrierTracking.statusCode", equalTo("delivery_delivered"))
                .body("carrierTracking.lastEventAt", equalTo("2026-11-21T13:30:00Z")));
    }

    @Test
    void shouldReadAnUnusualPayloadLenientlyAndSkipUpdatesWithoutATrackingNumber() {
        String tn = Ship24Webhooks.trackingNumber();
        String body = """
                {"trackings": [
                  {"tracker": {"trackerId": "x"}, "events": [{"eventId": "%s", "status": "lost"}]},
                  {"tracker": {"trackingNumber": "%s", "courierCode": "Sagawa", "shipmentReference": 164},
                   "shipment": {"statusMilestone": "pending", "unknownField": {"deep": [1, 2]}},
                   "events": [{"status": "Registered", "occurrenceDatetime": "2026-11-20", "location": {"city": "Kyoto", "countryCode": "JP"}}]}
                ], "extra": true}""".formatted(Ship24Webhooks.eventId(), tn);
        Ship24Webhooks.deliver(body);
        JsonPath found = asAdmin().get("/platform/shipments?trackingNumber=" + tn).then().statusCode(200).extract().jsonPath();
        assertThat(found.getString("[0].courierCode")).isEqualTo("sagawa");
        assertThat(found.getString("[0].rawReference")).isEqualTo("164");
        assertThat(found.getString("[0].lastEventAt")).isEqualTo("2026-11-20T00:00:00Z");
        assertThat(found.getString("[0].lastEvent.location")).isEqualTo("Kyoto, JP");
        // The event without an id gets one from its content, so sending it again adds nothing.
        Ship24Webhooks.deliver(body.replace("\"extra\": true", "\"extra\": false"));
        assertThat(platform.count("tracking_events", "shipment_id = ?", found.getLong("[0].id"))).isEqualTo(1);
        assertThat(found.getList("$")).hasSize(1);
    }

    private static long shipmentId(String trackingNumber) {
        return asAdmin().get("/platform/shipments?trackingNumber=" + trackingNumber).then().statusCode(200)
                .body("size()", equalTo(1)).extract().jsonPath().getLong("[0].id");
    }
}
