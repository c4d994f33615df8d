package dev.storesync.carriers;

import static dev.storesync.carriers.Ship24Webhooks.body;
import static dev.storesync.carriers.Ship24Webhooks.event;
import static dev.storesync.carriers.Ship24Webhooks.tracking;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.testing.Api;
import dev.storesync.testing.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /webhooks/ship24 through HTTP only, so the same checks run against the packaged application. */
@QuarkusTest
class Ship24IntakeTest {

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldRefuseAWrongOrMissingSecretAndStoreNothing() throws Exception {
        String tn = Ship24Webhooks.trackingNumber();
        String body = body(tracking(tn, "PO 1-1", event(Ship24Webhooks.eventId(), "2026-11-20T10:00:00Z", "in_transit", "Picked up")));
        for (String authorization : new String[] { null, "Bearer wrong-secret", "Bearer " + Ship24Webhooks.SECRET + "x",
                "Basic " + Ship24Webhooks.SECRET, "Bearer ", "Bearer " + Api.ADMIN_KEY }) {
            Ship24Webhooks.post(body, authorization).then().statusCode(401)
                    .contentType("application/problem+json").body("status", equalTo(401));
        }
        String deliveryId = "ship24-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.UTF_8)));
        List<String> stored = asAdmin().get("/admin/webhooks/inbox?limit=200&shop=" + Ship24Intake.SOURCE).then()
                .statusCode(200).extract().jsonPath().getList("items.webhookId");
        assertThat(stored).doesNotContain(deliveryId);
        asAdmin().get("/platform/shipments?trackingNumber=" + tn).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void shouldAnswerShip24sProbeAndRefuseABodyThatIsNotAJsonObject() {
        RestAssured.given().head("/webhooks/ship24").then().statusCode(200);
        Ship24Webhooks.post("{\"trackings\": [", "Bearer " + Ship24Webhooks.SECRET).then().statusCode(400);
        Ship24Webhooks.post("[]", "Bearer " + Ship24Webhooks.SECRET).then().statusCode(400);
    }

    @Test
    void shouldStoreARedeliveryOnceAndChangeNothing() {
        String tn = Ship24Webhooks.trackingNumber();
        String body = body(tracking(tn, null, event(Ship24Webhooks.eventId(), "2026-11-20T10:00:00Z", "in_transit", "Picked up")));
        String first = Ship24Webhooks.post(body, "Bearer " + Ship24Webhooks.SECRET).then().statusCode(200)
                .body("duplicate", equalTo(false)).extract().path("deliveryId");
        Orders.awaitProcessed(Ship24Intake.SOURCE, first);
        Ship24Webhooks.post(body, "Bearer " + Ship24Webhooks.SECRET).then().statusCode(200)
                .body("duplicate", equalTo(true)).body("deliveryId", equalTo(first));
        List<String> stored = asAdmin().get("/admin/webhooks/inbox?limit=200&shop=" + Ship24Intake.SOURCE).then()
                .statusCode(200).extract().jsonPath().getList("items.webhookId");
        assertThat(stored.stream().filter(first::equals)).hasSize(1);
        long id = asAdmin().get("/platform/shipments?trackingNumber=" + tn).then().statusCode(200)
                .body("size()", equalTo(1)).extract().jsonPath().getLong("[0].id");
        asAdmin().get("/platform/shipments/" + id).then().statusCode(200).body("events.size()", equalTo(1));
    }
}
