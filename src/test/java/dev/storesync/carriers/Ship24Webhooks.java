package dev.storesync.carriers;

import static io.restassured.RestAssured.given;

import dev.storesync.testing.Orders;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/** Ship24 webhook bodies for tests, sent the way Ship24 sends them (the webhook secret as a Bearer token). */
final class Ship24Webhooks {

    /** The webhook secret of the test profile. */
    static final String SECRET = "test-ship24-webhook-secret";
    static final Path SAMPLE = Path.of("src", "test", "resources", "ship24", "tracking-update.json");

    private Ship24Webhooks() {
    }

    /** A unique tracking number. */
    static String trackingNumber() {
        return "TN" + UUID.randomUUID().toString().replace("-", "").substring(0, 14).toUpperCase(java.util.Locale.ROOT);
    }

    /** A unique event id. */
    static String eventId() {
        return UUID.randomUUID().toString();
    }

    /** The sample body with its {@code SAMPLE-*} placeholders replaced. */
    static String sample(Map<String, String> replacements) {
        try {
            String body = Files.readString(SAMPLE, StandardCharsets.UTF_8);
            for (Map.Entry<String, String> r : replacements.entrySet()) {
                body = body.replace(r.getKey(), r.getValue());
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One carrier event. */
    static JsonObject event(String eventId, String occurrenceDatetime, String milestone, String status) {
        return new JsonObject().put("eventId", eventId).put("occurrenceDatetime", occurrenceDatetime)
                .put("status", status).put("statusCode", milestone.equals("delivered") ? "delivery_delivered" : null)
                .put("statusCategory", milestone.equals("delivered") ? "delivery" : "transit")
                .put("statusMilestone", milestone).put("location", "Tokyo").put("courierCode", "yamato");
    }

    /** One tracking update with the given events; {@code reference} may be null. */
    static JsonObject tracking(String trackingNumber, String reference, JsonObject... events) {
        JsonObject tracker = new JsonObject().put("trackerId", UUID.randomUUID().toString())
                .put("trackingNumber", trackingNumber).put("courierCode", new JsonArray().add("yamato"));
        if (reference != null) {
            tracker.put("shipmentReference", reference);
        }
        return new JsonObject().put("tracker", tracker)
                .put("shipment", new JsonObject().put("statusMilestone", "in_transit")
                        .put("delivery", new JsonObject().put("estimatedDeliveryDate", "2026-11-25")))
                .put("events", new JsonArray(Arrays.asList((Object[]) events)));
    }

    /** A webhook body holding these tracking updates. */
    static String body(JsonObject... trackings) {
        return new JsonObject().put("trackings", new JsonArray(Arrays.asList((Object[]) trackings))).encode();
    }

    static Response post(String body, String authorization) {
        var request = given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
        if (authorization != null) {
            request = request.header("Authorization", authorization);
        }
        return request.post("/webhooks/ship24");
    }

    /** Sends the body with the right secret, waits until it is applied, and returns its inbox id. */
    static String deliver(String body) {
        String id = post(body, "Bearer " + SECRET).then().statusCode(200).extract().path("deliveryId");
        Orders.awaitProcessed(Ship24Intake.SOURCE, id);
        return id;
    }
}
