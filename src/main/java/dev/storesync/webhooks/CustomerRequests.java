package dev.storesync.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The customer named by a {@code customers/redact} or {@code customers/data_request} payload:
 * {@code {"customer": {"id", "email", "phone"}, "orders_to_redact" | "orders_requested": [ids]}}.
 */
record CustomerRequests(Long customerId, String email, List<Long> orderIds) {

    static CustomerRequests of(JsonObject payload, String ordersField) {
        JsonObject customer = payload.getJsonObject("customer", new JsonObject());
        List<Long> orders = new ArrayList<>();
        for (Object id : payload.getJsonArray(ordersField, new JsonArray())) {
            Long parsed = id(id);
            if (parsed != null) {
                orders.add(parsed);
            }
        }
        String email = customer.getString("email");
        return new CustomerRequests(id(customer.getValue("id")), email == null || email.isBlank() ? null : email,
                List.copyOf(orders));
    }

    private static Long id(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        try {
            return value == null ? null : Long.valueOf(value.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
