package dev.storesync.testing;

import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shipment registration requests for HTTP tests. */
public final class Shipments {

    private Shipments() {
    }

    /** A registration body: {@code lineIdsAndQuantities} alternates our line item id and the quantity shipped. */
    public static Map<String, Object> body(String trackingNumber, long... lineIdsAndQuantities) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < lineIdsAndQuantities.length; i += 2) {
            lines.add(Map.of("lineItemId", lineIdsAndQuantities[i], "quantity", lineIdsAndQuantities[i + 1]));
        }
        return Map.of("lines", lines, "trackingNumber", trackingNumber, "carrier", "Yamato");
    }

    /** POST /orders/{orderId}/shipments with {@code key}. */
    public static Response register(String key, long orderId, Map<String, Object> body) {
        return Api.as(key).body(body).post("/orders/" + orderId + "/shipments");
    }

    /** Registers a one-line shipment that must be accepted, and returns its id. */
    public static long registered(String key, long orderId, String trackingNumber, long lineId, int quantity) {
        return register(key, orderId, body(trackingNumber, lineId, quantity)).then().statusCode(201).extract().jsonPath()
                .getLong("id");
    }
}
